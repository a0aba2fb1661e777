// GET /export/payments.csv: every payment of the session's business, oldest first. Rows are read in
// keyset batches on (receivedAt, id) and streamed. Dates are the day the payment was received in the
// business's time zone.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { todayIn, toDateString } from "~/models/document-form";
import { notFound } from "~/models/errors.server";
import { formatInvoiceNumber } from "~/models/invoice.server";
import { requireBusiness } from "~/utils/auth.server";
import { CSV_BATCH_SIZE, csvAmount, csvFilename, csvResponse, type CsvCell } from "~/utils/csv.server";
import { prisma } from "~/utils/db.server";
import { mapDomainErrors } from "~/web/errors.server";

const HEADER = ["Date", "Invoice number", "Customer", "Method", "Provider", "Amount", "Currency", "Overpayment", "Reference", "Status"];

async function* paymentRows(businessId: string, prefix: string, timeZone: string): AsyncGenerator<CsvCell[][]> {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  let after: { receivedAt: Date; id: string } | undefined;
  for (;;) {
    const payments = await prisma.payment.findMany({
      where: {
        businessId,
        ...(after
          ? { OR: [{ receivedAt: { gt: after.receivedAt } }, { receivedAt: after.receivedAt, id: { gt: after.id } }] }
          : {}),
      },
      orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
      take: CSV_BATCH_SIZE,
      select: {
        id: true,
        receivedAt: true,
        receivedOn: true,
        method: true,
        provider: true,
        amountCents: true,
        currency: true,
        overpaymentCents: true,
        reference: true,
        status: true,
        invoice: { select: { number: true, customer: { select: { name: true } } } },
      },
    });
    if (payments.length === 0) return;
    yield payments.map((p) => [
      p.receivedOn ? toDateString(p.receivedOn) : day.format(p.receivedAt),
      formatInvoiceNumber(prefix, p.invoice.number),
      p.invoice.customer.name,
      p.method,
      p.provider,
      csvAmount(p.amountCents, p.currency),
      p.currency,
      csvAmount(p.overpaymentCents, p.currency),
      p.reference,
      p.status,
    ]);
    if (payments.length < CSV_BATCH_SIZE) return;
    const last = payments[payments.length - 1];
    after = { receivedAt: last.receivedAt, id: last.id };
  }
}

export const loader = mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const business = await prisma.business.findUnique({ where: { id: businessId }, select: { invoicePrefix: true, timeZone: true } });
  if (!business) notFound();
  return csvResponse({
    filename: csvFilename("payments", todayIn(business.timeZone)),
    header: HEADER,
    batches: paymentRows(businessId, business.invoicePrefix, business.timeZone),
  });
});

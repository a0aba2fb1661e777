// GET /export/invoices.csv: every invoice of the session's business, oldest number first. Rows are read
// in keyset batches (number > last seen) and streamed, so a business with 100,000 invoices never has
// them all in memory at once.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { todayIn, toDateString } from "~/models/document-form";
import { notFound } from "~/models/errors.server";
import { balanceCents, displayStatus, formatInvoiceNumber } from "~/models/invoice.server";
import { requireBusiness } from "~/utils/auth.server";
import { CSV_BATCH_SIZE, csvAmount, csvFilename, csvResponse, type CsvCell } from "~/utils/csv.server";
import { prisma } from "~/utils/db.server";
import { mapDomainErrors } from "~/web/errors.server";

const HEADER = ["Number", "Status", "Customer", "Issue date", "Due date", "Currency", "Subtotal", "Discount", "Tax", "Total", "Paid", "Balance"];

async function* invoiceRows(businessId: string, prefix: string, today: string): AsyncGenerator<CsvCell[][]> {
  let after: number | undefined;
  for (;;) {
    const invoices = await prisma.invoice.findMany({
      where: { businessId, ...(after === undefined ? {} : { number: { gt: after } }) },
      orderBy: { number: "asc" },
      take: CSV_BATCH_SIZE,
      select: {
        number: true,
        status: true,
        issueDate: true,
        dueDate: true,
        currency: true,
        subtotalCents: true,
        discountCents: true,
        taxCents: true,
        totalCents: true,
        amountPaidCents: true,
        customer: { select: { name: true } },
      },
    });
    if (invoices.length === 0) return;
    yield invoices.map((i) => [
      formatInvoiceNumber(prefix, i.number),
      displayStatus(i, today),
      i.customer.name,
      toDateString(i.issueDate),
      toDateString(i.dueDate),
      i.currency,
      csvAmount(i.subtotalCents, i.currency),
      csvAmount(i.discountCents, i.currency),
      csvAmount(i.taxCents, i.currency),
      csvAmount(i.totalCents, i.currency),
      csvAmount(i.amountPaidCents, i.currency),
      csvAmount(balanceCents(i), i.currency),
    ]);
    if (invoices.length < CSV_BATCH_SIZE) return;
    after = invoices[invoices.length - 1].number;
  }
}

export const loader = mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const business = await prisma.business.findUnique({ where: { id: businessId }, select: { invoicePrefix: true, timeZone: true } });
  if (!business) notFound();
  const today = todayIn(business.timeZone);
  return csvResponse({ filename: csvFilename("invoices", today), header: HEADER, batches: invoiceRows(businessId, business.invoicePrefix, today) });
});

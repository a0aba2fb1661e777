// GET /export/payments.csv: every payment of the session's business, oldest first. Rows are read in
// keyset batches on (receivedAt, id) and streamed. Dates are the day the payment was received in the
// business's time zone.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { todayIn, toDateString } from "~/utils/dates";
import { formatInvoiceNumber } from "~/models/invoice.server";
import { requireBusiness } from "~/web/auth.server";
import { csvAmount, csvFilename, csvResponse, type CsvCell } from "~/utils/csv.server";
import { getExportSettings, paymentExportBatches } from "~/models/csv-exports.server";
import { mapDomainErrors } from "~/web/errors.server";

const HEADER = ["Date", "Invoice number", "Customer", "Method", "Provider", "Amount", "Currency", "Overpayment", "Reference", "Status"];

async function* paymentRows(businessId: string, prefix: string, timeZone: string): AsyncGenerator<CsvCell[][]> {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  for await (const payments of paymentExportBatches(businessId)) {
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
  }
}

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const business = await getExportSettings(businessId);
  return csvResponse({
    filename: csvFilename("payments", todayIn(business.timeZone)),
    header: HEADER,
    batches: paymentRows(businessId, business.invoicePrefix, business.timeZone),
  });
});

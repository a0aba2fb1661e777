// GET /export/invoices.csv: every invoice of the session's business, oldest number first. Rows are read
// in keyset batches (number > last seen) and streamed, so a business with 100,000 invoices never has
// them all in memory at once.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { todayIn, toDateString } from "~/utils/dates";
import { balanceCents, displayStatus, formatInvoiceNumber } from "~/models/invoice.server";
import { requireBusiness } from "~/web/auth.server";
import { csvAmount, csvFilename, csvResponse, type CsvCell } from "~/utils/csv.server";
import { getExportSettings, invoiceExportBatches } from "~/models/csv-exports.server";
import { mapDomainErrors } from "~/web/errors.server";

const HEADER = ["Number", "Status", "Customer", "Issue date", "Due date", "Currency", "Subtotal", "Discount", "Tax", "Total", "Paid", "Balance"];

async function* invoiceRows(businessId: string, prefix: string, today: string): AsyncGenerator<CsvCell[][]> {
  for await (const invoices of invoiceExportBatches(businessId)) {
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
  }
}

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const business = await getExportSettings(businessId);
  const today = todayIn(business.timeZone);
  return csvResponse({ filename: csvFilename("invoices", today), header: HEADER, batches: invoiceRows(businessId, business.invoicePrefix, today) });
});

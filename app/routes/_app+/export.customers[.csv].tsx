// GET /export/customers.csv: every customer of the signed-in business, archived ones too, streamed
// in batches of EXPORT_BATCH_SIZE rows so a large list never sits in memory at once. Quoting, the
// formula-injection guard and the streaming are the shared ones of app/utils/csv.server.ts.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { todayIn } from "~/utils/dates";
import { getExportSettings } from "~/models/csv-exports.server";
import { customerExportBatches } from "~/models/customer.server";
import { requireBusiness } from "~/web/auth.server";
import { csvFilename, csvResponse, type CsvCell } from "~/utils/csv.server";
import { mapDomainErrors } from "~/web/errors.server";

const HEADER = ["Name", "Email", "Phone", "Address line 1", "Address line 2", "City", "Region", "Postal code", "Country", "Notes", "Archived", "Created"];

async function* customerRows(businessId: string, timeZone: string): AsyncGenerator<CsvCell[][]> {
  for await (const batch of customerExportBatches(businessId)) {
    yield batch.map((c) => [
      c.name,
      c.email,
      c.phone,
      c.addressLine1,
      c.addressLine2,
      c.city,
      c.region,
      c.postalCode,
      c.country,
      c.notes,
      c.archivedAt ? todayIn(timeZone, c.archivedAt) : "",
      todayIn(timeZone, c.createdAt),
    ]);
  }
}

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const { timeZone } = await getExportSettings(businessId);
  return csvResponse({ filename: csvFilename("customers", todayIn(timeZone)), header: HEADER, batches: customerRows(businessId, timeZone) });
});

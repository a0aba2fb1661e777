// GET/POST /api/v1/invoices (with line items)
import { apiCreateInvoice, apiListInvoices } from "~/web/api/api-resources.server";
import { InvoiceCreateBody, InvoiceListQuery } from "~/models/api-schemas";
import { idempotent, readIdempotencyKey } from "~/web/api/idempotency.server";
import { apiAction, apiJson, apiLoader, decodeCursor, readJson, readQuery, requireApiAuth, resourceResponse } from "~/web/api.server";

export const loader = apiLoader(async ({ request }) => {
  const { businessId } = await requireApiAuth(request);
  const query = readQuery(request, InvoiceListQuery);
  return apiJson(await apiListInvoices(businessId, query, decodeCursor(query.cursor)));
});

export const action = apiAction({
  POST: async ({ request }) => {
    const { businessId, userId } = await requireApiAuth(request);
    readIdempotencyKey(request);
    const body = await readJson(request, InvoiceCreateBody);
    // A retried create with the same Idempotency-Key returns the first invoice: no second number is used.
    return idempotent(request, businessId, body, async () => resourceResponse(request, await apiCreateInvoice(businessId, body, userId), 201));
  },
});

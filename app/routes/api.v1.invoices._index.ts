// GET/POST /api/v1/invoices (with line items)
import { apiCreateInvoice, apiListInvoices } from "~/models/api-resources.server";
import { InvoiceCreateBody, InvoiceListQuery } from "~/models/api-schemas";
import { apiAction, apiJson, apiLoader, decodeCursor, readJson, readQuery, requireApiAuth, resourceResponse } from "~/utils/api.server";

export const loader = apiLoader(async ({ request }) => {
  const { businessId } = await requireApiAuth(request);
  const query = readQuery(request, InvoiceListQuery);
  return apiJson(await apiListInvoices(businessId, query, decodeCursor(query.cursor)));
});

export const action = apiAction({
  POST: async ({ request }) => {
    const { businessId, userId } = await requireApiAuth(request);
    const body = await readJson(request, InvoiceCreateBody);
    return resourceResponse(request, await apiCreateInvoice(businessId, body, userId), 201);
  },
});

// GET/PATCH /api/v1/invoices/:invoiceId. PATCH changes the fields sent ("lines" replaces all lines);
// a sent invoice keeps its earlier version as a revision, a paid or void one cannot change (409).
import { apiGetInvoice, apiUpdateInvoice } from "~/web/api/api-resources.server";
import { InvoiceUpdateBody } from "~/models/api-schemas";
import { apiAction, apiLoader, checkIfMatch, readJson, requireApiAuth, resourceResponse } from "~/web/api.server";

export const loader = apiLoader(async ({ request, params }) => {
  const { businessId } = await requireApiAuth(request);
  return resourceResponse(request, await apiGetInvoice(businessId, params.invoiceId!));
});

export const action = apiAction({
  PATCH: async ({ request, params }) => {
    const { businessId, userId } = await requireApiAuth(request);
    const current = await apiGetInvoice(businessId, params.invoiceId!);
    const body = await readJson(request, InvoiceUpdateBody);
    checkIfMatch(request, current);
    return resourceResponse(request, await apiUpdateInvoice(businessId, current, body, userId));
  },
});

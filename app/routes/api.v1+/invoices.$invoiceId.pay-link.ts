// GET /api/v1/invoices/:invoiceId/pay-link: the customer's signed pay link, for texting or sharing.
import { apiGetInvoice, payLinkOf } from "~/web/api/api-resources.server";
import { apiAction, apiJson, apiLoader, requireApiAuth } from "~/web/api.server";

export const loader = apiLoader(async ({ request, params }) => {
  const { businessId } = await requireApiAuth(request);
  return apiJson({ data: payLinkOf(await apiGetInvoice(businessId, params.invoiceId!)) });
});

// Read-only: other methods get a JSON 405.
export const action = apiAction({});

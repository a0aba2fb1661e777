// GET /api/v1/payments/:paymentId
import { apiGetPayment } from "~/web/api/api-resources.server";
import { apiAction, apiLoader, requireApiAuth, resourceResponse } from "~/web/api.server";

export const loader = apiLoader(async ({ request, params }) => {
  const { businessId } = await requireApiAuth(request);
  return resourceResponse(request, await apiGetPayment(businessId, params.paymentId!));
});

// Read-only: other methods get a JSON 405.
export const action = apiAction({});

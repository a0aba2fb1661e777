// POST /api/v1/estimates/:estimateId/convert: an approved estimate becomes a draft invoice, once.
import { apiGetEstimate, apiGetInvoice } from "~/models/api-resources.server";
import { convertEstimateToInvoice } from "~/models/estimate.server";
import { apiAction, apiLoader, requireApiAuth, resourceResponse } from "~/utils/api.server";

export const loader = apiLoader();

export const action = apiAction(
  {
    POST: async ({ request, params }) => {
      const { businessId, userId } = await requireApiAuth(request);
      const estimate = await apiGetEstimate(businessId, params.estimateId!);
      const result = await convertEstimateToInvoice(businessId, estimate.id, userId);
      return resourceResponse(request, await apiGetInvoice(businessId, result.id), result.created ? 201 : 200);
    },
  },
  false,
);

// POST /api/v1/estimates/:estimateId/convert: an approved estimate becomes a draft invoice, once.
import { apiGetEstimate, apiGetInvoice } from "~/web/api/api-resources.server";
import { convertEstimateToInvoice } from "~/models/estimate.server";
import { EmptyBody } from "~/models/api-schemas";
import { apiAction, apiLoader, readJson, requireApiAuth, resourceResponse } from "~/web/api.server";

export const loader = apiLoader();

export const action = apiAction(
  {
    POST: async ({ request, params }) => {
      const { businessId, userId } = await requireApiAuth(request);
      // No fields: an empty body or {}; anything else (text/plain garbage, unknown fields) is a 400.
      await readJson(request, EmptyBody, { optional: true });
      const estimate = await apiGetEstimate(businessId, params.estimateId!);
      const result = await convertEstimateToInvoice(businessId, estimate.id, userId);
      return resourceResponse(request, await apiGetInvoice(businessId, result.id), result.created ? 201 : 200);
    },
  },
  false,
);

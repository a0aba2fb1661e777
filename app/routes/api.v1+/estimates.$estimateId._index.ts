// GET/PATCH /api/v1/estimates/:estimateId
import { apiGetEstimate, apiUpdateEstimate } from "~/web/api/api-resources.server";
import { EstimateUpdateBody } from "~/models/api-schemas";
import { apiAction, apiLoader, checkIfMatch, readJson, requireApiAuth, resourceResponse } from "~/web/api.server";

export const loader = apiLoader(async ({ request, params }) => {
  const { businessId } = await requireApiAuth(request);
  return resourceResponse(request, await apiGetEstimate(businessId, params.estimateId!));
});

export const action = apiAction({
  PATCH: async ({ request, params }) => {
    const { businessId } = await requireApiAuth(request);
    const current = await apiGetEstimate(businessId, params.estimateId!);
    const body = await readJson(request, EstimateUpdateBody);
    checkIfMatch(request, current);
    return resourceResponse(request, await apiUpdateEstimate(businessId, current, body));
  },
});

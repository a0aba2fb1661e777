// GET/POST /api/v1/estimates (with line items)
import { apiCreateEstimate, apiListEstimates } from "~/web/api/api-resources.server";
import { EstimateCreateBody, EstimateListQuery } from "~/models/api-schemas";
import { idempotent, readIdempotencyKey } from "~/web/api/idempotency.server";
import { apiAction, apiJson, apiLoader, decodeCursor, readJson, readQuery, requireApiAuth, resourceResponse } from "~/web/api.server";

export const loader = apiLoader(async ({ request }) => {
  const { businessId } = await requireApiAuth(request);
  const query = readQuery(request, EstimateListQuery);
  return apiJson(await apiListEstimates(businessId, query, decodeCursor(query.cursor)));
});

export const action = apiAction({
  POST: async ({ request }) => {
    const { businessId } = await requireApiAuth(request);
    readIdempotencyKey(request);
    const body = await readJson(request, EstimateCreateBody);
    return idempotent(request, businessId, body, async () => resourceResponse(request, await apiCreateEstimate(businessId, body), 201));
  },
});

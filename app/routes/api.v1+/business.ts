// GET/PATCH /api/v1/business: the business profile of the token's business.
import { apiGetBusiness, apiUpdateBusiness } from "~/web/api/api-resources.server";
import { BusinessUpdateBody } from "~/models/api-schemas";
import { apiAction, apiLoader, checkIfMatch, readJson, requireApiAuth, resourceResponse } from "~/web/api.server";

export const loader = apiLoader(async ({ request }) => {
  const { businessId } = await requireApiAuth(request);
  return resourceResponse(request, await apiGetBusiness(businessId));
});

export const action = apiAction({
  PATCH: async ({ request }) => {
    const { businessId } = await requireApiAuth(request);
    const body = await readJson(request, BusinessUpdateBody);
    const current = await apiGetBusiness(businessId);
    checkIfMatch(request, current);
    return resourceResponse(request, await apiUpdateBusiness(businessId, current, body));
  },
});

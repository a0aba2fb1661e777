// GET/PATCH /api/v1/customers/:customerId (PATCH with "archived" archives or restores).
import { apiGetCustomer, apiUpdateCustomer } from "~/web/api/api-resources.server";
import { CustomerUpdateBody } from "~/models/api-schemas";
import { apiAction, apiLoader, checkIfMatch, readJson, requireApiAuth, resourceResponse } from "~/web/api.server";

export const loader = apiLoader(async ({ request, params }) => {
  const { businessId } = await requireApiAuth(request);
  return resourceResponse(request, await apiGetCustomer(businessId, params.customerId!));
});

export const action = apiAction({
  PATCH: async ({ request, params }) => {
    const { businessId } = await requireApiAuth(request);
    const current = await apiGetCustomer(businessId, params.customerId!);
    const body = await readJson(request, CustomerUpdateBody);
    checkIfMatch(request, current);
    return resourceResponse(request, await apiUpdateCustomer(businessId, current, body));
  },
});

// GET/POST /api/v1/customers
import { apiCreateCustomer, apiListCustomers } from "~/web/api/api-resources.server";
import { CustomerCreateBody, CustomerListQuery } from "~/models/api-schemas";
import { idempotent, readIdempotencyKey } from "~/web/api/idempotency.server";
import { apiAction, apiJson, apiLoader, decodeCursor, readJson, readQuery, requireApiAuth, resourceResponse } from "~/web/api.server";

export const loader = apiLoader(async ({ request }) => {
  const { businessId } = await requireApiAuth(request);
  const query = readQuery(request, CustomerListQuery);
  return apiJson(await apiListCustomers(businessId, { ...query, archived: query.archived === "true" }, decodeCursor(query.cursor)));
});

export const action = apiAction({
  POST: async ({ request }) => {
    const { businessId } = await requireApiAuth(request);
    readIdempotencyKey(request);
    const body = await readJson(request, CustomerCreateBody);
    return idempotent(request, businessId, body, async () => resourceResponse(request, await apiCreateCustomer(businessId, body), 201));
  },
});

// GET /api/v1/payments: every payment of the business, manual and online, newest first.
import { apiListPayments } from "~/web/api/api-resources.server";
import { PaymentListQuery } from "~/models/api-schemas";
import { apiAction, apiJson, apiLoader, decodeCursor, readQuery, requireApiAuth } from "~/web/api.server";

export const loader = apiLoader(async ({ request }) => {
  const { businessId } = await requireApiAuth(request);
  const query = readQuery(request, PaymentListQuery);
  return apiJson(await apiListPayments(businessId, query, decodeCursor(query.cursor)));
});

// Read-only: other methods get a JSON 405.
export const action = apiAction({});

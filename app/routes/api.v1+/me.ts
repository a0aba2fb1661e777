// GET /api/v1/me: who the token belongs to.
import { apiAction, apiLoader, resourceResponse, requireApiAuth } from "~/web/api.server";

export const loader = apiLoader(async ({ request }) => {
  const { user } = await requireApiAuth(request);
  return resourceResponse(request, { id: user.id, email: user.email, name: user.name, role: user.role, businessId: user.businessId });
});

// Read-only: other methods get a JSON 405.
export const action = apiAction({});

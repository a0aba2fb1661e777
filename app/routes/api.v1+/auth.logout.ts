// POST /api/v1/auth/logout: ends this device's sign-in. Needs the access token AND the device's
// refresh token, so a stolen access token alone cannot sign anyone out.
import { logoutDevice } from "~/models/api-token.server";
import { LogoutBody } from "~/models/api-schemas";
import { apiAction, apiLoader, ApiError, readJson, requireApiAuth } from "~/web/api.server";

export const loader = apiLoader();

export const action = apiAction(
  {
    POST: async ({ request }) => {
      const auth = await requireApiAuth(request);
      const body = await readJson(request, LogoutBody);
      if (!(await logoutDevice(auth.claims, body.refreshToken))) {
        throw new ApiError(403, "refresh_token_mismatch", "That refresh token is not one of your signed-in devices.");
      }
      return new Response(null, { status: 204, headers: { "Cache-Control": "private, no-store" } });
    },
  },
  false,
);

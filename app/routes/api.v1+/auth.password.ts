// POST /api/v1/auth/password: changes the password, ends every web session and device sign-in of
// the user, and returns a fresh token pair for this device.
import { issueTokens } from "~/models/api-token.server";
import { ChangePasswordBody } from "~/models/api-schemas";
import { changePassword } from "~/models/user.server";
import { apiAction, apiJson, apiLoader, apiRateLimit, ApiError, readJson, requireApiAuth } from "~/web/api.server";

export const loader = apiLoader();

export const action = apiAction(
  {
    POST: async ({ request, context }) => {
      const auth = await requireApiAuth(request);
      await apiRateLimit("password-change", context);
      const body = await readJson(request, ChangePasswordBody);
      if (!(await changePassword(auth.userId, body.currentPassword, body.newPassword))) {
        throw new ApiError(400, "validation_failed", "Some fields are not valid.", { currentPassword: ["That is not your current password"] });
      }
      return apiJson(await issueTokens(auth.user, { ip: context.clientIp, userAgent: request.headers.get("User-Agent") }));
    },
  },
  false,
);

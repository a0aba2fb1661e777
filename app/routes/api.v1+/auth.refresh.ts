// POST /api/v1/auth/refresh: a refresh token for a new pair. Single use; a reused token ends the device's sign-in.
import { rotateRefreshToken } from "~/models/api-token.server";
import { RefreshBody } from "~/models/api-schemas";
import { apiAction, apiJson, apiLoader, apiRateLimit, ApiError, readJson } from "~/web/api.server";

const FAILURES = {
  invalid: "This refresh token is not valid. Sign in again.",
  expired: "This sign-in lapsed after 7 days without use. Sign in again.",
  reused: "This refresh token was already used, so the sign-in was ended on every copy. Sign in again.",
  "in-progress": "This refresh token was exchanged by another request a moment ago. Use the tokens that request received.",
};

export const loader = apiLoader();

export const action = apiAction(
  {
    POST: async ({ request, context }) => {
      await apiRateLimit("refresh", context);
      const body = await readJson(request, RefreshBody);
      const result = await rotateRefreshToken(body.refreshToken, { ip: context.clientIp, userAgent: request.headers.get("User-Agent") });
      if (!result.ok && result.reason === "in-progress") throw new ApiError(409, "refresh_in_progress", FAILURES[result.reason]);
      if (!result.ok) throw new ApiError(401, `refresh_token_${result.reason}`, FAILURES[result.reason]);
      return apiJson(result.tokens);
    },
  },
  false,
);

// POST /api/v1/auth/login: email and password for a token pair (a new signed-in device).
import { loginWithPassword } from "~/models/api-token.server";
import { LoginBody } from "~/models/api-schemas";
import { apiAction, apiJson, apiLoader, apiRateLimit, ApiError, readJson } from "~/web/api.server";

export const loader = apiLoader();

export const action = apiAction(
  {
    POST: async ({ request, context }) => {
      await apiRateLimit("login", context);
      const body = await readJson(request, LoginBody);
      const tokens = await loginWithPassword(body.email, body.password, { ip: context.clientIp, userAgent: request.headers.get("User-Agent") });
      if (!tokens) throw new ApiError(401, "invalid_credentials", "Invalid email or password.");
      return apiJson(tokens);
    },
  },
  false,
);

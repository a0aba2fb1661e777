// Anything else under /api/v1: a JSON 404, not the web's HTML error page.
import { apiAction, apiLoader, ApiError } from "~/web/api.server";

const missing = async (): Promise<Response> => {
  throw new ApiError(404, "not_found", "There is no such API endpoint. See /api/v1/openapi.json.");
};

export const loader = apiLoader(missing);
export const action = apiAction({ POST: missing, PATCH: missing, PUT: missing, DELETE: missing });

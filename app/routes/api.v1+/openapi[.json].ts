// GET /api/v1/openapi.json: the API's OpenAPI 3.1 document, generated from the zod schemas.
import { openApiDocument } from "~/web/api/openapi.server";
import { apiAction, apiJson, apiLoader } from "~/web/api.server";

export const loader = apiLoader(async () => apiJson(openApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } }));

// Read-only: other methods get a JSON 405.
export const action = apiAction({});

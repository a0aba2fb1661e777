// GET /api/v1/deletions: tombstones of deleted customers, invoices, estimates and payments, oldest
// first, so an app's updatedSince sync can drop what no longer exists (app/models/deleted-records.server.ts).
import { DeletionListQuery } from "~/models/api-schemas";
import { listDeletions } from "~/models/deleted-records.server";
import { apiAction, apiJson, apiLoader, decodeCursor, readQuery, requireApiAuth } from "~/web/api.server";

export const loader = apiLoader(async ({ request }) => {
  const { businessId } = await requireApiAuth(request);
  const query = readQuery(request, DeletionListQuery);
  return apiJson(await listDeletions(businessId, query, decodeCursor(query.cursor)));
});

export const action = apiAction({});

// GET /export/data/<id>.zip: a finished data export of the signed-in business (any instance can serve
// it: the bytes are in Postgres). Signed out: the login page. Another business's export or an unknown
// id: 404. Past its seven days: 410. Not finished yet: 409.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDataExportFile } from "~/models/data-export.server";
import { requireOwner } from "~/web/auth.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const { businessId } = await requireOwner(request);
  const file = await getDataExportFile(businessId, params.exportId!);
  return new Response(file.bytes, {
    status: 200,
    headers: {
      "Content-Type": "application/zip",
      "Content-Length": String(file.bytes.byteLength),
      "Content-Disposition": `attachment; filename="${file.filename}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});

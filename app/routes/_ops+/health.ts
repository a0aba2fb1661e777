// GET /health for the load balancer: 200 while Postgres answers, 503 within 2 s while it does not
// (app/utils/health.server.ts). The pools reconnect by themselves when it comes back.
import { json } from "@remix-run/node";
import { databaseReachable } from "~/utils/health.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async () => {
  const headers = { "Cache-Control": "no-store" };
  return (await databaseReachable()) ? json({ status: "ok", db: "ok" }, { headers }) : json({ status: "error", db: "unavailable" }, { status: 503, headers });
});

// A route that does no work: no session, no database. The scale benchmark (scripts/bench.ts) uses
// it as its baseline, so the cost of Express, the middleware and Remix is measured in the same run
// as the pages; it can also serve as a liveness probe (/health is the readiness one: it needs Postgres).
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async () => {
  return new Response("ok", { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
});

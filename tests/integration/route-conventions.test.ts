// The route conventions of issue 16, checked on the route files themselves (like api-resources.test.ts
// checks app/routes/api.v1+ against the OpenAPI operations):
// - every page (a route module with a loader and a default export) has an ErrorBoundary, so an error
//   renders inside the layout with its navigation;
// - every page and resource route exports its loader and action through mapDomainErrors, the one web
//   mapper of domain errors (the API and the webhooks answer in their own formats);
// - routes never query Prisma: they call the domain;
// - no route loads its data in the browser (clientLoader): pages render on the server.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROUTES = path.resolve(import.meta.dirname, "../../app/routes");

function routeFiles() {
  const out: { name: string; source: string }[] = [];
  for (const entry of readdirSync(ROUTES, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
    // A route's parts (`__editor.tsx` beside it, or any file but route.tsx in a folder route such as
    // invoices+/$invoiceId._index/) are not route modules: remix-flat-routes' own rule.
    if (entry.name.startsWith("__")) continue;
    const inFolderRoute = entry.parentPath !== ROUTES && !entry.parentPath.endsWith("+");
    if (inFolderRoute && !/^route\.tsx?$/.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push({ name: path.relative(ROUTES, file), source: readFileSync(file, "utf8") });
  }
  return out;
}

const exportsName = (source: string, name: string) =>
  new RegExp(`^export (async )?(function|const|let) ${name}\\b`, "m").test(source) || new RegExp(`^export \\{[^}]*\\b${name}\\b[^}]*\\}`, "m").test(source);

describe("route conventions", () => {
  const files = routeFiles();

  it("finds the route modules", () => {
    expect(files.length).toBeGreaterThan(90);
  });

  it("every route with a loader and a page (default export) has an ErrorBoundary", () => {
    const pages = files.filter((f) => exportsName(f.source, "loader") && /^export default /m.test(f.source));
    expect(pages.length).toBeGreaterThan(40);
    const missing = pages.filter((f) => !exportsName(f.source, "ErrorBoundary")).map((f) => f.name);
    expect(missing, 'add: export { ErrorBoundary } from "~/components/error-boundary";').toEqual([]);
  });

  it("every page and resource route's loader and action go through mapDomainErrors", () => {
    const web = files.filter((f) => !f.name.startsWith("api.v1+") && !f.name.startsWith("webhooks+"));
    const unmapped: string[] = [];
    for (const f of web) {
      for (const name of ["loader", "action"]) {
        if (!exportsName(f.source, name)) continue;
        // The /* @__PURE__ */ mark is required: without it the browser bundle keeps the call (its module is
        // server-only and empty there) and the page crashes on hydration.
        if (!new RegExp(`^export const ${name} = /\\* @__PURE__ \\*/ mapDomainErrors\\(`, "m").test(f.source)) unmapped.push(`${f.name} ${name}`);
      }
    }
    expect(unmapped, "export const loader = /* @__PURE__ */ mapDomainErrors(async (...) => { ... }) (app/web/errors.server.ts)").toEqual([]);
  });

  it("no route has a clientLoader or a HydrateFallback (patches/@remix-run+react leaves out Remix's default fallback, decision 026)", () => {
    const found = files.filter((f) => ["clientLoader", "clientAction", "HydrateFallback"].some((name) => exportsName(f.source, name))).map((f) => f.name);
    expect(found).toEqual([]);
  });

  it("routes never query Prisma", () => {
    const direct = files.filter((f) => /from "~\/utils\/db\.server"|\bprisma\./.test(f.source)).map((f) => f.name);
    expect(direct, "move the query into a domain function in app/models").toEqual([]);
  });
});

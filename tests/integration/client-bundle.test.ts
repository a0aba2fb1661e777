// What phones download (issue 17): zod and the form schemas stay on the server, pages that work fully as
// HTML (the login, the dashboard, every customer page) load no JavaScript at all, and a contractor page that
// hydrates loads at most 90 KB of gzipped JavaScript. Reads the browser build of the test run (BUILD_DIR,
// built by scripts/test.ts) and renders some pages on the production server.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import { attributesAt } from "../helpers/html";
import { rawGet } from "../helpers/raw-http";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

const ROOT = path.resolve(import.meta.dirname, "../..");
const PUBLIC_DIR = path.resolve(ROOT, process.env.BUILD_DIR ?? "build", "public");
const KB = 1024;
const BUDGET = 90 * KB;

type ManifestRoute = { id: string; parentId?: string; module: string; imports?: string[] };
type Manifest = { entry: { module: string; imports: string[] }; routes: Record<string, ManifestRoute> };

function readManifest(): Manifest {
  const file = readdirSync(PUBLIC_DIR).find((f) => /^manifest-[\w]+\.js$/.test(f));
  if (!file) throw new Error(`no manifest in ${PUBLIC_DIR}`);
  const source = readFileSync(path.join(PUBLIC_DIR, file), "utf8");
  return JSON.parse(source.slice(source.indexOf("{"), source.lastIndexOf("}") + 1)) as Manifest;
}

/**
 * The bytes a browser that takes gzip but not brotli receives for one build file, as server.ts sends it: the
 * zopfli copy made at build time (scripts/lib/precompress.ts) when there is one, a file under compression's
 * 1 KB threshold as it is, anything else gzipped at compression's default level. Brotli, which every current
 * phone browser takes over HTTPS, is smaller still (brotliSize).
 */
function gzippedSize(file: string) {
  if (existsSync(`${file}.gz`)) return statSync(`${file}.gz`).size;
  const source = readFileSync(file);
  return source.byteLength < KB ? source.byteLength : gzipSync(source).byteLength;
}
const brotliSize = (file: string) => (existsSync(`${file}.br`) ? statSync(`${file}.br`).size : gzippedSize(file));

/**
 * What a page of this route makes the browser load, as scripts/bench.ts counts it: Remix's <Scripts> puts
 * the entry, its imports and each matched route's module and imports in `<link rel="modulepreload">`, each
 * counted as the server sends it (gzippedSize).
 */
function routeScripts(manifest: Manifest, routeId: string) {
  const matches: ManifestRoute[] = [];
  for (let route: ManifestRoute | undefined = manifest.routes[routeId]; route; route = route.parentId ? manifest.routes[route.parentId] : undefined) {
    matches.unshift(route);
  }
  const urls = new Set([manifest.entry.module, ...manifest.entry.imports]);
  for (const route of matches) for (const url of [...(route.imports ?? []), route.module]) urls.add(url);
  return { matches, urls: [...urls] };
}

function routeSource(routeId: string) {
  const file = [".tsx", ".ts", "/route.tsx", "/route.ts"].map((ext) => path.join(ROOT, "app", routeId + ext)).find((f) => existsSync(f));
  if (!file) throw new Error(`no source for ${routeId}`);
  return readFileSync(file, "utf8");
}

/** Whether pages of this route hydrate: app/root.tsx renders no script when any match says `hydrate: false`. */
const hydrates = (routes: ManifestRoute[]) =>
  routes.every((r) => r.id === "root" || !/export const handle: RouteHandle = \{[^}]*\bhydrate: false\b/.test(routeSource(r.id)));
/** A route that renders a page (a resource route has no default export). */
const rendersPage = (routeId: string) => /^export default function/m.test(routeSource(routeId));

function pageBytes(manifest: Manifest, routeId: string) {
  const { matches, urls } = routeScripts(manifest, routeId);
  if (!hydrates(matches)) return 0;
  return urls.reduce((sum, url) => sum + gzippedSize(path.join(PUBLIC_DIR, url.replace(/^\/build\//, ""))), 0);
}

function browserChunks() {
  return readdirSync(PUBLIC_DIR, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".js"))
    .map((file) => ({ file, source: readFileSync(path.join(PUBLIC_DIR, file), "utf8") }));
}

describe("the browser build", () => {
  it("has no zod and no form schema in any chunk", () => {
    const chunks = browserChunks();
    expect(chunks.length).toBeGreaterThan(10);
    // "$ZodType" and "ZodError" name zod's own classes (kept as strings by the minifier); the messages come
    // from the form schemas (app/utils/schemas.ts, app/routes/_auth+/__forms.server.ts).
    const markers = ["$ZodType", "ZodError", "Use at least 8 characters", "Passwords do not match"];
    const found = chunks.flatMap(({ file, source }) => markers.filter((m) => source.includes(m)).map((m) => `${file}: ${m}`));
    expect(found).toEqual([]);
  });
});

describe("precompressed build files (decision 026)", () => {
  it("every script and style over 1 KB has a brotli and a zopfli copy, brotli the smaller", () => {
    const files = readdirSync(PUBLIC_DIR, { recursive: true, encoding: "utf8" })
      .filter((file) => /\.(js|css)$/.test(file))
      .map((file) => path.join(PUBLIC_DIR, file))
      .filter((file) => statSync(file).size >= KB);
    expect(files.length).toBeGreaterThan(10);
    const missing = files.filter((file) => !existsSync(`${file}.br`) || !existsSync(`${file}.gz`));
    expect(missing).toEqual([]);
    const larger = files.filter((file) => brotliSize(file) > gzippedSize(file) || gzippedSize(file) >= statSync(file).size);
    expect(larger).toEqual([]);
  });
});

describe("JavaScript per page (issue 17)", () => {
  const manifest = readManifest();
  const pages = Object.keys(manifest.routes).filter((id) => id !== "root" && rendersPage(id));

  it("every contractor page that hydrates loads at most 90 KB of gzipped JavaScript", () => {
    expect(pages.length).toBeGreaterThan(40);
    const kb = (bytes: number) => Math.round((bytes / KB) * 10) / 10;
    const over = pages
      .filter((id) => !id.startsWith("routes/_customer+/"))
      .map((id) => ({ id, bytes: pageBytes(manifest, id) }))
      .filter(({ bytes }) => bytes > BUDGET)
      .map(({ id, bytes }) => `${id}: ${kb(bytes)} KB`);
    // The editor and the invoice and estimate pages are the largest (89–90 KB, decision 026): they hydrate
    // for running totals and in-place lines, the share link and the record-payment and refund forms.
    expect(over).toEqual([]);
  });

  it("customer pages, the login, the dashboard and the invoice and estimate lists load none", () => {
    // The lists and the dashboard are also the pages a web process keeps (decision 029), which it can only
    // do for a page without a script nonce.
    const none = pages
      .filter((id) => id.startsWith("routes/_customer+/"))
      .concat(["routes/_auth+/login", "routes/_app+/dashboard", "routes/invoices+/_index", "routes/estimates+/_index"]);
    expect(none.length).toBeGreaterThanOrEqual(4);
    expect(none.map((id) => [id, pageBytes(manifest, id)])).toEqual(none.map((id) => [id, 0]));
  });

  it("no browser code imports @conform-to/react (forms use app/components/server-form.ts)", () => {
    const chunks = browserChunks();
    // Conform's client keeps these names as strings (its intents and its form-state hidden input).
    expect(chunks.filter(({ source }) => source.includes("__state__")).map(({ file }) => file)).toEqual([]);
  });
});

describe("pages that work fully as HTML", () => {
  let server: AppServer;
  beforeAll(async () => {
    server = await startAppServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("the login page has no script, and keeps its fields' HTML constraints", async () => {
    const html = await (await fetch(`${server.url}/login`)).text();
    expect(html).not.toMatch(/<script|rel="modulepreload"/);
    expect(attributesAt(html, 'input[name="email"]', "required")).toEqual([""]);
    expect(attributesAt(html, 'input[name="password"]', "required")).toEqual([""]);
  });

  it("the dashboard and the invoice and estimate lists have no script", async () => {
    const { user } = await createAccount();
    const browser = await signedInBrowser(server, user);
    for (const path of ["/dashboard", "/invoices", "/estimates"]) {
      const response = await browser.get(path);
      expect(response.status).toBe(200);
      expect(await response.text()).not.toMatch(/<script|rel="modulepreload"/);
    }
  });

  it("the JavaScript a rendered page loads is what the build's manifest says (as scripts/bench.ts counts it)", async () => {
    const manifest = readManifest();
    const { user } = await createAccount();
    const browser = await signedInBrowser(server, user);
    const pages: [string, string, boolean][] = [
      ["/signup", "routes/_auth+/signup", false],
      ["/customers", "routes/customers+/_index", true],
      ["/invoices/new", "routes/invoices+/new", true],
      ["/settings/password", "routes/settings+/password", true],
    ];
    for (const [url, routeId, signedIn] of pages) {
      const html = signedIn ? await (await browser.get(url)).text() : await (await fetch(`${server.url}${url}`)).text();
      const urls = new Set<string>();
      for (const [, src] of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) urls.add(src);
      for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
        const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
        if (href && /\brel="modulepreload"/.test(tag)) urls.add(href);
      }
      let bytes = 0;
      for (const src of urls) bytes += (await rawGet(new URL(src.replaceAll("&amp;", "&"), server.url), { "accept-encoding": "gzip" })).body.byteLength;
      expect([url, bytes]).toEqual([url, pageBytes(manifest, routeId)]);
      expect(bytes).toBeGreaterThan(80 * KB);
    }
  });

  it("a page that keeps JavaScript still has its form constraints in the markup (sign up)", async () => {
    const html = await (await fetch(`${server.url}/signup`)).text();
    expect(html).toMatch(/<script/);
    expect(attributesAt(html, 'input[name="businessName"]', "required")).toEqual([""]);
    expect(attributesAt(html, 'input[name="email"]', "required")).toEqual([""]);
  });
});

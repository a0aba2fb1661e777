// Security headers on the production server: HSTS, an enforced CSP with a per-request nonce that
// every inline and external <script> carries, anti-framing, nosniff, referrer policy, and long
// immutable caching for hashed build assets.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { START_TIMEOUT_MS, startServer, type TestServer } from "../helpers/production-server";

// Generous timeouts: these run against a spawned production server, often on a busy machine.
vi.setConfig({ testTimeout: 90_000 });

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
}, START_TIMEOUT_MS + 30_000);
afterAll(() => server?.stop());

function parseCsp(header: string) {
  const directives = new Map<string, string[]>();
  for (const part of header.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

function cspNonce(response: Response) {
  const csp = response.headers.get("content-security-policy");
  expect(csp, "Content-Security-Policy header").toBeTruthy();
  const scriptSrc = parseCsp(csp!).get("script-src") ?? [];
  const nonces = scriptSrc.filter((v) => v.startsWith("'nonce-")).map((v) => v.slice("'nonce-".length, -1));
  expect(nonces, `one nonce in script-src: ${scriptSrc.join(" ")}`).toHaveLength(1);
  return nonces[0];
}

function scriptTags(html: string) {
  return [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
}

function nonceAttribute(tag: string) {
  return /\snonce="([^"]*)"/i.exec(tag)?.[1] ?? null;
}

function expectCommonHeaders(response: Response) {
  const h = response.headers;
  expect(h.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
  expect(h.get("content-security-policy-report-only")).toBeNull();
  const csp = parseCsp(h.get("content-security-policy") ?? "");
  expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
  expect(csp.get("object-src")).toEqual(["'none'"]);
  expect(csp.get("default-src")).toEqual(["'self'"]);
  expect(csp.get("base-uri")).toEqual(["'self'"]);
  const scriptSrc = csp.get("script-src") ?? [];
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(scriptSrc).not.toContain("*");
  expect(h.get("x-frame-options")).toBe("DENY");
  expect(h.get("x-content-type-options")).toBe("nosniff");
  expect(h.get("referrer-policy")).toMatch(/^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/);
  expect(h.get("x-powered-by")).toBeNull();
}

describe("HTML pages", () => {
  it.each(["/", "/login", "/signup", "/forgot-password"])("%s has the security headers", async (path) => {
    const res = await fetch(`${server.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expectCommonHeaders(res);
    await res.text();
  });

  it("uses a fresh CSP nonce on every request", async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.url}/login`);
      nonces.add(cspNonce(res));
      await res.text();
    }
    expect(nonces.size).toBe(5);
    for (const nonce of nonces) {
      // 16 random bytes, base64.
      expect(Buffer.from(nonce, "base64").length).toBeGreaterThanOrEqual(16);
    }
  });

  it.each(["/signup", "/forgot-password", "/does-not-exist"])("every <script> on %s carries the nonce of its response", async (path) => {
    const first = await fetch(`${server.url}${path}`);
    const second = await fetch(`${server.url}${path}`);
    const [html1, html2] = [await first.text(), await second.text()];
    const [nonce1, nonce2] = [cspNonce(first), cspNonce(second)];
    expect(nonce1).not.toBe(nonce2);

    for (const [html, nonce] of [
      [html1, nonce1],
      [html2, nonce2],
    ] as const) {
      const tags = scriptTags(html);
      expect(tags.length).toBeGreaterThan(0);
      for (const tag of tags) expect(nonceAttribute(tag), tag).toBe(nonce);
      // Nothing else in the document (e.g. an inline event handler) depends on script execution.
      expect(html).not.toMatch(/\son(click|load|error|submit)\s*=/i);
      expect(html).not.toMatch(/javascript:/i);
    }
  });

  // The login and the home page work fully as HTML and ship no JavaScript (decision 022): no script at all.
  it.each(["/login", "/"])("%s renders no <script>", async (path) => {
    const html = await (await fetch(`${server.url}${path}`)).text();
    expect(scriptTags(html)).toEqual([]);
    expect(html).not.toMatch(/\son(click|load|error|submit)\s*=/i);
  });

  it("a 404 page keeps the security headers", async () => {
    const res = await fetch(`${server.url}/does-not-exist`);
    expect(res.status).toBe(404);
    expectCommonHeaders(res);
    await res.text();
  });
});

describe("/health", () => {
  it("has the security headers and is never cached", async () => {
    // The first check opens the database pool, which can exceed the 3 s health timeout on a loaded machine.
    let res = await fetch(`${server.url}/health`);
    for (let i = 0; i < 30 && res.status !== 200; i++) {
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 1_000));
      res = await fetch(`${server.url}/health`);
    }
    expect(res.status).toBe(200);
    expectCommonHeaders(res);
    cspNonce(res);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toMatchObject({ db: "ok" });
  });
});

describe("static assets", () => {
  it("serves hashed /build/ assets with a long immutable Cache-Control", async () => {
    const html = await (await fetch(`${server.url}/signup`)).text();
    const assets = [...html.matchAll(/(?:href|src)="(\/build\/[^"]+)"/g)].map((m) => m[1]);
    const css = assets.find((a) => a.endsWith(".css"));
    const js = assets.find((a) => a.endsWith(".js"));
    expect(css, "a stylesheet under /build/").toBeTruthy();
    expect(js, "a script under /build/").toBeTruthy();
    for (const asset of [css!, js!]) {
      // The file name carries a content hash, so the URL changes whenever the file does.
      expect(asset).toMatch(/-[A-Z0-9]{8}\.(css|js)$/);
      const res = await fetch(`${server.url}${asset}`);
      expect(res.status, asset).toBe(200);
      const cacheControl = res.headers.get("cache-control") ?? "";
      expect(cacheControl).toMatch(/\bmax-age=31536000\b/);
      expect(cacheControl).toMatch(/\bimmutable\b/);
      expect(cacheControl).toMatch(/\bpublic\b/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
      await res.arrayBuffer();
    }
  });

  it("does not cache HTML pages in shared caches", async () => {
    const res = await fetch(`${server.url}/login`);
    const cacheControl = res.headers.get("cache-control") ?? "";
    expect(cacheControl).toMatch(/no-store/);
    expect(cacheControl).not.toMatch(/\bpublic\b|immutable/);
    await res.text();
  });
});

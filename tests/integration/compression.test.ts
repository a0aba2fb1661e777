// Compression on the production server: pages and assets go out gzipped, but responses under 1 KB
// (/ping, redirects, small JSON) go out as they are, with a Content-Length. The Remix adapter as patched
// (patches/@remix-run+express, decision 023) ends a page or an answer in one piece, so compression knows
// its size; downloads still stream.
import http from "node:http";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { attributesAt } from "../helpers/html";
import { START_TIMEOUT_MS, startServer, type TestServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: 90_000 });

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
}, START_TIMEOUT_MS + 30_000);
afterAll(() => server?.stop());

/** The raw response: headers and the bytes on the wire (fetch would decode them). */
function get(path: string, headers: Record<string, string> = { "accept-encoding": "gzip, deflate, br" }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(`${server.url}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

describe("compression", () => {
  it("sends tiny responses as they are, with their length", async () => {
    const ping = await get("/ping");
    expect(ping.status).toBe(200);
    expect(ping.headers["content-encoding"]).toBeUndefined();
    expect(ping.headers["content-length"]).toBe("2");
    expect(ping.body.toString()).toBe("ok");

    const redirect = await get("/dashboard");
    expect(redirect.status).toBe(302);
    expect(redirect.headers["content-encoding"]).toBeUndefined();
    expect(redirect.headers.location).toMatch(/\/login/);
  });

  it("gzips pages over 1 KB, and the page arrives whole", async () => {
    const page = await get("/login", { "accept-encoding": "gzip" });
    expect(page.status).toBe(200);
    expect(page.headers["content-encoding"]).toBe("gzip");
    // Compressed whole (app/utils/compress.server.ts), so its length is known.
    expect(page.headers["content-length"]).toBe(String(page.body.length));
    expect(page.headers.vary).toMatch(/accept-encoding/i);
    const html = gunzipSync(page.body).toString();
    expect(html.length).toBeGreaterThan(1024);
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html.trimEnd()).toMatch(/<\/html>$/);

    const plain = await get("/login", {});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString()).toMatch(/<\/html>\s*$/);
  });

  it("still compresses hashed assets over 1 KB, at the default level", async () => {
    const html = gunzipSync((await get("/login", { "accept-encoding": "gzip" })).body).toString();
    const href = attributesAt(html, 'link[rel="stylesheet"]', "href")[0];
    expect(href).toBeTruthy();
    const css = await get(href!, { "accept-encoding": "gzip" });
    expect(css.status).toBe(200);
    expect(css.headers["content-encoding"]).toBe("gzip");
    // Assets keep zlib's default level (a browser fetches them once per release); pages use level 1.
    const raw = gunzipSync(css.body);
    expect(css.body.length).toBe(gzipSync(raw).length);
    expect(css.body.length).toBeLessThan(gzipSync(raw, { level: 1 }).length);
    const page = await get("/login", { "accept-encoding": "gzip" });
    expect(page.body.length).toBe(gzipSync(gunzipSync(page.body), { level: 1 }).length);
  });
});

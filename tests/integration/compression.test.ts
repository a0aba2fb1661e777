// Compression on the production server: pages go out gzipped, the build's assets precompressed, but responses under 1 KB
// (/ping, redirects, small JSON) go out as they are, with a Content-Length. The Remix adapter as patched
// (patches/@remix-run+express, decision 023) ends a page or an answer in one piece, so compression knows
// its size; downloads still stream.
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { attributesAt } from "../helpers/html";
import { START_TIMEOUT_MS, startServer, type TestServer } from "../helpers/production-server";
import { rawGet } from "../helpers/raw-http";

vi.setConfig({ testTimeout: 90_000 });

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
}, START_TIMEOUT_MS + 30_000);
afterAll(() => server?.stop());

/** The raw response: headers and the bytes on the wire (fetch would decode them). */
const get = (path: string, headers: Record<string, string> = { "accept-encoding": "gzip, deflate, br" }) => rawGet(`${server.url}${path}`, headers);

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

  it("sends the build's scripts and styles precompressed: brotli 11 to a browser that takes it, zopfli gzip otherwise", async () => {
    const html = gunzipSync((await get("/login", { "accept-encoding": "gzip" })).body).toString();
    const href = attributesAt(html, 'link[rel="stylesheet"]', "href")[0];
    expect(href).toBeTruthy();
    const css = await get(href!, { "accept-encoding": "gzip" });
    expect(css.status).toBe(200);
    expect(css.headers["content-encoding"]).toBe("gzip");
    expect(css.headers["content-type"]).toMatch(/^text\/css/);
    expect(css.headers["cache-control"]).toMatch(/immutable/);
    expect(css.headers.vary).toMatch(/accept-encoding/i);
    // Made at build time (scripts/lib/precompress.ts): smaller than zlib's strongest level; pages use level 1.
    const raw = gunzipSync(css.body);
    expect(css.body.length).toBeLessThan(gzipSync(raw, { level: 9 }).length);
    const page = await get("/login", { "accept-encoding": "gzip" });
    expect(page.body.length).toBe(gzipSync(gunzipSync(page.body), { level: 1 }).length);

    const br = await get(href!, { "accept-encoding": "gzip, deflate, br, zstd" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(br.body).equals(raw)).toBe(true);
    expect(br.body.length).toBeLessThan(brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }).length);

    const plain = await get(href!, {});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.equals(raw)).toBe(true);
    expect(plain.headers["content-type"]).toMatch(/^text\/css/);
  });

  it("answers an unknown build file with 404, and a malformed one with 400, not a 500", async () => {
    expect((await get("/build/_shared/chunk-NOPE.js")).status).toBe(404);
    expect((await get("/build/%E0%A4%A.js")).status).toBe(400);
  });
});

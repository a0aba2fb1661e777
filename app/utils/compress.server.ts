// Pages are compressed here, in one synchronous call, when their HTML is complete (app/entry.server.tsx):
// the compression middleware would run them through a zlib stream on libuv's thread pool, which costs
// three to four times the compression itself for a page of 20 KB. The middleware (server.ts) still handles
// everything else (JSON answers, downloads, assets) and leaves a body that already says its encoding alone.
// The fastest settings (brotli quality 1, gzip level 1 as nginx's default): a third or less of the CPU of
// the defaults for about 15 % more bytes (BENCHMARKS.md); a 256 KB brotli window holds our largest page.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import Negotiator from "negotiator";

/** Bodies under this size go out as they are: compressing them saves nothing worth the CPU. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/** The settings for everything made per request: pages here, JSON answers and downloads in server.ts's middleware. */
export const FAST_BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_LGWIN]: 18 } };
export const FAST_GZIP = { level: 1 };

/** The compressed bytes as a body a Fetch Response takes (a view, not a copy). */
const bytes = (buffer: Buffer) => new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.byteLength);

/** The encoding a page goes out in for this Accept-Encoding: brotli or gzip, or null (as it is). */
export function negotiateEncoding(acceptEncoding: string | null): "br" | "gzip" | null {
  // Negotiator 0.6.4 takes the server's preference for equal q-values (as the compression middleware asks),
  // which its type declarations leave out.
  const negotiator = new Negotiator({ headers: { "accept-encoding": acceptEncoding ?? "" } }) as Negotiator & {
    encoding(available: string[], preferred: string[]): string | undefined;
  };
  const encoding = negotiator.encoding(["br", "gzip", "identity"], ["br", "gzip"]);
  return encoding === "br" || encoding === "gzip" ? encoding : null;
}

/** The body to send for `text` and its Content-Encoding (null: as it is), as the client's Accept-Encoding allows. */
export function compressText(acceptEncoding: string | null, text: string): { body: string | Uint8Array<ArrayBuffer>; encoding: "br" | "gzip" | null } {
  if (Buffer.byteLength(text) < COMPRESSION_THRESHOLD_BYTES) return { body: text, encoding: null };
  const encoding = negotiateEncoding(acceptEncoding);
  if (encoding === "br") return { body: bytes(brotliCompressSync(text, FAST_BROTLI)), encoding };
  if (encoding === "gzip") return { body: bytes(gzipSync(text, FAST_GZIP)), encoding };
  return { body: text, encoding: null };
}

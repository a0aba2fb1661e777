// Tiny responses go out uncompressed. `compression` skips bodies under its 1 KB threshold only when it
// knows the size before the headers go out, but the Remix adapter streams every response through
// res.write, so /ping's "ok", redirects and small JSON answers were all gzipped: CPU for no gain, and
// a gzip body bigger than the text. This middleware (mounted after compression) holds the first
// writes until 1 KB has arrived or the response ends: a response that ends smaller reaches compression
// as one res.end(body) with a Content-Length, which it sends as is; anything larger is
// released at once and streams as before.
import type { NextFunction, Request, Response } from "express";

export const COMPRESSION_THRESHOLD_BYTES = 1024;

type Encoding = BufferEncoding | undefined;

function toBuffer(chunk: unknown, encoding: Encoding) {
  return Buffer.isBuffer(chunk) ? chunk : typeof chunk === "string" ? Buffer.from(chunk, encoding) : Buffer.from(chunk as Uint8Array);
}

export function holdSmallResponses(threshold = COMPRESSION_THRESHOLD_BYTES) {
  return function holdSmall(_req: Request, res: Response, next: NextFunction) {
    const write = res.write;
    const end = res.end;
    let held: Buffer[] = [];
    let size = 0;
    const restore = () => {
      res.write = write;
      res.end = end;
    };

    res.write = function (this: Response, chunk: unknown, encoding?: unknown, callback?: unknown) {
      // Streams that send headers early (server-sent events) are passed straight through.
      if (res.headersSent) {
        restore();
        return (write as (...a: unknown[]) => boolean).apply(this, [chunk, encoding, callback]);
      }
      const done = typeof encoding === "function" ? encoding : callback;
      const buffer = toBuffer(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : undefined);
      held.push(buffer);
      size += buffer.length;
      if (size >= threshold) {
        restore();
        const chunks = held;
        held = [];
        let ok = true;
        for (const c of chunks) ok = (write as (chunk: Buffer) => boolean).call(this, c);
        if (typeof done === "function") process.nextTick(done as () => void);
        return ok;
      }
      if (typeof done === "function") process.nextTick(done as () => void);
      return true;
    } as Response["write"];

    res.end = function (this: Response, chunk?: unknown, encoding?: unknown, callback?: unknown) {
      restore();
      if (res.headersSent) return (end as (...a: unknown[]) => Response).apply(this, [chunk, encoding, callback]);
      const done = typeof chunk === "function" ? chunk : typeof encoding === "function" ? encoding : callback;
      if (chunk != null && typeof chunk !== "function") held.push(toBuffer(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : undefined));
      const body = Buffer.concat(held);
      held = [];
      // The whole body is known: say its length (compression drops the header if it does compress).
      if (res.statusCode !== 204 && res.statusCode !== 304 && !res.hasHeader("Content-Length")) res.setHeader("Content-Length", body.length);
      return (end as (...a: unknown[]) => Response).apply(this, body.length ? [body, done] : [done]);
    } as Response["end"];

    next();
  };
}

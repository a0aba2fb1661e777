// Shared plumbing for provider webhooks: the raw body (signatures cover its exact bytes), read with
// a size cap so a huge body is refused before it is buffered, and plain-text answers. A webhook handler
// sees a WebhookRequest and returns a WebhookReply: server.ts serves /webhooks/* straight from Express
// (no Fetch Request, no Remix routing on a path that webhook bursts hit), the only way in. readRawBody
// is the same cap for a Fetch Request (the JSON API's bodies).
import type { IncomingMessage } from "node:http";

/** Provider events are a few KB; anything near this is not a real event. */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

/** What a webhook handler reads of a request. */
export type WebhookRequest = {
  method: string;
  url: string;
  /** A header by its lower-case name; null when absent. */
  header: (name: string) => string | null;
  /** The body as text, or null when it is larger than WEBHOOK_BODY_LIMIT. Read once. */
  rawBody: () => Promise<string | null>;
};

/**
 * `log`: what the request's one log line says about the event (its id, type, what was done), beside the
 * method, URL and status that server.ts adds: one line per webhook request, not two.
 */
export type WebhookReply = { status: number; body: string; headers: Record<string, string>; log?: Record<string, unknown> };

export function webhookReply(status: number, message: string): WebhookReply {
  return { status, body: message, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } };
}

/** 400 for an oversized body; the connection closes, since the rest of the body was never read. */
export function bodyTooLarge(): WebhookReply {
  return { status: 400, body: "Body too large", headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", Connection: "close" } };
}

/** Webhooks accept POST only; GET and the rest get 405. */
export function methodNotAllowed(): WebhookReply {
  return { status: 405, body: "Method Not Allowed", headers: { Allow: "POST", "Cache-Control": "no-store" } };
}

/** The body as text, or null when it is larger than the limit (by Content-Length or while streaming). */
export async function readRawBody(request: Request, limit = WEBHOOK_BODY_LIMIT): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (!Number.isFinite(declared) || declared > limit) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    // Stop reading without cancelling: cancelling destroys the request socket before the 400 is
    // written. The answer says Connection: close, so the unread rest is dropped with the connection.
    if (size > limit) {
      reader.releaseLock();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** readRawBody for Node's request stream: the same limit, checked on Content-Length and while streaming. */
export function readNodeBody(req: IncomingMessage, limit = WEBHOOK_BODY_LIMIT): Promise<string | null> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (!Number.isFinite(declared) || declared > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        // Stop reading: the answer says Connection: close, so the unread rest goes with the connection.
        cleanup();
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/** Node's request (server.ts serves /webhooks/* from Express) as a webhook handler sees it. */
export function nodeWebhookRequest(req: IncomingMessage, url: string): WebhookRequest {
  return {
    method: req.method ?? "GET",
    url,
    header: (name) => {
      const value = req.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
    rawBody: () => readNodeBody(req),
  };
}

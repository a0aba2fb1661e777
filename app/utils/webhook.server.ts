// Shared plumbing for provider webhooks: the raw body (signatures cover its exact bytes), read with
// a size cap so a huge body is refused before it is buffered, and plain-text answers.

/** Provider events are a few KB; anything near this is not a real event. */
const WEBHOOK_BODY_LIMIT = 256 * 1024;

export function webhookResponse(status: number, message: string) {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

/** 400 for an oversized body; the connection closes, since the rest of the body was never read. */
export function bodyTooLarge() {
  return new Response("Body too large", {
    status: 400,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", Connection: "close" },
  });
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

/** Webhooks accept POST only; GET and the rest get 405 from their loader. */
export function methodNotAllowed() {
  return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST", "Cache-Control": "no-store" } });
}

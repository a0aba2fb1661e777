import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { compressText } from "~/utils/compress.server";
import { logger } from "~/utils/logger.server";
import { captureRequestError, errorForLog, thrownStatus } from "~/utils/sentry.server";
import { NonceProvider } from "~/utils/nonce-provider";
import { keepRenderedPage } from "~/web/page-cache.server";

// server.ts serves /webhooks/* from Express before Remix's router, with these handlers from the build
// (the one copy of the app in the process).
export { webhookHandlers } from "~/web/webhooks.server";
// …and kept pages (app/web/page-cache.server.ts) for the paths it names, also before Remix.
export { KEPT_PAGE_PATHS, sendKeptPage } from "~/web/page-cache.server";

// A body that cannot be read as a form (truncated or garbage multipart, a content type forms never
// use) is the client's mistake: answer 400 instead of 500, and do not report it as a crash.
const badBodyRequests = new WeakSet<Request>();
function isBodyParseError(error: unknown) {
  return error instanceof TypeError && /failed to parse body as formdata|content-type was not one of|could not parse content as formdata/i.test(error.message);
}

export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  if (request.method !== "GET" && isBodyParseError(error)) {
    badBodyRequests.add(request);
    logger.warn({ method: request.method, path: new URL(request.url).pathname, reason: (error as Error).message }, "unreadable form body");
    return;
  }
  const path = new URL(request.url).pathname;
  // A thrown 4xx (a scanner asking for /.env, an unknown id) is the client's doing: info, and never Sentry,
  // so a scan can neither flood the error log nor use up the crash-reporting quota.
  const status = thrownStatus(error);
  if (status !== null && status < 500) {
    logger.info({ status, method: request.method, path }, "request refused");
    return;
  }
  logger.error({ err: errorForLog(error), method: request.method, path }, "unhandled error");
  void captureRequestError(error, request);
};

export function handleDataRequest(response: Response, { request }: { request: Request }) {
  if (response.status === 500 && badBodyRequests.has(request)) {
    return new Response(response.body, { status: 400, statusText: "Bad Request", headers: response.headers });
  }
  return response;
}

// Pages render to a string, not a stream: no loader returns deferred data, so there is nothing to stream, and a
// page's whole HTML goes out in one write (compressed in one pass) instead of a chain of Node and web streams.
// Bots and people get the same complete page. Errors while rendering reach handleError via Remix.
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  if (responseStatusCode === 500 && badBodyRequests.has(request)) responseStatusCode = 400;
  const nonce = loadContext.cspNonce ?? "";
  const html = renderToString(
    <NonceProvider value={nonce}>
      <RemixServer context={remixContext} url={request.url} nonce={nonce} />
    </NonceProvider>,
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  // renderToString, unlike the streaming renderer, does not write the doctype. The page is compressed here,
  // in one call (app/utils/compress.server.ts); the compression middleware leaves an encoded body alone.
  const { body, encoding } = compressText(request.headers.get("Accept-Encoding"), `<!DOCTYPE html>${html}`);
  responseHeaders.append("Vary", "Accept-Encoding");
  if (encoding) responseHeaders.set("Content-Encoding", encoding);
  keepRenderedPage(loadContext, { status: responseStatusCode, headers: responseHeaders, html, body });
  return new Response(body, { headers: responseHeaders, status: responseStatusCode });
}

import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { logger } from "~/utils/logger.server";
import { captureRequestError, errorForLog, thrownStatus } from "~/utils/sentry.server";
import { NonceProvider } from "~/utils/nonce-provider";

// server.ts serves /webhooks/* from Express before Remix's router, with these handlers from the build
// (the one copy of the app in the process).
export { webhookHandlers } from "~/web/webhooks.server";

const ABORT_DELAY = 5_000;

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
  captureRequestError(error, request);
};

export function handleDataRequest(response: Response, { request }: { request: Request }) {
  if (response.status === 500 && badBodyRequests.has(request)) {
    return new Response(response.body, { status: 400, statusText: "Bad Request", headers: response.headers });
  }
  return response;
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  if (responseStatusCode === 500 && badBodyRequests.has(request)) responseStatusCode = 400;
  const nonce = loadContext.cspNonce ?? "";
  const readyEvent = isbot(request.headers.get("user-agent") || "") ? "onAllReady" : "onShellReady";
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) logger.error({ err: String(error) }, "render error");
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

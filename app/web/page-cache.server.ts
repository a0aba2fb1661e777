// The customer's pay page, rendered once and sent again while nothing it shows has changed (issue 17; decision
// 028). A customer opens the same link many times (from the email, the text, again after paying), and mail
// scanners and link previews open it too; a repeat view here costs one indexed read instead of a render.
//
// - What is kept: a page any holder of the link sees, answered 200 to a GET of /pay/:id?t=…&d=… as the app
//   writes it, without a cookie (a contractor previewing their own link, or a flash message, goes through Remix
//   every time). Per encoding. At most MAX_PAGES and MAX_BYTES, least recently used first out; per process and
//   build. A fingerprint that cannot be read sends the request on to Remix.
// - Never trusted on its own: every hit verifies the link again (it expires) and reads the invoice's
//   fingerprint (payPageFingerprint: every row and column the page is rendered from) from Postgres, and sends
//   the page only while it is the one the page was rendered with. A payment or an edit committed by any
//   process, the worker included, changes it. So two web processes each keep their own copy and neither can
//   send an outdated page.
// - A view that must write (the first one, or lastViewedAt older than a minute) goes through Remix.
// - The loader reads the fingerprint before and after everything else it reads and keeps the page only when
//   the two agree: the page was rendered from the state the fingerprint names.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppLoadContext } from "@remix-run/node";
import { payPageFingerprint } from "~/models/payments/checkout.server";
import { verifyLink } from "~/models/signed-link.server";
import { negotiateEncoding } from "~/utils/compress.server";
import { logger } from "~/utils/logger.server";

/** At most this many pages (about 4 KB each compressed)… */
export const MAX_PAGES = 1_000;
/** …and this many bytes of them (a client that takes no compression gets, and has kept, the whole HTML). */
export const MAX_BYTES = 32 * 1024 * 1024;

type KeptPage = { fingerprint: string; headers: [string, string][]; body: Uint8Array };
const pages = new Map<string, KeptPage>();
let keptBytes = 0;

function forget(key: string) {
  const page = pages.get(key);
  if (!page) return;
  pages.delete(key);
  keptBytes -= page.body.byteLength;
}

type PayPageRequest = { key: string; invoiceId: string; t: string; d: string };

// A pay link exactly as signedPath writes it (an id of plain characters, the signature, the day without
// leading zeros): one key per link and encoding, so no one can fill the cache with spellings of one link.
const CANONICAL_PAY_LINK = /^\/pay\/([A-Za-z0-9_-]{1,64})\?t=([A-Za-z0-9_-]{24})&d=([1-9]\d{0,6})$/;

/** A request the cache may answer: a GET of a pay link as the app writes it, with no cookie. Else null. */
function payPageRequest(
  method: string,
  pathAndQuery: string,
  cookie: string | null | undefined,
  acceptEncoding: string | null | undefined,
): PayPageRequest | null {
  if (method !== "GET" || cookie) return null;
  const match = CANONICAL_PAY_LINK.exec(pathAndQuery);
  if (!match) return null;
  const [, invoiceId, t, d] = match;
  return { key: `${negotiateEncoding(acceptEncoding ?? null) ?? "identity"} ${pathAndQuery}`, invoiceId, t, d };
}

/** The fingerprint, or null when it cannot be read: the cache is an optimisation, so Remix answers instead. */
async function fingerprintOrNull(invoiceId: string) {
  try {
    return await payPageFingerprint(invoiceId);
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.message : String(error), invoiceId }, "could not read the pay page's fingerprint; rendering it");
    return null;
  }
}

/**
 * Sends the kept page for this request when it is still current, from server.ts before Remix. False: nothing
 * was sent (not such a request, nothing kept, a link no longer valid, the invoice changed, a view to record),
 * and Remix answers.
 */
export async function sendKeptPayPage(
  req: IncomingMessage & { originalUrl?: string },
  res: ServerResponse & { locals?: Record<string, unknown> },
): Promise<boolean> {
  const request = payPageRequest(req.method ?? "", req.originalUrl ?? req.url ?? "", req.headers.cookie, req.headers["accept-encoding"]);
  if (!request) return false;
  const page = pages.get(request.key);
  if (!page || !verifyLink("pay", request.invoiceId, request.t, request.d).ok) return false;
  const now = await fingerprintOrNull(request.invoiceId);
  if (!now) return false;
  if (now.fingerprint !== page.fingerprint) {
    forget(request.key);
    return false;
  }
  if (!now.viewFresh) return false;
  // Most recently used last: the first key is the one to drop.
  pages.delete(request.key);
  pages.set(request.key, page);
  res.statusCode = 200;
  // The request log line says it (server.ts).
  if (res.locals) res.locals.keptPage = true;
  for (const [name, value] of page.headers) res.setHeader(name, value);
  // As Remix's adapter sends a page: with its length, in one write.
  res.setHeader("Content-Length", page.body.byteLength);
  res.end(page.body);
  return true;
}

/**
 * For the pay page's loader, before it reads anything the page shows: null when the request is not one the
 * cache answers. Else `keepIfUnchanged`, to call after the loader's last read, which marks the page to be
 * kept (handleRequest in entry.server.tsx keeps it once rendered) when the fingerprint is still the same.
 */
export async function startPayPageRender(request: Request, invoiceId: string) {
  const url = new URL(request.url);
  const target = payPageRequest(request.method, url.pathname + url.search, request.headers.get("cookie"), request.headers.get("accept-encoding"));
  if (!target || target.invoiceId !== invoiceId || !verifyLink("pay", invoiceId, target.t, target.d).ok) return null;
  const before = await fingerprintOrNull(invoiceId);
  // A view to record writes the invoice row: the fingerprint after it differs, so there is nothing to keep.
  if (!before?.viewFresh) return null;
  return {
    async keepIfUnchanged(context: AppLoadContext) {
      const after = await fingerprintOrNull(invoiceId);
      if (after?.fingerprint === before.fingerprint) context.pageToKeep = { key: target.key, fingerprint: before.fingerprint };
    },
  };
}

/** From handleRequest: keeps a rendered page its loader marked, when it is a plain 200 that names no per-request value. */
export function keepRenderedPage(context: AppLoadContext, page: { status: number; headers: Headers; html: string; body: string | Uint8Array }) {
  const mark = context.pageToKeep;
  if (!mark || page.status !== 200 || page.headers.has("Set-Cookie")) return;
  // The CSP nonce is per request: a page that carries it (one with scripts) is never sent twice.
  if (context.cspNonce && page.html.includes(context.cspNonce)) return;
  const body = typeof page.body === "string" ? new TextEncoder().encode(page.body) : page.body;
  forget(mark.key);
  pages.set(mark.key, { fingerprint: mark.fingerprint, headers: [...page.headers.entries()], body });
  keptBytes += body.byteLength;
  while (pages.size > MAX_PAGES || keptBytes > MAX_BYTES) forget(pages.keys().next().value!);
}

/** Empties the cache (tests). */
export function forgetKeptPages() {
  pages.clear();
  keptBytes = 0;
}

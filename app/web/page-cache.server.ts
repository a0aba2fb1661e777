// Pages rendered once and sent again while nothing they show has changed (issue 17): the customer's pay page
// (decision 028) and the contractor's dashboard and lists (decision 029, below the pay page's part).
//
// The pay page (decision 028). A customer opens the same link many times (from the email, the text, again after paying), and mail
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
// Contractor pages (decision 029): the dashboard and the invoice and estimate lists, per session and URL. They
// are read far more often than the business's data changes (the same list opened again, back from an invoice,
// a refresh), and a render costs several times what checking costs.
// - What is kept: a GET of one of those paths (any query but Remix's `_data`), with a valid session cookie and
//   no flash message waiting, answered 200 with no Set-Cookie and no script nonce in the page (so only pages
//   that ship no JavaScript). Only that session's requests for the same URL and encoding get it again.
// - Checked on every request, before Remix: sessionPageFingerprint (app/models/business-changes.server.ts),
//   one prepared statement: the session (signing out or expiry ends it), the business's row, today's date
//   and the billing banner, and whether a transaction that wrote to the business (a trigger notes each one)
//   has committed since the snapshot the page was rendered from. The same reading, taken before Remix runs a
//   loader, goes with the request; once the page is rendered it is read again, and the page is kept only when
//   the two agree and nothing was committed to the business in between.
// - At most MAX_PAGES_PER_SESSION per session: one contractor's many URLs cannot push out everyone's pages.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppLoadContext } from "@remix-run/node";
import { sessionPageFingerprint } from "~/models/business-changes.server";
import { payPageFingerprint } from "~/models/payments/checkout.server";
import { verifyLink } from "~/models/signed-link.server";
import { negotiateEncoding } from "~/utils/compress.server";
import { logger } from "~/utils/logger.server";
import { hasFlash, sessionIdFromCookie } from "~/utils/session.server";

/** At most this many pages (about 4 KB each compressed)… */
export const MAX_PAGES = 1_000;
/** …and this many bytes of them (a client that takes no compression gets, and has kept, the whole HTML). */
export const MAX_BYTES = 32 * 1024 * 1024;

type KeptPage = {
  fingerprint: string;
  /** A contractor page's: its session, and the snapshot its data was read from (nothing may commit since). */
  sessionId?: string;
  snapshot?: string;
  headers: [string, string][];
  body: Uint8Array;
};
const pages = new Map<string, KeptPage>();
let keptBytes = 0;

/** Kept pages per session. */
const perSession = new Map<string, number>();
export const MAX_PAGES_PER_SESSION = 50;

function forget(key: string) {
  const page = pages.get(key);
  if (!page) return;
  pages.delete(key);
  keptBytes -= page.body.byteLength;
  if (page.sessionId) {
    const left = (perSession.get(page.sessionId) ?? 1) - 1;
    if (left > 0) perSession.set(page.sessionId, left);
    else perSession.delete(page.sessionId);
  }
}

type PayPageRequest = { key: string; invoiceId: string; t: string; d: string };

// A pay link exactly as signedPath writes it (an id of plain characters, the signature, the day without
// leading zeros): one key per link and encoding, so no one can fill the cache with spellings of one link.
const CANONICAL_PAY_LINK = /^\/pay\/([A-Za-z0-9_-]{1,64})\?t=([A-Za-z0-9_-]{24})&d=([1-9]\d{0,6})$/;

/** The start of a key: each encoding has its own copy of a page. */
const encodingOf = (acceptEncoding: string | null | undefined) => negotiateEncoding(acceptEncoding ?? null) ?? "identity";

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
  return { key: `${encodingOf(acceptEncoding)} ${pathAndQuery}`, invoiceId, t, d };
}

/** A fingerprint, or null when it cannot be read: the cache is an optimisation, so Remix answers instead. */
async function orNull<T>(read: Promise<T>, page: string): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.message : String(error), page }, "could not read a page's fingerprint; rendering it");
    return null;
  }
}

const fingerprintOrNull = (invoiceId: string) => orNull(payPageFingerprint(invoiceId), `/pay/${invoiceId}`);
const sessionFingerprintOrNull = (sessionId: string, path: string, since?: string) => orNull(sessionPageFingerprint(sessionId, since), path);

/**
 * Sends the kept page for this request when it is still current, from server.ts before Remix. False: nothing
 * was sent (not such a request, nothing kept, a link no longer valid, the invoice changed, a view to record),
 * and Remix answers.
 */
async function sendKeptPayPage(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse & { locals?: Record<string, unknown> }): Promise<boolean> {
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
  send(request.key, page, res);
  return true;
}

function send(key: string, page: KeptPage, res: ServerResponse & { locals?: Record<string, unknown> }) {
  // Most recently used last: the first key is the one to drop.
  pages.delete(key);
  pages.set(key, page);
  res.statusCode = 200;
  // The request log line says it (server.ts).
  if (res.locals) res.locals.keptPage = true;
  for (const [name, value] of page.headers) res.setHeader(name, value);
  // As Remix's adapter sends a page: with its length, in one write.
  res.setHeader("Content-Length", page.body.byteLength);
  res.end(page.body);
}

function keep(key: string, page: KeptPage) {
  forget(key);
  if (page.sessionId) {
    const count = perSession.get(page.sessionId) ?? 0;
    if (count >= MAX_PAGES_PER_SESSION) return;
    perSession.set(page.sessionId, count + 1);
  }
  pages.set(key, page);
  keptBytes += page.body.byteLength;
  while (pages.size > MAX_PAGES || keptBytes > MAX_BYTES) forget(pages.keys().next().value!);
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

/**
 * From handleRequest: keeps a rendered page, when it is a plain 200 that names no per-request value and either
 * its loader marked it (the pay page) or it is a contractor page whose fingerprint, read again now that every
 * loader is done, is the one read before them (that second reading runs after the response is on its way).
 */
export function keepRenderedPage(context: AppLoadContext, page: { status: number; headers: Headers; html: string; body: string | Uint8Array }) {
  const mark = context.pageToKeep;
  const render = context.sessionPageRender;
  if ((!mark && !render) || page.status !== 200 || page.headers.has("Set-Cookie")) return;
  // The CSP nonce is per request: a page that carries it (one with scripts) is never sent twice.
  if (context.cspNonce && page.html.includes(context.cspNonce)) return;
  const kept = { headers: [...page.headers.entries()], body: typeof page.body === "string" ? new TextEncoder().encode(page.body) : page.body };
  if (mark) return keep(mark.key, { fingerprint: mark.fingerprint, ...kept });
  if (render) void keepIfStillCurrent(render, kept);
}

async function keepIfStillCurrent(render: SessionPageRender, kept: Pick<KeptPage, "headers" | "body">) {
  const after = await sessionFingerprintOrNull(render.sessionId, render.path, render.snapshot);
  if (after && after.fingerprint === render.fingerprint && !after.changedSince) {
    keep(render.key, { fingerprint: render.fingerprint, sessionId: render.sessionId, snapshot: render.snapshot, ...kept });
  }
}

/** What server.ts hands Remix's load context for a contractor page that may be kept once rendered. */
export type SessionPageRender = { key: string; path: string; sessionId: string; fingerprint: string; snapshot: string };

// The contractor pages kept, by path: each works fully as HTML (handle hydrate: false) and shows only the
// session's and the business's data.
const SESSION_PAGES = new Set(["/dashboard", "/invoices", "/estimates"]);
const MAX_QUERY_LENGTH = 512;

/** The paths server.ts hands sendKeptPage (Express route paths): the pay link and the contractor pages. */
export const KEPT_PAGE_PATHS = ["/pay/:invoiceId", ...SESSION_PAGES];

/** A request for a kept contractor page: its key and session, else null (another path, no session, a flash waiting). */
async function sessionPageRequest(method: string, pathAndQuery: string, cookie: string | undefined, acceptEncoding: string | undefined) {
  if (method !== "GET" || !cookie) return null;
  const queryAt = pathAndQuery.indexOf("?");
  const path = queryAt < 0 ? pathAndQuery : pathAndQuery.slice(0, queryAt);
  const query = queryAt < 0 ? "" : pathAndQuery.slice(queryAt + 1);
  if (!SESSION_PAGES.has(path) || query.length > MAX_QUERY_LENGTH || new URLSearchParams(query).has("_data")) return null;
  const sessionId = await sessionIdFromCookie(cookie);
  if (!sessionId || (await hasFlash(cookie))) return null;
  return { key: `${encodingOf(acceptEncoding)} ${sessionId} ${pathAndQuery}`, path, sessionId };
}

/**
 * From server.ts before Remix, for the pay page and the contractor pages: sends the kept page when it is still
 * current and returns true. Else false, and Remix answers; for a contractor page that may be kept, the
 * fingerprint just read is left in `res.locals.sessionPageRender` for Remix's load context.
 */
export async function sendKeptPage(
  req: IncomingMessage & { originalUrl?: string },
  res: ServerResponse & { locals?: Record<string, unknown> },
): Promise<boolean> {
  const pathAndQuery = req.originalUrl ?? req.url ?? "";
  if (pathAndQuery.startsWith("/pay/")) return sendKeptPayPage(req, res);
  const request = await sessionPageRequest(req.method ?? "", pathAndQuery, req.headers.cookie, req.headers["accept-encoding"]);
  if (!request) return false;
  const page = pages.get(request.key);
  // No session (signed out, expired): Remix sends the login redirect.
  const now = await sessionFingerprintOrNull(request.sessionId, request.path, page?.snapshot);
  if (!now) return false;
  if (page && now.fingerprint === page.fingerprint && !now.changedSince) {
    send(request.key, page, res);
    return true;
  }
  if (page) forget(request.key);
  if (res.locals)
    res.locals.sessionPageRender = {
      key: request.key,
      path: request.path,
      sessionId: request.sessionId,
      fingerprint: now.fingerprint,
      snapshot: now.snapshot,
    } satisfies SessionPageRender;
  return false;
}

/** Empties the cache (tests). */
export function forgetKeptPages() {
  pages.clear();
  perSession.clear();
  keptBytes = 0;
}

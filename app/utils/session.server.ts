// Web sessions: the signed cookie holds only the id of a Session row. Every request re-reads the
// row and checks its expiry, so deleting rows signs devices out at once (password change, logout).
import { createCookie, createCookieSessionStorage, redirect } from "@remix-run/node";
import { prisma } from "./db.server";
import { randomToken } from "./crypto.server";
import { env } from "./env.server";

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export const sessionCookie = createCookie("__session", {
  httpOnly: true,
  secure: env().isProduction,
  sameSite: "lax",
  path: "/",
  secrets: env().SESSION_SECRETS,
  maxAge: SESSION_TTL_MS / 1000,
});

export type SessionWithUser = NonNullable<Awaited<ReturnType<typeof findSession>>>;

function findSession(id: string) {
  return prisma.session.findUnique({
    where: { id },
    select: {
      id: true,
      expiresAt: true,
      businessId: true,
      user: { select: { id: true, email: true, name: true, role: true, businessId: true } },
      // The business's defaults ride along (businessDefaults' fields), so a page needs no second query for them.
      business: {
        select: {
          id: true,
          name: true,
          currency: true,
          timeZone: true,
          defaultTaxRate: true,
          paymentTermsDays: true,
          invoicePrefix: true,
          estimatePrefix: true,
        },
      },
    },
  });
}

/** The session id a Cookie header carries, when its signature holds. */
export async function sessionIdFromCookie(cookieHeader: string | null | undefined): Promise<string | null> {
  const value = await sessionCookie.parse(cookieHeader ?? null);
  return typeof value === "string" && value.length > 0 ? value : null;
}

function getSessionId(request: Request) {
  return sessionIdFromCookie(request.headers.get("Cookie"));
}

// One lookup per page view: the root loader and the route's loader run side by side in one request and
// share its load context, so a GET remembers the lookup there. Never across an action, which may end
// the very session it read.
const lookups = new WeakMap<object, Map<string, Promise<SessionWithUser | null>>>();

function rememberedLookup(id: string, request: Request, context: object | undefined) {
  if (!context || (request.method !== "GET" && request.method !== "HEAD")) return findSession(id);
  let byId = lookups.get(context);
  if (!byId) lookups.set(context, (byId = new Map()));
  let lookup = byId.get(id);
  if (!lookup) byId.set(id, (lookup = findSession(id)));
  return lookup;
}

/**
 * The signed-in session, or null when there is none, it was revoked, or it has expired. Pass the
 * loader's `context` so that loaders of the same page view share one lookup.
 */
export async function getSession(request: Request, context?: object): Promise<SessionWithUser | null> {
  const id = await getSessionId(request);
  if (!id) return null;
  const session = await rememberedLookup(id, request, context);
  if (!session) return null;
  if (session.expiresAt.getTime() <= Date.now()) {
    await prisma.session.deleteMany({ where: { id } });
    return null;
  }
  return session;
}

export async function createSession(user: { id: string; businessId: string }, meta: { ip?: string; userAgent?: string | null } = {}) {
  const session = await prisma.session.create({
    data: {
      id: randomToken(32),
      userId: user.id,
      businessId: user.businessId,
      expiresAt: new Date(Date.now() + SESSION_TTL_MS),
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    },
  });
  return { session, setCookie: await sessionCookie.serialize(session.id, { expires: session.expiresAt }) };
}

export async function destroySessionCookie() {
  return sessionCookie.serialize("", { maxAge: 0, expires: new Date(0) });
}

/** Signs this browser out: deletes the row and clears the cookie. */
export async function logout(request: Request, redirectTo = "/") {
  const id = await getSessionId(request);
  if (id) await prisma.session.deleteMany({ where: { id } });
  return redirect(redirectTo, { headers: { "Set-Cookie": await destroySessionCookie() } });
}

// Flash messages survive exactly one redirect (POST/redirect/GET).
const flashStorage = createCookieSessionStorage({
  cookie: {
    name: "__flash",
    httpOnly: true,
    secure: env().isProduction,
    sameSite: "lax",
    path: "/",
    secrets: env().SESSION_SECRETS,
  },
});

type Flash = { kind: "success" | "error" | "info"; message: string };

async function flashHeader(request: Request, flash: Flash) {
  const session = await flashStorage.getSession(request.headers.get("Cookie"));
  session.flash("flash", flash);
  return flashStorage.commitSession(session);
}

/** A flash message is waiting in this Cookie header (the next page shows it, once). */
export async function hasFlash(cookieHeader: string | null | undefined) {
  return (await flashStorage.getSession(cookieHeader ?? null)).has("flash");
}

export async function readFlash(request: Request): Promise<{ flash: Flash | null; setCookie: string | null }> {
  const session = await flashStorage.getSession(request.headers.get("Cookie"));
  const flash = (session.get("flash") as Flash | undefined) ?? null;
  return { flash, setCookie: flash ? await flashStorage.commitSession(session) : null };
}

/** A redirect that carries a one-time flash message. */
export async function redirectWithFlash(request: Request, to: string, flash: Flash, headers: HeadersInit = {}) {
  const h = new Headers(headers);
  h.append("Set-Cookie", await flashHeader(request, flash));
  return redirect(to, { headers: h });
}

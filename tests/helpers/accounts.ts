// The one way tests make accounts: the domain's own sign-up (createAccount in app/models/user.server.ts,
// one transaction, an OWNER, a taken email refused), then a way in: a browser with a session cookie for
// a server, a Cookie header for calling a loader or action directly, or API tokens. Integration tests,
// route tests and the Playwright fixtures (tests/e2e/fixtures.ts) all come through here.
// App modules are imported inside the functions: DATABASE_URL must point at the test's database first.
import { randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import { Browser } from "./browser";

export const DEFAULT_PASSWORD = "correct horse battery";

export function uniqueEmail(prefix = "user") {
  return `${prefix}-${randomBytes(6).toString("hex")}@example.com`;
}

// bcrypt at cost 12 takes ~250 ms: hash each distinct password once per test file (or Playwright worker).
const hashes = new Map<string, Promise<string>>();
async function hashFor(password: string) {
  const { hashPassword } = await import("~/models/user.server");
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  return hashes.get(password)!;
}

type AccountOverrides = { email?: string; password?: string; businessName?: string; name?: string };

/** A business and its owner made by the sign-up domain function; `password` logs in. */
export async function createAccount(overrides: AccountOverrides = {}) {
  const { createAccountWithPasswordHash } = await import("~/models/user.server");
  const { prisma } = await import("~/utils/db.server");
  const password = overrides.password ?? DEFAULT_PASSWORD;
  const email = (overrides.email ?? uniqueEmail()).toLowerCase();
  const created = await createAccountWithPasswordHash({
    businessName: overrides.businessName ?? "Test Plumbing",
    name: overrides.name ?? "Pat Plumber",
    email,
    passwordHash: await hashFor(password),
  });
  const { business, ...user } = await prisma.user.findUniqueOrThrow({ where: { id: created.id }, include: { business: true } });
  return { user, business, email, password };
}

export type TestAccount = Awaited<ReturnType<typeof createAccount>>;

/**
 * Another user of an existing business (staff). Sign-up only makes owners and the app has no invitations
 * yet, so this row is written directly; its password hash matches nothing, so it never logs in.
 */
export async function createTeamMember(businessId: string, overrides: { email?: string; name?: string; role?: "OWNER" | "MEMBER" } = {}) {
  const { prisma } = await import("~/utils/db.server");
  return prisma.user.create({
    data: {
      businessId,
      email: overrides.email ?? uniqueEmail("staff"),
      name: overrides.name ?? "Sam Staff",
      role: overrides.role ?? "MEMBER",
      passwordHash: "x",
    },
  });
}

type SessionUser = { id: string; businessId: string };

/**
 * `Cookie` header value of a fresh session of `user` (a Session row made by the domain's createSession),
 * signed with `secrets`: the test process's own SESSION_SECRET by default (route tests calling loaders
 * and actions directly), or a spawned server's.
 */
export async function sessionCookieFor(user: SessionUser, secrets?: string[]) {
  const { createSession } = await import("~/utils/session.server");
  const { session, setCookie } = await createSession(user);
  if (!secrets) return setCookie.split(";")[0];
  const header = await createCookie("__session", { secrets, path: "/" }).serialize(session.id);
  return header.split(";")[0];
}

/** A browser signed in as `user` on `server` (no login round trip). */
export async function signedInBrowser(server: { url: string; sessionSecret: string }, user: SessionUser) {
  const cookie = await sessionCookieFor(user, [server.sessionSecret]);
  const browser = new Browser(server.url);
  browser.cookies.set("__session", cookie.slice("__session=".length));
  return browser;
}

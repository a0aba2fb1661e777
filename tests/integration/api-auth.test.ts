// API authentication on real Postgres: access tokens (HS256 only, 15 minutes, secret rotation),
// rotating refresh tokens (single use, reuse revokes the family, 7 days of inactivity, exactly one
// winner among concurrent refreshes), logout that needs the device's own refresh token, password
// changes that end every sign-in, rate limits, and bodies that are refused before anything is written.
// The model tests take `now` as a parameter: a controllable clock, no sleeping.
import { SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ACCESS_TOKEN_TTL_SECONDS,
  deleteLapsedFamilies,
  findTokenUser,
  issueTokens,
  logoutDevice,
  REFRESH_TOKEN_IDLE_MS,
  REUSE_GRACE_MS,
  rotateRefreshToken,
  verifyAccessToken,
} from "~/models/api-token.server";
import { cleanupExpired } from "~/models/cleanup.server";
import { changePassword, resetPassword, createPasswordResetToken } from "~/models/user.server";
import { sha256Hex } from "~/utils/crypto.server";
import { prisma } from "~/utils/db.server";
import { createAccount, DEFAULT_PASSWORD } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { startServer, strongSecret, type TestServer } from "../helpers/production-server";

// Two JWT secrets in this process, as during a rotation: the first signs, both verify.
const secrets = vi.hoisted(() => {
  const make = (c: string) => `${c}${Math.random().toString(36).slice(2)}`.padEnd(48, c);
  const value = { current: make("n"), previous: make("p") };
  process.env.JWT_SECRET = `${value.current},${value.previous}`;
  return value;
});

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const key = (secret: string) => new TextEncoder().encode(secret);
const T0 = new Date("2026-11-25T12:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const MINUTE = 60_000;
const DAY = 86_400_000;

type Account = Awaited<ReturnType<typeof createAccount>>;
let alice: Account;
let bob: Account;

beforeAll(async () => {
  [alice, bob] = await Promise.all([createAccount({ name: "Alice" }), createAccount({ name: "Bob" })]);
});

function claimsFor(account: Account, familyId = "family") {
  return { userId: account.user.id, businessId: account.business.id, familyId };
}

function familyOf(accessToken: string) {
  return JSON.parse(Buffer.from(accessToken.split(".")[1], "base64url").toString()).sid as string;
}

describe("access tokens", () => {
  it("are HS256 JWTs valid for exactly 15 minutes", async () => {
    const pair = await issueTokens(alice.user, {}, T0);
    expect(pair.expiresIn).toBe(ACCESS_TOKEN_TTL_SECONDS);
    expect(ACCESS_TOKEN_TTL_SECONDS).toBe(900);
    const header = JSON.parse(Buffer.from(pair.accessToken.split(".")[0], "base64url").toString());
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(await verifyAccessToken(pair.accessToken, at(15 * MINUTE - 1000))).toEqual({
      userId: alice.user.id,
      businessId: alice.business.id,
      familyId: familyOf(pair.accessToken),
    });
    expect(await verifyAccessToken(pair.accessToken, at(15 * MINUTE))).toBeNull();
    expect(await verifyAccessToken(pair.accessToken, at(60 * MINUTE))).toBeNull();
  });

  it("refuse alg:none, other algorithms, other secrets, other audiences and garbage", async () => {
    const claims = { bid: alice.business.id, sid: "f" };
    const now = Math.floor(T0.getTime() / 1000);
    const base = () =>
      new SignJWT(claims)
        .setSubject(alice.user.id)
        .setIssuer("invoice-link")
        .setAudience("invoice-link-api")
        .setIssuedAt(now)
        .setExpirationTime(now + 600);
    const good = await base().setProtectedHeader({ alg: "HS256" }).sign(key(secrets.current));
    expect(await verifyAccessToken(good, T0)).not.toBeNull();

    const none = new UnsecuredJWT(claims)
      .setSubject(alice.user.id)
      .setIssuer("invoice-link")
      .setAudience("invoice-link-api")
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .encode();
    const hs512 = await base()
      .setProtectedHeader({ alg: "HS512" })
      .sign(key(secrets.current.repeat(2)));
    const hs384 = await base().setProtectedHeader({ alg: "HS384" }).sign(key(secrets.current));
    const otherSecret = await base()
      .setProtectedHeader({ alg: "HS256" })
      .sign(key("x".repeat(48)));
    const otherAudience = await new SignJWT(claims)
      .setSubject(alice.user.id)
      .setIssuer("invoice-link")
      .setAudience("someone-else")
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .setProtectedHeader({ alg: "HS256" })
      .sign(key(secrets.current));
    const noExpiry = await new SignJWT(claims)
      .setSubject(alice.user.id)
      .setIssuer("invoice-link")
      .setAudience("invoice-link-api")
      .setIssuedAt(now)
      .setProtectedHeader({ alg: "HS256" })
      .sign(key(secrets.current));
    const [h, p] = good.split(".");
    const tamperedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), bid: bob.business.id })).toString("base64url");
    const tampered = `${h}.${tamperedPayload}.${good.split(".")[2]}`;
    const noneHeader = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${p}.`;
    for (const bad of [none, noneHeader, hs512, hs384, otherSecret, otherAudience, noExpiry, tampered, "", "abc", "a.b.c", `${good}x`, "x".repeat(5000)]) {
      expect(await verifyAccessToken(bad, T0), bad.slice(0, 40)).toBeNull();
    }
  });

  it("verify with every configured secret but are signed with the first (rotation)", async () => {
    const now = Math.floor(T0.getTime() / 1000);
    const old = await new SignJWT({ bid: alice.business.id, sid: "f" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(alice.user.id)
      .setIssuer("invoice-link")
      .setAudience("invoice-link-api")
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(key(secrets.previous));
    expect(await verifyAccessToken(old, T0)).toMatchObject({ userId: alice.user.id });
    const fresh = await issueTokens(alice.user, {}, T0);
    const { jwtVerify } = await import("jose");
    await expect(jwtVerify(fresh.accessToken, key(secrets.current), { currentDate: T0 })).resolves.toBeTruthy();
    await expect(jwtVerify(fresh.accessToken, key(secrets.previous), { currentDate: T0 })).rejects.toThrow();
  });
});

describe("refresh tokens", () => {
  it("are opaque, stored only as a hash, and rotate on every use in one transaction", async () => {
    const first = await issueTokens(alice.user, {}, T0);
    expect(first.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const familyId = familyOf(first.accessToken);
    const stored = await prisma.refreshToken.findMany({ where: { familyId } });
    expect(stored).toHaveLength(1);
    expect(stored[0].tokenHash).toBe(sha256Hex(first.refreshToken));
    expect(JSON.stringify(stored)).not.toContain(first.refreshToken);

    const second = await rotateRefreshToken(first.refreshToken, {}, at(MINUTE));
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(second.tokens.refreshToken).not.toBe(first.refreshToken);
    expect(familyOf(second.tokens.accessToken)).toBe(familyId);
    // The old token is gone and the new one is the family's only live token.
    const live = await prisma.refreshToken.findMany({ where: { familyId } });
    expect(live.map((t) => t.tokenHash)).toEqual([sha256Hex(second.tokens.refreshToken)]);
    expect(await prisma.rotatedRefreshToken.count({ where: { familyId, tokenHash: sha256Hex(first.refreshToken) } })).toBe(1);
  });

  it("reusing a rotated token revokes the whole family: the thief and the victim are both signed out", async () => {
    const first = await issueTokens(alice.user, {}, T0);
    const familyId = familyOf(first.accessToken);
    const victim = await rotateRefreshToken(first.refreshToken, {}, at(MINUTE));
    if (!victim.ok) throw new Error("first rotation failed");
    const activityBefore = await prisma.activityEvent.count({ where: { businessId: alice.business.id, type: "security.refresh-token-reused" } });

    expect(await rotateRefreshToken(first.refreshToken, {}, at(2 * MINUTE))).toEqual({ ok: false, reason: "reused" });
    expect(await prisma.refreshTokenFamily.findUnique({ where: { id: familyId } })).toBeNull();
    // The victim's current token no longer works either, nor does the family's access token.
    expect(await rotateRefreshToken(victim.tokens.refreshToken, {}, at(3 * MINUTE))).toEqual({ ok: false, reason: "invalid" });
    const { findTokenUser } = await import("~/models/api-token.server");
    expect(await findTokenUser({ userId: alice.user.id, businessId: alice.business.id, familyId })).toBeNull();
    expect(await prisma.activityEvent.count({ where: { businessId: alice.business.id, type: "security.refresh-token-reused" } })).toBe(activityBefore + 1);
  });

  it("an unknown token is refused without touching any family", async () => {
    const other = await issueTokens(alice.user, {}, T0);
    expect(await rotateRefreshToken("not-a-token", {}, T0)).toEqual({ ok: false, reason: "invalid" });
    expect(await rotateRefreshToken("", {}, T0)).toEqual({ ok: false, reason: "invalid" });
    expect(await rotateRefreshToken("x".repeat(500), {}, T0)).toEqual({ ok: false, reason: "invalid" });
    expect(await prisma.refreshTokenFamily.count({ where: { id: familyOf(other.accessToken) } })).toBe(1);
  });

  it("expire after 7 days without use; each use starts a new 7 days", async () => {
    expect(REFRESH_TOKEN_IDLE_MS).toBe(7 * DAY);
    const idle = await issueTokens(alice.user, {}, T0);
    expect(await rotateRefreshToken(idle.refreshToken, {}, at(7 * DAY))).toEqual({ ok: false, reason: "expired" });
    expect(await prisma.refreshTokenFamily.count({ where: { id: familyOf(idle.accessToken) } })).toBe(0);

    const active = await issueTokens(alice.user, {}, T0);
    const day6 = await rotateRefreshToken(active.refreshToken, {}, at(7 * DAY - 1));
    if (!day6.ok) throw new Error("day 6 refresh failed");
    expect(day6.tokens.refreshTokenExpiresAt).toBe(at(14 * DAY - 1).toISOString());
    const day13 = await rotateRefreshToken(day6.tokens.refreshToken, {}, at(13 * DAY));
    expect(day13.ok).toBe(true);
  });

  it("of 20 concurrent refreshes with one token one rotates and all get the same successor, which keeps working", async () => {
    const pair = await issueTokens(alice.user, {}, T0);
    const results = await Promise.all(Array.from({ length: 20 }, () => rotateRefreshToken(pair.refreshToken, {}, at(MINUTE))));
    // One rotated; the others came within the grace period from the same app: the same successor again.
    expect(results.every((r) => r.ok)).toBe(true);
    const successors = new Set(results.map((r) => (r.ok ? r.tokens.refreshToken : null)));
    expect(successors.size).toBe(1);
    expect(await prisma.rotatedRefreshToken.count({ where: { familyId: familyOf(pair.accessToken) } })).toBe(1);
    expect(await prisma.refreshTokenFamily.count({ where: { id: familyOf(pair.accessToken) } })).toBe(1);
    const [successor] = successors;
    expect((await rotateRefreshToken(successor!, {}, at(2 * MINUTE))).ok).toBe(true);
  });

  describe("a lost refresh response (decision 013)", () => {
    const app = { userAgent: "InvoiceLink-iOS/3.2 (iPhone; iOS 18.1)" };

    it("a retry of the same refresh from the same app within the grace period ends with a working pair", async () => {
      expect(REUSE_GRACE_MS).toBe(60_000);
      const pair = await issueTokens(alice.user, app, T0);
      const lost = await rotateRefreshToken(pair.refreshToken, app, at(1_000));
      if (!lost.ok) throw new Error("rotation failed");
      // The response never reached the phone; it retries with the token it still holds, twice.
      const retry = await rotateRefreshToken(pair.refreshToken, app, at(REUSE_GRACE_MS - 1_000));
      if (!retry.ok) throw new Error(`retry refused: ${retry.reason}`);
      expect(retry.tokens.refreshToken).toBe(lost.tokens.refreshToken);
      const again = await rotateRefreshToken(pair.refreshToken, app, at(REUSE_GRACE_MS));
      expect(again.ok && again.tokens.refreshToken).toBe(lost.tokens.refreshToken);
      // The pair works: the access token names a live family and the refresh token rotates normally.
      expect(await findTokenUser((await verifyAccessToken(retry.tokens.accessToken, at(REUSE_GRACE_MS)))!)).not.toBeNull();
      const onward = await rotateRefreshToken(retry.tokens.refreshToken, app, at(2 * MINUTE));
      expect(onward.ok).toBe(true);
      expect(await prisma.refreshTokenFamily.count({ where: { id: familyOf(pair.accessToken) } })).toBe(1);
    });

    it("within the grace period, another app or a successor already used gets nothing and revokes nothing", async () => {
      const pair = await issueTokens(alice.user, app, T0);
      const next = await rotateRefreshToken(pair.refreshToken, app, T0);
      if (!next.ok) throw new Error("rotation failed");
      expect(await rotateRefreshToken(pair.refreshToken, { userAgent: "curl/8.5.0" }, at(5_000))).toEqual({ ok: false, reason: "in-progress" });
      const onward = await rotateRefreshToken(next.tokens.refreshToken, app, at(6_000));
      expect(onward.ok).toBe(true);
      expect(await rotateRefreshToken(pair.refreshToken, app, at(7_000))).toEqual({ ok: false, reason: "in-progress" });
      expect(await prisma.refreshTokenFamily.count({ where: { id: familyOf(pair.accessToken) } })).toBe(1);
    });

    it("a replay after the grace period revokes the family, even from the same app", async () => {
      const pair = await issueTokens(alice.user, app, T0);
      const next = await rotateRefreshToken(pair.refreshToken, app, T0);
      if (!next.ok) throw new Error("rotation failed");
      expect(await rotateRefreshToken(pair.refreshToken, app, at(REUSE_GRACE_MS))).toEqual({ ok: false, reason: "reused" });
      expect(await prisma.refreshTokenFamily.count({ where: { id: familyOf(pair.accessToken) } })).toBe(0);
      expect((await rotateRefreshToken(next.tokens.refreshToken, app, at(REUSE_GRACE_MS + 1))).ok).toBe(false);
      expect(await findTokenUser((await verifyAccessToken(next.tokens.accessToken, at(MINUTE)))!)).toBeNull();
    });
  });

  it("lapsed families and old spent tokens are cleaned up nightly", async () => {
    const lapsed = await issueTokens(bob.user, {}, new Date(Date.now() - 8 * DAY));
    const live = await issueTokens(bob.user, {}, new Date());
    await deleteLapsedFamilies(new Date());
    expect(await prisma.refreshTokenFamily.count({ where: { id: familyOf(lapsed.accessToken) } })).toBe(0);
    expect(await prisma.refreshTokenFamily.count({ where: { id: familyOf(live.accessToken) } })).toBe(1);
    const summary = await cleanupExpired(new Date());
    expect(summary).toHaveProperty("apiSignIns");
    expect(summary).toHaveProperty("rotatedRefreshTokens");
  });
});

describe("logout", () => {
  it("needs the caller's own refresh token: someone else's, or none, revokes nothing", async () => {
    const a = await issueTokens(alice.user, {}, T0);
    const b = await issueTokens(bob.user, {}, T0);
    const aClaims = claimsFor(alice, familyOf(a.accessToken));
    expect(await logoutDevice(aClaims, b.refreshToken)).toBe(false);
    expect(await logoutDevice(aClaims, "")).toBe(false);
    expect(await prisma.refreshTokenFamily.count({ where: { id: familyOf(b.accessToken) } })).toBe(1);
    expect(await logoutDevice(aClaims, a.refreshToken)).toBe(true);
    expect(await prisma.refreshTokenFamily.count({ where: { id: familyOf(a.accessToken) } })).toBe(0);
  });
});

describe("password changes end every sign-in", () => {
  it("changePassword and resetPassword revoke refresh tokens and web sessions", async () => {
    const carol = await createAccount();
    await issueTokens(carol.user);
    await prisma.session.create({
      data: { id: `s-${carol.user.id}`, userId: carol.user.id, businessId: carol.business.id, expiresAt: new Date(Date.now() + DAY) },
    });
    expect(await changePassword(carol.user.id, DEFAULT_PASSWORD, "a brand new password")).toBe(true);
    expect(await prisma.refreshTokenFamily.count({ where: { userId: carol.user.id } })).toBe(0);
    expect(await prisma.session.count({ where: { userId: carol.user.id } })).toBe(0);

    await issueTokens(carol.user);
    const reset = await createPasswordResetToken(carol.email);
    expect(await resetPassword(reset!.token, "another new password")).toBe(true);
    expect(await prisma.refreshTokenFamily.count({ where: { userId: carol.user.id } })).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Over HTTP against the production build.
describe("over HTTP", () => {
  let server: TestServer;
  const jwtSecret = strongSecret();
  let ipCounter = 0;
  /** A fresh client IP per test (the server trusts the loopback proxy), so rate limits don't mix. */
  const newIp = () => `198.51.100.${++ipCounter}`;

  beforeAll(async () => {
    server = await startServer({ env: { JWT_SECRET: jwtSecret, TRUST_PROXY: "loopback", WORKER_IN_PROCESS: "false" } });
  });
  afterAll(() => server?.stop());
  beforeEach(async () => {
    await prisma.rateLimitHit.deleteMany();
  });

  function call(path: string, init: { method?: string; body?: unknown; token?: string; ip?: string; headers?: Record<string, string>; raw?: string } = {}) {
    const headers: Record<string, string> = { "X-Forwarded-For": init.ip ?? "203.0.113.1", ...init.headers };
    if (init.token) headers.Authorization = `Bearer ${init.token}`;
    let body: string | undefined = init.raw;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers["Content-Type"] ??= "application/json";
    }
    return fetch(`${server.url}/api/v1${path}`, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  }

  async function login(account: Account, ip = newIp()) {
    const res = await call("/auth/login", { body: { email: account.email, password: account.password }, ip });
    expect(res.status).toBe(200);
    return (await res.json()) as { accessToken: string; refreshToken: string; expiresIn: number; tokenType: string };
  }

  async function expectError(res: Response, status: number, code?: string) {
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const body = (await res.json()) as { error: { code: string; message: string; fields?: Record<string, string[]> } };
    expect(typeof body.error.message).toBe("string");
    if (code) expect(body.error.code).toBe(code);
    return body.error;
  }

  it("login gives a token pair that works on /me; wrong passwords and unknown emails get the same 401", async () => {
    const pair = await login(alice);
    expect(pair).toMatchObject({ tokenType: "Bearer", expiresIn: 900 });
    const me = await call("/me", { token: pair.accessToken });
    expect(me.status).toBe(200);
    expect(me.headers.get("cache-control")).toContain("no-store");
    expect(((await me.json()) as { data: { id: string } }).data.id).toBe(alice.user.id);

    const ip = newIp();
    const wrong = await expectError(await call("/auth/login", { body: { email: alice.email, password: "wrong password" }, ip }), 401, "invalid_credentials");
    const unknown = await expectError(
      await call("/auth/login", { body: { email: "nobody@example.com", password: "wrong password" }, ip }),
      401,
      "invalid_credentials",
    );
    expect(wrong.message).toBe(unknown.message);
  });

  it("refuses missing, expired, alg:none, other-algorithm, wrongly signed and revoked access tokens with 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { bid: alice.business.id, sid: "x" };
    const signed = (alg: string, secret: string, iat = now, exp = now + 600) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg })
        .setSubject(alice.user.id)
        .setIssuer("invoice-link")
        .setAudience("invoice-link-api")
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(key(secret));
    const pair = await login(alice);
    const [h, p, s] = pair.accessToken.split(".");
    const expired = await signed("HS256", jwtSecret, now - 3600, now - 1800);
    const none = new UnsecuredJWT(claims)
      .setSubject(alice.user.id)
      .setIssuer("invoice-link")
      .setAudience("invoice-link-api")
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .encode();
    const hs512 = await signed("HS512", jwtSecret.repeat(2));
    const wrongSecret = await signed("HS256", strongSecret());
    const noneHeader = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${p}.`;
    const swapped = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), sub: bob.user.id, bid: bob.business.id })).toString("base64url")}.${s}`;
    for (const token of [expired, none, hs512, wrongSecret, noneHeader, swapped, "garbage", `${pair.accessToken}x`]) {
      const res = await call("/me", { token });
      await expectError(res, 401, "unauthorized");
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    await expectError(await call("/me"), 401, "unauthorized");
    await expectError(await call("/me", { headers: { Authorization: `Basic ${Buffer.from("a:b").toString("base64")}` } }), 401, "unauthorized");
    // A correctly signed token whose family does not exist (never issued, or revoked).
    await expectError(await call("/me", { token: await signed("HS256", jwtSecret) }), 401, "unauthorized");
  });

  it("refresh rotates; reuse revokes the family and ends its access tokens at once", async () => {
    const ip = newIp();
    const first = await login(alice, ip);
    const res = await call("/auth/refresh", { body: { refreshToken: first.refreshToken }, ip });
    expect(res.status).toBe(200);
    const second = (await res.json()) as typeof first;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await call("/me", { token: second.accessToken })).status).toBe(200);

    // Within the grace period a retry from the same app gets the same new pair; from another app, nothing.
    const retried = await call("/auth/refresh", { body: { refreshToken: first.refreshToken }, ip });
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as typeof first).refreshToken).toBe(second.refreshToken);
    await expectError(
      await call("/auth/refresh", { body: { refreshToken: first.refreshToken }, ip, headers: { "User-Agent": "another-app/1.0" } }),
      409,
      "refresh_in_progress",
    );
    expect((await call("/me", { token: second.accessToken })).status).toBe(200);
    // Later, it can only be a copy.
    await prisma.rotatedRefreshToken.updateMany({ where: { tokenHash: sha256Hex(first.refreshToken) }, data: { rotatedAt: new Date(Date.now() - 60_000) } });
    await expectError(await call("/auth/refresh", { body: { refreshToken: first.refreshToken }, ip }), 401, "refresh_token_reused");
    await expectError(await call("/me", { token: second.accessToken }), 401, "unauthorized");
    await expectError(await call("/auth/refresh", { body: { refreshToken: second.refreshToken }, ip }), 401, "refresh_token_invalid");
  });

  it("a refresh token idle for 7 days is refused", async () => {
    const pair = await login(bob);
    await prisma.refreshToken.updateMany({ where: { tokenHash: sha256Hex(pair.refreshToken) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expectError(await call("/auth/refresh", { body: { refreshToken: pair.refreshToken }, ip: newIp() }), 401, "refresh_token_expired");
  });

  it("20 concurrent refreshes with the same token from one app: one rotation, every answer the same refresh token, which keeps working", async () => {
    const pair = await login(alice);
    const responses = await Promise.all(Array.from({ length: 20 }, () => call("/auth/refresh", { body: { refreshToken: pair.refreshToken }, ip: newIp() })));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<typeof pair>;
    expect(new Set(bodies.map((b) => b.refreshToken)).size).toBe(1);
    expect(await prisma.rotatedRefreshToken.count({ where: { tokenHash: sha256Hex(pair.refreshToken) } })).toBe(1);
    const winner = bodies[0];
    expect((await call("/me", { token: winner.accessToken })).status).toBe(200);
    expect((await call("/auth/refresh", { body: { refreshToken: winner.refreshToken }, ip: newIp() })).status).toBe(200);
  });

  it("logout needs the caller's own refresh token; a stolen access token alone cannot sign the victim out", async () => {
    const victim = await login(bob);
    const attacker = await login(alice);
    // The attacker holds the victim's access token and tries their own or a made-up refresh token.
    await expectError(await call("/auth/logout", { token: victim.accessToken, body: { refreshToken: attacker.refreshToken } }), 403, "refresh_token_mismatch");
    await expectError(await call("/auth/logout", { token: victim.accessToken, body: { refreshToken: "made-up" } }), 403, "refresh_token_mismatch");
    await expectError(await call("/auth/logout", { token: victim.accessToken, body: {} }), 400, "validation_failed");
    // ... or the victim's refresh token with their own access token.
    await expectError(await call("/auth/logout", { token: attacker.accessToken, body: { refreshToken: victim.refreshToken } }), 403, "refresh_token_mismatch");
    expect((await call("/me", { token: victim.accessToken })).status).toBe(200);

    const out = await call("/auth/logout", { token: victim.accessToken, body: { refreshToken: victim.refreshToken } });
    expect(out.status).toBe(204);
    await expectError(await call("/me", { token: victim.accessToken }), 401);
    await expectError(await call("/auth/refresh", { body: { refreshToken: victim.refreshToken }, ip: newIp() }), 401);
  });

  it("changing the password over the API ends every web session and device, and returns a new pair", async () => {
    const dave = await createAccount();
    const phone = await login(dave);
    const tablet = await login(dave);
    const web = new Browser(server.url, { "X-Forwarded-For": newIp() });
    expect((await web.post("/login", { email: dave.email, password: dave.password })).status).toBe(302);
    expect((await web.get("/dashboard")).status).toBe(200);

    const wrong = await expectError(
      await call("/auth/password", { token: phone.accessToken, body: { currentPassword: "nope nope", newPassword: "a new password 1" } }),
      400,
      "validation_failed",
    );
    expect(wrong.fields).toHaveProperty("currentPassword");
    const res = await call("/auth/password", { token: phone.accessToken, body: { currentPassword: dave.password, newPassword: "a new password 1" } });
    expect(res.status).toBe(200);
    const fresh = (await res.json()) as typeof phone;

    await expectError(await call("/me", { token: tablet.accessToken }), 401);
    await expectError(await call("/me", { token: phone.accessToken }), 401);
    await expectError(await call("/auth/refresh", { body: { refreshToken: tablet.refreshToken }, ip: newIp() }), 401);
    expect((await web.get("/dashboard")).status).toBe(302);
    expect((await call("/me", { token: fresh.accessToken })).status).toBe(200);
  });

  it("changing the password on the web ends the API sign-ins", async () => {
    const erin = await createAccount();
    const phone = await login(erin);
    const web = new Browser(server.url, { "X-Forwarded-For": newIp() });
    await web.post("/login", { email: erin.email, password: erin.password });
    const res = await web.post("/settings/password", {
      currentPassword: erin.password,
      newPassword: "erin new password",
      confirmPassword: "erin new password",
    });
    expect(res.status).toBe(302);
    await expectError(await call("/me", { token: phone.accessToken }), 401);
    await expectError(await call("/auth/refresh", { body: { refreshToken: phone.refreshToken }, ip: newIp() }), 401);
  });

  it("login, refresh and password change allow 10 per 15 minutes per IP, then 429 with Retry-After", async () => {
    const pair = await login(alice);
    for (const [path, body, token] of [
      ["/auth/login", { email: alice.email, password: "wrong password" }, undefined],
      ["/auth/refresh", { refreshToken: "not-a-real-token" }, undefined],
      ["/auth/password", { currentPassword: "wrong", newPassword: "whatever 12345" }, pair.accessToken],
    ] as const) {
      const ip = newIp();
      for (let i = 0; i < 10; i++) expect((await call(path, { body, ip, token })).status, `${path} #${i + 1}`).not.toBe(429);
      const limited = await call(path, { body, ip, token });
      await expectError(limited, 429, "rate_limited");
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      // Another IP is not affected.
      expect((await call(path, { body, ip: newIp(), token })).status).not.toBe(429);
    }
  });

  it("bodies that are not JSON, too large, or carry unknown fields get 400 and write nothing", async () => {
    const families = await prisma.refreshTokenFamily.count();
    const ip = newIp();
    await expectError(await call("/auth/login", { raw: "{not json", headers: { "Content-Type": "application/json" }, ip }), 400, "invalid_json");
    await expectError(
      await call("/auth/login", { raw: `email=${alice.email}`, headers: { "Content-Type": "application/x-www-form-urlencoded" }, ip }),
      400,
      "invalid_body",
    );
    await expectError(
      await call("/auth/login", {
        raw: JSON.stringify({ email: alice.email, password: "x".repeat(70_000) }),
        headers: { "Content-Type": "application/json" },
        ip,
      }),
      400,
      "body_too_large",
    );
    const extra = await expectError(
      await call("/auth/login", { body: { email: alice.email, password: alice.password, businessId: bob.business.id }, ip }),
      400,
      "validation_failed",
    );
    expect(extra.fields).toEqual({ businessId: ["Unknown field"] });
    await expectError(await call("/auth/login", { body: [1, 2], ip }), 400, "validation_failed");
    expect(await prisma.refreshTokenFamily.count()).toBe(families);
  });

  it("wrong methods get 405 with Allow, unknown paths a JSON 404", async () => {
    const res = await call("/auth/login");
    await expectError(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe("POST");
    await expectError(await call("/nope"), 404, "not_found");
  });
});

// Rate limits over real HTTP against the production build (and the limiter itself), on real
// Postgres: per-IP limits of 10 requests per 15 minutes, shared by every server process, not
// fooled by X-Forwarded-For unless the proxy is trusted, and exact under concurrent bursts.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { prisma } from "~/utils/db.server";
import { hitRateLimit, RATE_LIMITS } from "~/utils/rate-limit.server";
import { createAccount, uniqueEmail } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/production-server";

const LIMIT = 10;
const WINDOW_SECONDS = 15 * 60;

let server: TestServer;
let account: Awaited<ReturnType<typeof createAccount>>;

beforeAll(async () => {
  [server, account] = await Promise.all([startServer(), createAccount()]);
});
afterAll(() => server?.stop());

// Every test starts with a fresh budget: the limits are shared by everything in this file.
beforeEach(async () => {
  await prisma.rateLimitHit.deleteMany();
});

// ---------------------------------------------------------------------------------------------
// helpers

const browser = (s: TestServer = server, headers: Record<string, string> = {}) => new Browser(s.url, headers);

/** A login attempt that fails validation cheaply (no bcrypt) but is still counted. */
function cheapLogin(b: Browser, headers: Record<string, string> = {}) {
  return b.post("/login", { email: "not-an-email", password: "x" }, headers);
}

async function expectTooMany(res: Response) {
  expect(res.status).toBe(429);
  const retryAfter = res.headers.get("retry-after");
  expect(retryAfter).toMatch(/^[1-9]\d*$/);
  expect(Number(retryAfter)).toBeLessThanOrEqual(WINDOW_SECONDS);
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  const html = await res.text();
  expect(html).toContain("<h1>Too many attempts</h1>");
  expect(html).toMatch(/Too many attempts\. Please wait \d+ minutes? and try again\./);
  expect(res.headers.getSetCookie().some((c) => c.startsWith("__session="))).toBe(false);
  return Number(retryAfter);
}

async function keyCounts() {
  const rows = await prisma.rateLimitHit.groupBy({ by: ["key"], _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.key, r._count._all]));
}

async function passwordHashOf(userId: string) {
  return (await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } })).passwordHash;
}

// ---------------------------------------------------------------------------------------------

describe("per-endpoint limits (10 requests per 15 minutes per client IP)", () => {
  it("login: the 11th attempt gets 429 with Retry-After, even with the right password", async () => {
    const b = browser();
    const results = await Promise.all(Array.from({ length: LIMIT }, (_, i) => b.post("/login", { email: account.email, password: `wrong guess ${i}` })));
    expect(results.map((r) => r.status)).toEqual(Array(LIMIT).fill(400));
    const sessionsBefore = await prisma.session.count({ where: { userId: account.user.id } });

    const eleventh = await browser().post("/login", { email: account.email, password: account.password });
    const retryAfter = await expectTooMany(eleventh);
    // The oldest hit is seconds old, so the wait is close to the full window.
    expect(retryAfter).toBeGreaterThan(WINDOW_SECONDS - 300);
    expect(await prisma.session.count({ where: { userId: account.user.id } })).toBe(sessionsBefore);
    expect(await keyCounts()).toEqual({ "login:127.0.0.1": LIMIT });
  });

  it("forgot-password: the 11th request gets 429 and sends no email", async () => {
    const { email } = await createAccount();
    const results = await Promise.all(Array.from({ length: LIMIT }, () => browser().post("/forgot-password", { email })));
    expect(results.map((r) => r.status)).toEqual(Array(LIMIT).fill(302));
    // Emails are stored before the redirect in the dev outbox; wait for any stragglers.
    const deadline = Date.now() + 5_000;
    while ((await prisma.emailMessage.count({ where: { to: email } })) < LIMIT && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await prisma.emailMessage.count({ where: { to: email } })).toBe(LIMIT);

    await expectTooMany(await browser().post("/forgot-password", { email }));
    expect(await prisma.emailMessage.count({ where: { to: email } })).toBe(LIMIT);
    expect(await keyCounts()).toEqual({ "forgot-password:127.0.0.1": LIMIT });
  });

  it("reset-password: the 11th attempt gets 429 and a valid token stays unused", async () => {
    const { user } = await createAccount();
    const results = await Promise.all(
      Array.from({ length: LIMIT }, (_, i) =>
        browser().post("/reset-password", { token: `guessed-token-${i}-${"x".repeat(20)}`, password: "a new password", confirmPassword: "a new password" }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(LIMIT).fill(400));

    // A genuine token (written directly: forgot-password has its own limit) is refused too.
    const token = "valid-token-for-rate-limit-test-0123456789";
    const tokenHash = createHash("sha256").update(token).digest("hex");
    await prisma.passwordResetToken.create({ data: { userId: user.id, tokenHash, expiresAt: new Date(Date.now() + 3_600_000) } });
    const hashBefore = await passwordHashOf(user.id);
    await expectTooMany(await browser().post(`/reset-password?token=${token}`, { token, password: "a new password", confirmPassword: "a new password" }));
    expect((await prisma.passwordResetToken.findUniqueOrThrow({ where: { tokenHash } })).usedAt).toBeNull();
    expect(await passwordHashOf(user.id)).toBe(hashBefore);
    expect(await keyCounts()).toEqual({ "reset-password:127.0.0.1": LIMIT });
  });

  it("password change: the 11th attempt gets 429 and the password stays the same", async () => {
    const { user, email, password } = await createAccount();
    const b = browser();
    expect((await b.post("/login", { email, password })).status).toBe(302);
    await prisma.rateLimitHit.deleteMany(); // the login above counted against "login", not this limit
    const hashBefore = await passwordHashOf(user.id);

    for (let i = 0; i < LIMIT; i++) {
      const res = await b.post("/settings/password", {
        currentPassword: `wrong current ${i}`,
        newPassword: "a brand new password",
        confirmPassword: "a brand new password",
      });
      expect(res.status).toBe(400);
    }
    const eleventh = await b.post("/settings/password", {
      currentPassword: password,
      newPassword: "a brand new password",
      confirmPassword: "a brand new password",
    });
    await expectTooMany(eleventh);
    expect(await passwordHashOf(user.id)).toBe(hashBefore);
    // Still signed in: being limited does not sign anyone out.
    expect((await b.get("/settings/password")).status).toBe(200);
    expect(await keyCounts()).toEqual({ "password-change:127.0.0.1": LIMIT });
  });

  it("sign up: the 11th attempt gets 429 and creates no account", async () => {
    for (let i = 0; i < LIMIT; i++) {
      expect((await browser().post("/signup", { email: "bad" })).status).toBe(400);
    }
    const email = uniqueEmail("limited");
    const res = await browser().post("/signup", {
      businessName: "Limited Ltd",
      name: "Lim Ited",
      email,
      password: "a good password",
      confirmPassword: "a good password",
    });
    await expectTooMany(res);
    expect(await prisma.user.count({ where: { email } })).toBe(0);
  });

  it("keeps separate budgets per endpoint", async () => {
    for (let i = 0; i < LIMIT; i++) await cheapLogin(browser());
    await expectTooMany(await cheapLogin(browser()));
    // Login is spent; forgot-password is not.
    expect((await browser().post("/forgot-password", { email: uniqueEmail("other") })).status).toBe(302);
  });
});

describe("shared state and client identity", () => {
  // A second server process on the same database, trusting the loopback proxy. Requests without
  // X-Forwarded-For still come from 127.0.0.1, so it also serves as "another instance" of the app.
  let proxied: TestServer;
  beforeAll(async () => {
    proxied = await startServer({ env: { TRUST_PROXY: "loopback" } });
  });
  afterAll(() => proxied?.stop());

  it("holds the limit across two server processes on the same database", async () => {
    const second = proxied;
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) {
      statuses.push((await cheapLogin(browser(i % 2 === 0 ? server : second))).status);
    }
    expect(statuses).toEqual(Array(LIMIT).fill(400));
    await expectTooMany(await cheapLogin(browser(second)));
    await expectTooMany(await cheapLogin(browser(server)));
    expect(await keyCounts()).toEqual({ "login:127.0.0.1": LIMIT });

    // A concurrent burst split across both processes is still cut at exactly 10 (the database
    // lock, not any per-process state, is what serialises the count).
    await prisma.rateLimitHit.deleteMany();
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => cheapLogin(browser(i % 2 === 0 ? server : second))));
    const burstStatuses = burst.map((r) => r.status);
    expect(burstStatuses.filter((s) => s === 400)).toHaveLength(LIMIT);
    expect(burstStatuses.filter((s) => s === 429)).toHaveLength(20 - LIMIT);
    expect(await keyCounts()).toEqual({ "login:127.0.0.1": LIMIT });
  });

  it("ignores a spoofed X-Forwarded-For header by default (TRUST_PROXY unset)", async () => {
    for (let i = 0; i < LIMIT; i++) {
      const res = await cheapLogin(browser(), { "X-Forwarded-For": `203.0.113.${i + 1}`, "X-Real-IP": `198.51.100.${i + 1}` });
      expect(res.status).toBe(400);
    }
    await expectTooMany(await cheapLogin(browser(), { "X-Forwarded-For": "192.0.2.200" }));
    await expectTooMany(await cheapLogin(browser(), { Forwarded: "for=192.0.2.201" }));
    expect(await keyCounts()).toEqual({ "login:127.0.0.1": LIMIT });
  });

  it("uses the X-Forwarded-For address as the client IP with TRUST_PROXY=loopback", async () => {
    const client = { "X-Forwarded-For": "203.0.113.7" };
    for (let i = 0; i < LIMIT; i++) expect((await cheapLogin(browser(proxied), client)).status).toBe(400);
    await expectTooMany(await cheapLogin(browser(proxied), client));
    // A client that prepends its own address still gets the one the trusted proxy appended.
    await expectTooMany(await cheapLogin(browser(proxied), { "X-Forwarded-For": "6.6.6.6, 203.0.113.7" }));

    // Other clients behind the proxy have their own budgets.
    expect((await cheapLogin(browser(proxied), { "X-Forwarded-For": "203.0.113.8" })).status).toBe(400);
    expect((await cheapLogin(browser(proxied))).status).toBe(400);
    expect(await keyCounts()).toEqual({
      "login:203.0.113.7": LIMIT,
      "login:203.0.113.8": 1,
      "login:127.0.0.1": 1,
    });
  });
});

describe("bursts and the sliding window", () => {
  it("lets exactly 10 of 20 concurrent login POSTs through", async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => browser().post("/login", { email: account.email, password: `burst guess ${i}` })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 429)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - LIMIT);
    expect(statuses.filter((s) => s !== 429 && s !== 400)).toEqual([]);
    for (const res of responses.filter((r) => r.status === 429)) await expectTooMany(res);
    expect(await keyCounts()).toEqual({ "login:127.0.0.1": LIMIT });
  });

  it("reports Retry-After from the oldest hit and allows requests again once the window has passed", async () => {
    for (let i = 0; i < LIMIT; i++) expect((await cheapLogin(browser())).status).toBe(400);
    await expectTooMany(await cheapLogin(browser()));

    // Ten minutes later the oldest hit frees up in about five minutes.
    await prisma.$executeRaw`UPDATE "RateLimitHit" SET "createdAt" = "createdAt" - interval '10 minutes'`;
    const retryAfter = await expectTooMany(await cheapLogin(browser()));
    expect(retryAfter).toBeGreaterThan(4 * 60);
    expect(retryAfter).toBeLessThanOrEqual(5 * 60);

    // Sixteen minutes later every hit is outside the 15-minute window.
    await prisma.$executeRaw`UPDATE "RateLimitHit" SET "createdAt" = "createdAt" - interval '6 minutes'`;
    const res = await browser().post("/login", { email: account.email, password: account.password });
    expect(res.status).toBe(302);
    // Expired hits were pruned; only the new request counts.
    expect(await keyCounts()).toEqual({ "login:127.0.0.1": 1 });
    for (let i = 0; i < LIMIT - 1; i++) expect((await cheapLogin(browser())).status).toBe(400);
    await expectTooMany(await cheapLogin(browser()));
  });
});

describe("hitRateLimit", () => {
  it("allows exactly 10 of 25 concurrent calls on one key", async () => {
    const key = `unit:burst:${Date.now()}`;
    const results = await Promise.all(Array.from({ length: 25 }, () => hitRateLimit(key, RATE_LIMITS.login)));
    const ok = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(15);
    expect(ok.map((r) => (r.ok ? r.remaining : -1)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const r of refused) {
      if (r.ok) throw new Error("unreachable");
      expect(Number.isInteger(r.retryAfterSeconds)).toBe(true);
      expect(r.retryAfterSeconds).toBeGreaterThan(0);
      expect(r.retryAfterSeconds).toBeLessThanOrEqual(WINDOW_SECONDS);
    }
    expect(await prisma.rateLimitHit.count({ where: { key } })).toBe(10);
  });

  it("stays exact when separate limiter instances (as in separate processes) race on one key", async () => {
    // Fresh module instances share the database but not any in-process state.
    const instances = [];
    for (let i = 0; i < 3; i++) {
      vi.resetModules();
      instances.push((await import("~/utils/rate-limit.server")).hitRateLimit);
    }
    expect(new Set(instances).size).toBe(3);
    const key = "unit:instances";
    const results = await Promise.all(instances.flatMap((hit) => Array.from({ length: 10 }, () => hit(key, RATE_LIMITS.login))));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(await prisma.rateLimitHit.count({ where: { key } })).toBe(10);
  });

  it("keeps keys independent under concurrency", async () => {
    const keys = ["unit:a", "unit:b", "unit:c"];
    const calls = keys.flatMap((key) => Array.from({ length: 15 }, () => hitRateLimit(key, { limit: 10, windowMs: 60_000 }).then((r) => ({ key, ok: r.ok }))));
    const results = await Promise.all(calls);
    for (const key of keys) {
      expect(results.filter((r) => r.key === key && r.ok)).toHaveLength(10);
    }
  });

  it("does not let a burst on one key starve the connection pool for other keys", async () => {
    // 60 concurrent calls on one key (more than the pool holds) next to single calls on other keys:
    // nothing fails with a pool timeout, the limit stays exact, and the other keys are not refused.
    const burst = Array.from({ length: 60 }, () => hitRateLimit("unit:hot", RATE_LIMITS.login));
    const others = Array.from({ length: 10 }, (_, i) => hitRateLimit(`unit:cold:${i}`, RATE_LIMITS.login));
    const [hot, cold] = await Promise.all([Promise.all(burst), Promise.all(others)]);
    expect(hot.filter((r) => r.ok)).toHaveLength(10);
    expect(cold.every((r) => r.ok)).toBe(true);
  });

  it("slides the window: hits older than windowMs stop counting, and Retry-After follows the oldest hit", async () => {
    const key = "unit:window";
    const options = { limit: 3, windowMs: 60_000 };
    const t0 = new Date("2030-01-01T00:00:00Z");
    const at = (ms: number) => new Date(t0.getTime() + ms);

    expect(await hitRateLimit(key, options, at(0))).toEqual({ ok: true, remaining: 2 });
    expect(await hitRateLimit(key, options, at(10_000))).toEqual({ ok: true, remaining: 1 });
    expect(await hitRateLimit(key, options, at(20_000))).toEqual({ ok: true, remaining: 0 });
    expect(await hitRateLimit(key, options, at(30_000))).toEqual({ ok: false, retryAfterSeconds: 30 });
    expect(await hitRateLimit(key, options, at(59_500))).toEqual({ ok: false, retryAfterSeconds: 1 });
    // Refused calls are not counted, so the first hit frees a slot exactly when it leaves the window.
    expect(await hitRateLimit(key, options, at(60_000))).toEqual({ ok: true, remaining: 0 });
    expect(await hitRateLimit(key, options, at(60_001))).toEqual({ ok: false, retryAfterSeconds: 10 });
    expect(await prisma.rateLimitHit.count({ where: { key } })).toBe(3);
  });
});

// Forgot-password and reset-password over real HTTP against the production build, with tokens read
// from the development outbox (no Postmark token is configured). Real Postgres, no mocks.
import { createHash } from "node:crypto";
import bcrypt from "bcrypt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createAccount, uniqueEmail } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { fieldErrors } from "../helpers/html";
import { startServer, type TestServer } from "../helpers/production-server";

const EXPIRED_MESSAGE = "This reset link has expired or was already used. Ask for a new one.";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

// forgot-password, reset-password and login are each limited to 10 requests per 15 minutes per IP.
beforeEach(async () => {
  await prisma.rateLimitHit.deleteMany();
});

// ---------------------------------------------------------------------------------------------
// helpers

const browser = () => new Browser(server.url);
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

function forgot(email: string) {
  return browser().post("/forgot-password", { email });
}

async function resetEmails(email: string) {
  return prisma.emailMessage.findMany({
    where: { to: email, template: "password-reset" },
    orderBy: { createdAt: "asc" },
  });
}

function tokenFromEmail(textBody: string | null) {
  const match = textBody?.match(/\/reset-password\?token=([^\s]+)/);
  if (!match) throw new Error(`no reset link in email:\n${textBody}`);
  return decodeURIComponent(match[1]);
}

/** Waits until the user has `count` reset emails and returns the tokens, oldest first. */
async function resetTokens(email: string, count: number) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const emails = await resetEmails(email);
    if (emails.length >= count) return emails.map((e) => tokenFromEmail(e.textBody));
    if (Date.now() > deadline) throw new Error(`expected ${count} reset emails for ${email}, found ${emails.length}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Asks for a reset link (typed as `typed`, e.g. in another case) and returns the raw token from the email. */
async function requestToken(email: string, typed = email) {
  const before = (await resetEmails(email)).length;
  const res = await forgot(typed);
  expect(res.status).toBe(302);
  const tokens = await resetTokens(email, before + 1);
  return tokens[tokens.length - 1];
}

const resetPath = (token: string) => `/reset-password?token=${encodeURIComponent(token)}`;

/**
 * Submits the reset form the way a browser does: the form has no explicit action, so it posts to the
 * current URL (token in the query) with the token also in a hidden field.
 */
function submitReset(b: Browser, token: string, password: string, confirmPassword = password) {
  return b.post(resetPath(token), { token, password, confirmPassword });
}

async function login(b: Browser, email: string, password: string) {
  return b.post("/login", { email, password });
}

async function loggedIn(email: string, password: string) {
  const b = browser();
  expect((await login(b, email, password)).status).toBe(302);
  return b;
}

/** Messages of `<ul id="{id}-error" class="errors">` (a field id, or the form id for form-level errors). */
function errorsFor(html: string, id: string) {
  return fieldErrors(html, `${id}-error`);
}

async function passwordHashOf(userId: string) {
  return (await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } })).passwordHash;
}

// ---------------------------------------------------------------------------------------------

describe("forgot password", () => {
  it("answers a known and an unknown email identically, each after at least 200 ms", async () => {
    const { email } = await createAccount();
    const samples: { kind: "known" | "unknown"; status: number; location: string | null; body: string; headers: string[]; ms: number }[] = [];
    for (let i = 0; i < 4; i++) {
      for (const kind of ["known", "unknown"] as const) {
        const started = performance.now();
        const res = await forgot(kind === "known" ? email : uniqueEmail("ghost"));
        const body = await res.text();
        const ms = performance.now() - started;
        expect(res.headers.getSetCookie()).toEqual([]);
        samples.push({
          kind,
          status: res.status,
          location: res.headers.get("location"),
          body,
          headers: [...res.headers.keys()].filter((h) => h !== "date").sort(),
          ms,
        });
      }
    }
    const [first] = samples;
    expect(first.status).toBe(302);
    expect(first.location).toBe("/forgot-password?sent=1");
    for (const sample of samples) {
      expect(sample.status, sample.kind).toBe(first.status);
      expect(sample.location, sample.kind).toBe(first.location);
      expect(sample.body, sample.kind).toBe(first.body);
      expect(sample.headers, sample.kind).toEqual(first.headers);
      expect(sample.ms, `${sample.kind} took ${sample.ms.toFixed(0)} ms`).toBeGreaterThanOrEqual(200);
    }
    // The known email really was handled: four emails, and only the newest token is kept.
    const tokens = await resetTokens(email, 4);
    expect(tokens).toHaveLength(4);
    const kept = await prisma.passwordResetToken.findMany({ where: { user: { email } } });
    expect(kept.map((t) => t.tokenHash)).toEqual([sha256(tokens[3])]);
  });

  it("also takes at least 200 ms to refuse a malformed email", async () => {
    const started = performance.now();
    const res = await forgot("not-an-email");
    const ms = performance.now() - started;
    expect(res.status).toBe(400);
    expect(ms).toBeGreaterThanOrEqual(200);
    expect(await res.text()).toContain("Enter a valid email address");
  });

  it("shows the same confirmation page afterwards", async () => {
    const res = await browser().get("/forgot-password?sent=1");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("If an account exists for that address");
  });

  it("creates a token row only for a known email, and stores only its SHA-256 hash", async () => {
    const { user, email } = await createAccount();
    const unknown = uniqueEmail("ghost");
    const tokensBefore = await prisma.passwordResetToken.count();
    const emailsBefore = await prisma.emailMessage.count();

    expect((await forgot(unknown)).status).toBe(302);
    expect(await prisma.passwordResetToken.count()).toBe(tokensBefore);
    expect(await prisma.emailMessage.count()).toBe(emailsBefore);

    const token = await requestToken(email, ` ${email.toUpperCase()} `);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await prisma.passwordResetToken.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(await prisma.passwordResetToken.count()).toBe(tokensBefore + 1);
    const [row] = rows;
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.tokenHash).toBe(sha256(token));
    expect(row.usedAt).toBeNull();
    const ttl = row.expiresAt.getTime() - Date.now();
    expect(ttl).toBeGreaterThan(55 * 60_000);
    expect(ttl).toBeLessThanOrEqual(60 * 60_000);

    // The raw token appears nowhere in the table, in any column.
    const raw = await prisma.$queryRaw<Record<string, unknown>[]>`SELECT * FROM "PasswordResetToken"`;
    expect(JSON.stringify(raw)).not.toContain(token);

    const [message] = await resetEmails(email);
    expect(message.businessId).toBe(user.businessId);
    expect(message.transport).toBe("dev-outbox");
    expect(message.textBody).toContain(`${server.url}/reset-password?token=`);
  });
});

describe("reset password", () => {
  it("shows the form for a valid token, then works exactly once", async () => {
    const { user, email, password } = await createAccount();
    const token = await requestToken(email);

    const page = await browser().get(resetPath(token));
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toContain("no-store");
    const html = await page.text();
    expect(html).toContain("Choose a new password");
    expect(html).toContain(`<input type="hidden" name="token" value="${token}"/>`);
    // The form posts back to the page's own URL, token included (what submitReset does).
    expect(html).toContain(`action="${resetPath(token)}"`);

    const first = await submitReset(browser(), token, "first new password");
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe("/login");
    const row = await prisma.passwordResetToken.findUniqueOrThrow({ where: { tokenHash: sha256(token) } });
    expect(row.usedAt).not.toBeNull();
    const hashAfterFirst = await passwordHashOf(user.id);
    expect(await bcrypt.compare("first new password", hashAfterFirst)).toBe(true);

    const second = await submitReset(browser(), token, "second new password");
    expect(second.status).toBe(400);
    expect(await second.text()).toContain(EXPIRED_MESSAGE);
    expect(await passwordHashOf(user.id)).toBe(hashAfterFirst);

    const used = await browser().get(resetPath(token));
    expect(used.status).toBe(410);

    expect((await login(browser(), email, "second new password")).status).toBe(400);
    expect((await login(browser(), email, password)).status).toBe(400);
    expect((await login(browser(), email, "first new password")).status).toBe(302);
  });

  it("lets only one of two concurrent submissions of the same token through", async () => {
    const { user, email } = await createAccount();
    const token = await requestToken(email);
    const [a, b] = await Promise.all([submitReset(browser(), token, "racing password A"), submitReset(browser(), token, "racing password B")]);
    expect([a.status, b.status].sort()).toEqual([302, 400]);
    const winner = a.status === 302 ? "racing password A" : "racing password B";
    expect(await bcrypt.compare(winner, await passwordHashOf(user.id))).toBe(true);
  });

  it("refuses an expired token: GET shows the expired page with 410, POST answers 400", async () => {
    const { user, email } = await createAccount();
    const token = await requestToken(email);
    await prisma.passwordResetToken.update({ where: { tokenHash: sha256(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const hashBefore = await passwordHashOf(user.id);

    const page = await browser().get(resetPath(token));
    expect(page.status).toBe(410);
    const html = await page.text();
    expect(html).toContain("Link expired");
    expect(html).toContain(EXPIRED_MESSAGE);
    expect(html).not.toContain('name="token"');
    expect(html).toContain('href="/forgot-password"');

    const res = await submitReset(browser(), token, "a new password here");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(EXPIRED_MESSAGE);
    // Without the token in the URL (a hand-made POST) the answer is the same.
    const bare = await browser().post("/reset-password", { token, password: "a new password here", confirmPassword: "a new password here" });
    expect(bare.status).toBe(400);
    expect(await bare.text()).toContain(EXPIRED_MESSAGE);
    expect(await passwordHashOf(user.id)).toBe(hashBefore);
    const row = await prisma.passwordResetToken.findUniqueOrThrow({ where: { tokenHash: sha256(token) } });
    expect(row.usedAt).toBeNull();
  });

  it("signs out every session of the user, and no one else's", async () => {
    const { user, email, password } = await createAccount();
    const other = await createAccount();
    const phone = await loggedIn(email, password);
    const laptop = await loggedIn(email, password);
    const bystander = await loggedIn(other.email, other.password);
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(2);

    const token = await requestToken(email);
    const resetter = browser();
    const res = await submitReset(resetter, token, "reset and sign out");
    expect(res.status).toBe(302);

    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
    for (const b of [phone, laptop]) {
      const dash = await b.get("/dashboard");
      expect(dash.status).toBe(302);
      expect(dash.headers.get("location")).toBe("/login?redirectTo=%2Fdashboard");
    }
    expect((await bystander.get("/dashboard")).status).toBe(200);

    // The login page shows the one-time confirmation, and the reset itself signed no one in.
    expect(resetter.cookies.has("__session")).toBe(false);
    expect(await (await resetter.get("/login")).text()).toContain("every device was signed out");
  });

  it("invalidates the first token when a second one is requested", async () => {
    const { user, email } = await createAccount();
    const first = await requestToken(email);
    const second = await requestToken(email);
    expect(second).not.toBe(first);
    expect(await prisma.passwordResetToken.count({ where: { userId: user.id } })).toBe(1);

    expect((await browser().get(resetPath(first))).status).toBe(410);
    const hashBefore = await passwordHashOf(user.id);
    const stale = await submitReset(browser(), first, "from the stale link");
    expect(stale.status).toBe(400);
    expect(await passwordHashOf(user.id)).toBe(hashBefore);

    expect((await browser().get(resetPath(second))).status).toBe(200);
    expect((await submitReset(browser(), second, "from the fresh link")).status).toBe(302);
    expect((await login(browser(), email, "from the fresh link")).status).toBe(302);
  });

  it("leaves exactly one usable token when several requests arrive at once", async () => {
    const { user, email } = await createAccount();
    const responses = await Promise.all(Array.from({ length: 5 }, () => forgot(email)));
    expect(responses.map((r) => r.status)).toEqual([302, 302, 302, 302, 302]);
    const tokens = await resetTokens(email, 5);
    expect(await prisma.passwordResetToken.count({ where: { userId: user.id } })).toBe(1);
    const usable = [];
    for (const token of tokens) {
      if ((await browser().get(resetPath(token))).status === 200) usable.push(token);
    }
    expect(usable).toHaveLength(1);
  });

  it("validates the new password without using up the token", async () => {
    const { user, email } = await createAccount();
    const token = await requestToken(email);
    const hashBefore = await passwordHashOf(user.id);
    const cases: [string, string, string, RegExp][] = [
      ["tiny7", "tiny7", "reset-password-password", /at least 8/],
      ["ü".repeat(40), "ü".repeat(40), "reset-password-password", /72 bytes/],
      ["a valid new password", "a different password", "reset-password-confirmPassword", /do not match/],
    ];
    for (const [password, confirmPassword, fieldId, message] of cases) {
      const res = await submitReset(browser(), token, password, confirmPassword);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(errorsFor(html, fieldId).join(" ")).toMatch(message);
      expect(html).not.toContain(password);
    }
    expect(await passwordHashOf(user.id)).toBe(hashBefore);
    expect((await browser().get(resetPath(token))).status).toBe(200);
  });

  it("answers malformed token values with 410 on GET and 400 on POST, never 500", async () => {
    const { user, email } = await createAccount();
    const realToken = await requestToken(email);
    const hashBefore = await passwordHashOf(user.id);

    const queries = [
      "",
      "?token=",
      "?token=short",
      `?token=${"a".repeat(101)}`,
      `?token=${"a".repeat(5000)}`,
      "?token=..%2F..%2Fetc%2Fpasswd",
      "?token=%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00",
      "?token=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
      `?token=${encodeURIComponent("ü".repeat(30))}`,
      "?token=%E0%A4%A",
      `?token=${"%".repeat(30)}`,
      `?token=${encodeURIComponent(`${realToken} `)}`,
      `?token=${encodeURIComponent(realToken.toUpperCase() === realToken ? realToken.toLowerCase() : realToken.toUpperCase())}`,
      `?token=${encodeURIComponent(`${realToken}' OR '1'='1`)}`,
      `?token=${"A".repeat(43)}`,
      `?token[]=${realToken}`,
      `?token=x&token=${realToken}`,
    ];
    for (const query of queries) {
      const res = await browser().get(`/reset-password${query}`);
      expect(res.status, query.slice(0, 80)).toBe(410);
      expect(await res.text(), query.slice(0, 80)).toContain("Link expired");
    }

    const bodies: Record<string, string | string[]>[] = [
      {},
      { token: "" },
      { token: "short" },
      { token: "a".repeat(101) },
      { token: "a".repeat(20_000) },
      { token: "\u0000".repeat(30) },
      { token: "<script>alert(1)</script>" },
      { token: "ü".repeat(30) },
      { token: `${realToken}' OR '1'='1` },
      { token: "A".repeat(43) },
      { token: [realToken, realToken] },
    ];
    for (const fields of bodies) {
      // Keep the reset-password rate limit out of the way: this is about input handling.
      await prisma.rateLimitHit.deleteMany();
      const form = new URLSearchParams();
      for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) form.append(key, v);
      form.append("password", "malformed token password");
      form.append("confirmPassword", "malformed token password");
      const res = await browser().request("/reset-password", {
        method: "POST",
        body: form,
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Origin: new URL(server.url).origin,
          "Sec-Fetch-Site": "same-origin",
        },
      });
      const label = JSON.stringify(fields).slice(0, 80);
      expect(res.status, label).toBe(400);
      await res.text();
    }

    // None of that touched the account or the real token, which still works.
    expect(await passwordHashOf(user.id)).toBe(hashBefore);
    expect((await prisma.passwordResetToken.findUniqueOrThrow({ where: { tokenHash: sha256(realToken) } })).usedAt).toBeNull();
    await prisma.rateLimitHit.deleteMany();
    expect((await submitReset(browser(), realToken, "finally a new password")).status).toBe(302);
  });
});

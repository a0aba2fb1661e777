// Accounts over real HTTP against the production build: sign-up, login, sessions, logout,
// protected pages, redirects after login and password changes. Real Postgres, no mocks.
import bcrypt from "bcrypt";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { safeRedirect } from "~/utils/validation";
import { createAccount, DEFAULT_PASSWORD, uniqueEmail } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { elementAt, fieldErrors, pageText } from "../helpers/html";
import { startServer, type TestServer } from "../helpers/production-server";

const GENERIC_LOGIN_ERROR = "Invalid email or password";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

// Every POST to /login, /signup and /settings/password is rate limited per client IP (10 per 15
// minutes) and all requests here come from 127.0.0.1, so each test starts with a fresh budget.
beforeEach(async () => {
  await prisma.rateLimitHit.deleteMany();
});

// ---------------------------------------------------------------------------------------------
// helpers

function browser() {
  return new Browser(server.url);
}

function setCookieLine(res: Response, name: string) {
  return res.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

function parseSetCookie(line: string) {
  const [pair, ...rest] = line.split(";").map((part) => part.trim());
  const attributes = new Map<string, string>();
  for (const attr of rest) {
    const index = attr.indexOf("=");
    if (index === -1) attributes.set(attr.toLowerCase(), "");
    else attributes.set(attr.slice(0, index).toLowerCase(), attr.slice(index + 1));
  }
  return { value: pair.slice(pair.indexOf("=") + 1), attributes };
}

/** A signed cookie value is `base64(JSON(value)).signature`, URI-encoded: returns the decoded parts. */
function splitSignedCookie(cookieValue: string) {
  const decoded = decodeURIComponent(cookieValue);
  const dot = decoded.lastIndexOf(".");
  expect(dot).toBeGreaterThan(0);
  const payload = decoded.slice(0, dot);
  const signature = decoded.slice(dot + 1);
  return { payload, signature, data: JSON.parse(Buffer.from(payload, "base64").toString("utf8")) as unknown };
}

function signedCookie(payloadData: unknown, signature: string) {
  const payload = Buffer.from(JSON.stringify(payloadData), "utf8").toString("base64");
  return encodeURIComponent(`${payload}.${signature}`);
}

function sessionIdOf(b: Browser) {
  const value = b.cookies.get("__session");
  if (!value) throw new Error("browser has no __session cookie");
  const { data } = splitSignedCookie(value);
  if (typeof data !== "string") throw new Error("session cookie does not hold a string");
  return data;
}

/**
 * The messages Field/ErrorList render for a field (`<ul id="{fieldId}-error" class="errors">`); pass
 * the form id (e.g. "login") for form-level errors.
 */
const errorsFor = (html: string, id: string) => fieldErrors(html, `${id}-error`);

/** What a reader sees, without React's `<!-- -->` text-node separators. */
const text = (html: string) => pageText(html);

async function counts() {
  const [businesses, users, sessions] = await Promise.all([prisma.business.count(), prisma.user.count(), prisma.session.count()]);
  return { businesses, users, sessions };
}

async function login(b: Browser, email: string, password: string, redirectTo?: string) {
  return b.post("/login", redirectTo === undefined ? { email, password } : { email, password, redirectTo });
}

async function loggedIn(email: string, password: string) {
  const b = browser();
  const res = await login(b, email, password);
  expect(res.status).toBe(302);
  expect(b.cookies.has("__session")).toBe(true);
  return b;
}

function signupForm(overrides: Partial<Record<"businessName" | "name" | "email" | "password" | "confirmPassword", string>> = {}) {
  const password = overrides.password ?? "a strong password 1";
  return {
    businessName: "Sparks Electrical",
    name: "Sam Sparks",
    email: uniqueEmail("signup"),
    password,
    confirmPassword: overrides.confirmPassword ?? password,
    ...overrides,
  };
}

async function expectLoginRedirect(res: Response, path: string) {
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
}

// ---------------------------------------------------------------------------------------------

describe("sign up", () => {
  it("creates a Business and its OWNER user in one go, starts a session and lands on the dashboard", async () => {
    const before = await counts();
    const b = browser();
    const form = signupForm({ email: `  New.Owner-${Date.now()}@Example.COM  ` });
    const res = await b.post("/signup", form);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/dashboard");

    const email = form.email.trim().toLowerCase();
    const user = await prisma.user.findUniqueOrThrow({ where: { email }, include: { business: true, sessions: true } });
    expect(user.role).toBe("OWNER");
    expect(user.name).toBe("Sam Sparks");
    expect(user.business.name).toBe("Sparks Electrical");
    expect(user.passwordHash).not.toContain(form.password);
    expect(user.passwordHash).toMatch(/^\$2[aby]\$12\$/);
    expect(await bcrypt.compare(form.password, user.passwordHash)).toBe(true);
    expect(user.sessions).toHaveLength(1);
    expect(user.sessions[0].businessId).toBe(user.businessId);
    expect(sessionIdOf(b)).toBe(user.sessions[0].id);

    const after = await counts();
    expect(after).toEqual({ businesses: before.businesses + 1, users: before.users + 1, sessions: before.sessions + 1 });

    const dashboard = await b.get("/dashboard");
    expect(dashboard.status).toBe(200);
    expect(text(await dashboard.text())).toContain("Sparks Electrical");
  });

  it("refuses a duplicate email (whatever its case) with a field error and writes no second business", async () => {
    const existing = await createAccount();
    const before = await counts();
    const b = browser();
    const res = await b.post("/signup", signupForm({ email: existing.email.toUpperCase() }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(errorsFor(html, "signup-email")).toEqual(["An account with this email already exists"]);
    expect(setCookieLine(res, "__session")).toBeUndefined();
    expect(await counts()).toEqual(before);
    expect(await prisma.user.count({ where: { email: existing.email } })).toBe(1);
  });

  it("refuses missing fields with a field error for each and writes nothing", async () => {
    const before = await counts();
    const res = await browser().post("/signup", {});
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(errorsFor(html, "signup-businessName")).toEqual(["This field is required"]);
    expect(errorsFor(html, "signup-name")).toEqual(["This field is required"]);
    expect(errorsFor(html, "signup-email")).toEqual(["Email is required"]);
    expect(errorsFor(html, "signup-password")).toEqual(["Password is required"]);
    expect(errorsFor(html, "signup-confirmPassword")).toEqual(["Repeat your password"]);
    expect(setCookieLine(res, "__session")).toBeUndefined();
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["a malformed email", { email: "not-an-email" }, "signup-email", "Enter a valid email address"],
    ["an email without a domain", { email: "someone@" }, "signup-email", "Enter a valid email address"],
    ["a blank business name", { businessName: "   " }, "signup-businessName", "This field is required"],
    ["a blank name", { name: "\t \n" }, "signup-name", "This field is required"],
    ["an over-long name", { name: "x".repeat(101) }, "signup-name", "Keep it under 100 characters"],
    ["a short password", { password: "short1" }, "signup-password", "Use at least 8 characters"],
    [
      "a mismatched confirmation",
      { password: "a strong password 1", confirmPassword: "a strong password 2" },
      "signup-confirmPassword",
      "Passwords do not match",
    ],
  ] as const)("refuses %s with a field error and writes nothing", async (_label, overrides, fieldId, message) => {
    const before = await counts();
    const res = await browser().post("/signup", signupForm(overrides));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(errorsFor(html, fieldId)).toContain(message);
    expect(html).toMatch(new RegExp(`id="${fieldId}"[^>]*aria-invalid="true"`));
    expect(setCookieLine(res, "__session")).toBeUndefined();
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["73 ASCII characters", "a".repeat(73)],
    ["37 two-byte characters (74 bytes)", "é".repeat(37)],
    ["25 three-byte characters (75 bytes)", "€".repeat(25)],
    ["19 four-byte emoji (76 bytes)", "🔧".repeat(19)],
    ["72 ASCII bytes plus one multi-byte character", `${"b".repeat(71)}é`],
  ])("refuses a password over 72 bytes: %s", async (_label, password) => {
    expect(Buffer.byteLength(password, "utf8")).toBeGreaterThan(72);
    const before = await counts();
    const res = await browser().post("/signup", signupForm({ password }));
    expect(res.status).toBe(400);
    const html = await res.text();
    const errors = errorsFor(html, "signup-password");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/72 bytes/);
    // The password is never echoed back into the page.
    expect(html).not.toContain(password);
    expect(await counts()).toEqual(before);
  });

  it("accepts a password of exactly 72 bytes, and it works for login", async () => {
    const password = `${"p".repeat(70)}é`; // 70 + 2 = 72 bytes
    expect(Buffer.byteLength(password, "utf8")).toBe(72);
    const form = signupForm({ password });
    const res = await browser().post("/signup", form);
    expect(res.status).toBe(302);
    const ok = await login(browser(), form.email, password);
    expect(ok.status).toBe(302);
    // A password that differs only in its last byte must not be accepted.
    const wrong = await login(browser(), form.email, `${"p".repeat(70)}è`);
    expect(wrong.status).toBe(400);
  });

  it("renders HTML and script in names escaped, never as markup", async () => {
    const businessName = `<script>alert("biz")</script>`;
    const name = `<img src=x onerror="alert('name')">`;
    const b = browser();
    const res = await b.post("/signup", signupForm({ businessName, name }));
    expect(res.status).toBe(302);
    const user = await prisma.user.findFirstOrThrow({ where: { name }, include: { business: true } });
    expect(user.business.name).toBe(businessName); // stored as typed, escaped on output

    for (const path of ["/dashboard", "/settings"]) {
      const html = await (await b.get(path)).text();
      expect(html, path).not.toContain(businessName);
      expect(html, path).not.toContain("<img src=x");
      if (path === "/dashboard") expect(html).toContain("&lt;script&gt;alert(&quot;biz&quot;)&lt;/script&gt;");
      // Loader data embedded in the page for hydration escapes "<" too.
      expect(html, path).not.toMatch(/<\/script>alert|<script>alert/);
    }

    // A failed submission echoes the values back into the form, escaped inside the attributes.
    const again = await browser().post("/signup", signupForm({ businessName, name, confirmPassword: "does not match" }));
    expect(again.status).toBe(400);
    const echoed = await again.text();
    expect(echoed).not.toContain(businessName);
    expect(echoed).not.toContain("<img src=x");
    expect(elementAt(echoed, "#signup-name")?.getAttribute("value")).toBe(name);
    expect(elementAt(echoed, "#signup-businessName")?.getAttribute("value")).toBe(businessName);
  });
});

describe("login and the session cookie", () => {
  it("sets an HttpOnly, Secure, SameSite=Lax, Path=/ cookie that holds only a signed Session row id", async () => {
    const { user, email, password } = await createAccount();
    const b = browser();
    const res = await login(b, email, password);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/dashboard");

    const line = setCookieLine(res, "__session");
    expect(line).toBeDefined();
    const { value, attributes } = parseSetCookie(line!);
    expect(attributes.has("httponly")).toBe(true);
    expect(attributes.has("secure")).toBe(true);
    expect(attributes.get("samesite")?.toLowerCase()).toBe("lax");
    expect(attributes.get("path")).toBe("/");
    expect(Number(attributes.get("max-age"))).toBeGreaterThan(0);

    const { data, signature } = splitSignedCookie(value);
    expect(typeof data).toBe("string");
    expect(signature.length).toBeGreaterThanOrEqual(40);
    const rows = await prisma.session.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(data).toBe(rows[0].id);
    // Nothing else about the user travels in the cookie.
    const decoded = decodeURIComponent(value);
    for (const secret of [user.id, user.businessId, email, password]) expect(decoded).not.toContain(secret);
    expect(rows[0].expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
    expect(rows[0].ip).toBeTruthy();

    expect((await b.get("/dashboard")).status).toBe(200);
  });

  it("answers a wrong password and an unknown email with the same 400 and generic message, and starts no session", async () => {
    const { email } = await createAccount();
    const before = await counts();

    const wrongPassword = await login(browser(), email, "not the password");
    const unknownEmail = await login(browser(), uniqueEmail("nobody"), "not the password");
    expect(wrongPassword.status).toBe(400);
    expect(unknownEmail.status).toBe(400);
    const [a, b] = [await wrongPassword.text(), await unknownEmail.text()];
    expect(errorsFor(a, "login")).toEqual([GENERIC_LOGIN_ERROR]);
    expect(errorsFor(b, "login")).toEqual([GENERIC_LOGIN_ERROR]);
    expect(errorsFor(a, "login-email")).toEqual([]);
    expect(errorsFor(b, "login-email")).toEqual([]);
    expect(a).not.toContain("not the password");
    for (const res of [wrongPassword, unknownEmail]) expect(setCookieLine(res, "__session")).toBeUndefined();
    expect(await counts()).toEqual(before);
  });

  it("treats the email case-insensitively and ignores surrounding spaces", async () => {
    const { email, password } = await createAccount();
    const res = await login(browser(), `  ${email.toUpperCase()} `, password);
    expect(res.status).toBe(302);
  });

  it("refuses a login password over 72 bytes instead of letting bcrypt truncate it to a match", async () => {
    const password = "x".repeat(72);
    const { email } = await createAccount({ password });
    const res = await login(browser(), email, `${password}extra`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(errorsFor(html, "login-password").join(" ")).toMatch(/72 bytes/);
    expect(setCookieLine(res, "__session")).toBeUndefined();
  });

  it("redirects a signed-in user away from /login and /signup", async () => {
    const { email, password } = await createAccount();
    const b = await loggedIn(email, password);
    for (const path of ["/login", "/signup"]) {
      const res = await b.get(path);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/dashboard");
    }
  });
});

describe("logout", () => {
  it("is a POST that deletes the Session row, clears the cookie, and the old cookie stops working when replayed", async () => {
    const { user, email, password } = await createAccount();
    const b = await loggedIn(email, password);
    const oldCookie = b.cookies.get("__session")!;
    const sessionId = sessionIdOf(b);
    expect(await prisma.session.count({ where: { id: sessionId } })).toBe(1);

    const res = await b.post("/logout", {});
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login");
    const cleared = parseSetCookie(setCookieLine(res, "__session")!);
    expect(cleared.value).toBe("");
    expect(cleared.attributes.get("max-age")).toBe("0");
    expect(b.cookies.has("__session")).toBe(false);
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);

    await expectLoginRedirect(await b.get("/dashboard"), "/dashboard");

    const replay = browser();
    replay.cookies.set("__session", oldCookie);
    await expectLoginRedirect(await replay.get("/dashboard"), "/dashboard");
    await expectLoginRedirect(await replay.get("/settings"), "/settings");
    expect((await replay.get("/login")).status).toBe(200);
  });

  it("only signs out the browser that logs out", async () => {
    const { user, email, password } = await createAccount();
    const phone = await loggedIn(email, password);
    const laptop = await loggedIn(email, password);
    expect((await phone.post("/logout", {})).status).toBe(302);
    expect((await laptop.get("/dashboard")).status).toBe(200);
    const rows = await prisma.session.findMany({ where: { userId: user.id } });
    expect(rows.map((r) => r.id)).toEqual([sessionIdOf(laptop)]);
  });

  it("does not log out on GET /logout", async () => {
    const { email, password } = await createAccount();
    const b = await loggedIn(email, password);
    const sessionId = sessionIdOf(b);
    const res = await b.get("/logout");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    expect(setCookieLine(res, "__session")).toBeUndefined();
    expect(await prisma.session.count({ where: { id: sessionId } })).toBe(1);
    expect((await b.get("/dashboard")).status).toBe(200);
  });

  it("refuses a cross-site logout POST (CSRF) and keeps the session", async () => {
    const { email, password } = await createAccount();
    const b = await loggedIn(email, password);
    const sessionId = sessionIdOf(b);
    const res = await b.post("/logout", {}, { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" });
    expect(res.status).toBe(403);
    expect(await prisma.session.count({ where: { id: sessionId } })).toBe(1);
  });
});

describe("dead sessions", () => {
  it("redirects an expired session to /login, clears the cookie and deletes the row", async () => {
    const { email, password } = await createAccount();
    const b = await loggedIn(email, password);
    const sessionId = sessionIdOf(b);
    await prisma.session.update({ where: { id: sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });

    const res = await b.get("/dashboard");
    await expectLoginRedirect(res, "/dashboard");
    expect(parseSetCookie(setCookieLine(res, "__session")!).value).toBe("");
    expect(await prisma.session.count({ where: { id: sessionId } })).toBe(0);
    // The login page is shown, not a redirect loop.
    expect((await b.get("/login")).status).toBe(200);
  });

  it("treats an expired session as logged out on /login too (no redirect to the dashboard)", async () => {
    const { email, password } = await createAccount();
    const b = await loggedIn(email, password);
    const sessionId = sessionIdOf(b);
    await prisma.session.update({ where: { id: sessionId }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    const res = await b.get("/login");
    expect(res.status).toBe(200);
    expect(await prisma.session.count({ where: { id: sessionId } })).toBe(0);
  });

  it("treats tampered cookies as logged out", async () => {
    const victim = await createAccount();
    const attacker = await createAccount();
    const victimBrowser = await loggedIn(victim.email, victim.password);
    const attackerBrowser = await loggedIn(attacker.email, attacker.password);
    const victimSessionId = sessionIdOf(victimBrowser);
    const attackerCookie = splitSignedCookie(attackerBrowser.cookies.get("__session")!);
    const flip = (s: string) => (s[0] === "A" ? `B${s.slice(1)}` : `A${s.slice(1)}`);

    const tampered: Record<string, string> = {
      // The victim's real session id, carrying the attacker's (valid, but wrong) signature.
      "swapped payload": signedCookie(victimSessionId, attackerCookie.signature),
      "altered signature": encodeURIComponent(`${attackerCookie.payload}.${flip(attackerCookie.signature)}`),
      "no signature": encodeURIComponent(attackerCookie.payload),
      "raw session id": victimSessionId,
      "empty signature": encodeURIComponent(`${attackerCookie.payload}.`),
      garbage: "%%%not-a-cookie%%%",
    };
    for (const [label, value] of Object.entries(tampered)) {
      const b = browser();
      b.cookies.set("__session", value);
      const res = await b.get("/dashboard");
      expect(res.status, label).toBe(302);
      expect(res.headers.get("location"), label).toBe("/login?redirectTo=%2Fdashboard");
      const loginPage = await b.get("/login");
      expect(loginPage.status, label).toBe(200);
    }
    // The genuine cookies still work: only the tampered copies were refused.
    expect((await victimBrowser.get("/dashboard")).status).toBe(200);
    expect((await attackerBrowser.get("/dashboard")).status).toBe(200);
  });
});

describe("protected pages", () => {
  it.each(["/dashboard", "/settings", "/settings/password", "/settings?tab=billing&x=1"])(
    "redirect an anonymous visitor from %s to /login?redirectTo=…",
    async (path) => {
      const res = await browser().get(path);
      await expectLoginRedirect(res, path);
      expect(setCookieLine(res, "__session")).toBeUndefined();
    },
  );

  it("refuses an anonymous password change POST without touching anything", async () => {
    const { user } = await createAccount();
    const before = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    const res = await browser().post("/settings/password", {
      currentPassword: DEFAULT_PASSWORD,
      newPassword: "brand new password",
      confirmPassword: "brand new password",
    });
    await expectLoginRedirect(res, "/settings/password");
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBe(before.passwordHash);
  });

  it("carries redirectTo through the login page to the original destination", async () => {
    const { email, password } = await createAccount();
    const b = browser();
    const first = await b.get("/settings/password");
    const loginUrl = first.headers.get("location")!;
    const page = await (await b.get(loginUrl)).text();
    expect(elementAt(page, 'input[type="hidden"][name="redirectTo"]')?.getAttribute("value")).toBe("/settings/password");
    const res = await login(b, email, password, "/settings/password");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/settings/password");
    expect((await b.get("/settings/password")).status).toBe(200);
  });
});

describe("redirectTo after login", () => {
  it("honours same-site relative paths", async () => {
    const { email, password } = await createAccount();
    for (const target of ["/settings", "/settings/password?x=1#top", "/dashboard"]) {
      const res = await login(browser(), email, password, target);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(target);
    }
  });

  const HOSTILE = [
    "//evil.com",
    "//evil.com/dashboard",
    "https://evil.com",
    "http:evil.com",
    "javascript:alert(1)",
    "/\\evil.com",
    "\\\\evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "/\r\n/evil.com",
    "/%09/../\t/evil.com",
    " //evil.com",
    "evil.com",
    "",
  ];

  it("safeRedirect falls back to /dashboard for anything that could leave the site", () => {
    for (const target of HOSTILE) {
      const result = safeRedirect(target);
      expect(result, JSON.stringify(target)).toBe("/dashboard");
    }
    expect(safeRedirect(null)).toBe("/dashboard");
    expect(safeRedirect(undefined)).toBe("/dashboard");
    expect(safeRedirect("/settings?x=1#y")).toBe("/settings?x=1#y");
  });

  it("ignores hostile redirectTo values over HTTP and goes to /dashboard instead", async () => {
    const { email, password } = await createAccount();
    for (const target of ["//evil.com", "https://evil.com", "/\\evil.com", "/\t/evil.com", "/\n/evil.com"]) {
      const res = await login(browser(), email, password, target);
      expect(res.status, JSON.stringify(target)).toBe(302);
      const location = res.headers.get("location")!;
      expect(location, JSON.stringify(target)).toBe("/dashboard");
      // However a browser resolves it, it stays on our origin.
      expect(new URL(location, server.url).origin).toBe(new URL(server.url).origin);
    }
  });
});

describe("change password", () => {
  const NEW_PASSWORD = "a fresh new password";

  it("refuses a wrong current password with 400 and changes nothing", async () => {
    const { user, email, password } = await createAccount();
    const b = await loggedIn(email, password);
    const other = await loggedIn(email, password);
    const before = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    const sessionsBefore = (await prisma.session.findMany({ where: { userId: user.id }, orderBy: { id: "asc" } })).map((s) => s.id);

    const res = await b.post("/settings/password", {
      currentPassword: "not my password",
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(errorsFor(html, "change-password-currentPassword")).toEqual(["That is not your current password"]);
    expect(html).not.toContain(NEW_PASSWORD);
    expect(setCookieLine(res, "__session")).toBeUndefined();

    const after = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.passwordHash).toBe(before.passwordHash);
    const sessionsAfter = (await prisma.session.findMany({ where: { userId: user.id }, orderBy: { id: "asc" } })).map((s) => s.id);
    expect(sessionsAfter).toEqual(sessionsBefore);
    expect((await b.get("/dashboard")).status).toBe(200);
    expect((await other.get("/dashboard")).status).toBe(200);
    expect((await login(browser(), email, password)).status).toBe(302);
    expect((await login(browser(), email, NEW_PASSWORD)).status).toBe(400);
  });

  it.each([
    ["a short new password", { newPassword: "short", confirmPassword: "short" }, "change-password-newPassword", /at least 8/],
    ["a new password over 72 bytes", { newPassword: "ü".repeat(40), confirmPassword: "ü".repeat(40) }, "change-password-newPassword", /72 bytes/],
    ["a mismatched confirmation", { newPassword: NEW_PASSWORD, confirmPassword: `${NEW_PASSWORD}!` }, "change-password-confirmPassword", /do not match/],
  ] as const)("refuses %s with 400 and changes nothing", async (_label, fields, fieldId, message) => {
    const { user, email, password } = await createAccount();
    const b = await loggedIn(email, password);
    const sessionId = sessionIdOf(b);
    const before = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    const res = await b.post("/settings/password", { currentPassword: password, ...fields });
    expect(res.status).toBe(400);
    expect(errorsFor(await res.text(), fieldId).join(" ")).toMatch(message);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBe(before.passwordHash);
    expect(await prisma.session.count({ where: { id: sessionId } })).toBe(1);
  });

  it("revokes every other session, keeps this browser signed in with a new session id, and retires the old password", async () => {
    const { user, email, password } = await createAccount();
    const bystander = await createAccount();
    const bystanderBrowser = await loggedIn(bystander.email, bystander.password);

    const laptop = await loggedIn(email, password);
    const phone = await loggedIn(email, password);
    const oldLaptopCookie = laptop.cookies.get("__session")!;
    const oldLaptopSession = sessionIdOf(laptop);
    const phoneSession = sessionIdOf(phone);
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(2);
    // An outstanding reset token is also retired by a password change.
    await prisma.passwordResetToken.create({
      data: { userId: user.id, tokenHash: "0".repeat(64), expiresAt: new Date(Date.now() + 3_600_000) },
    });

    const res = await laptop.post("/settings/password", {
      currentPassword: password,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/settings");
    const setCookie = setCookieLine(res, "__session");
    expect(setCookie).toBeDefined();
    const { attributes } = parseSetCookie(setCookie!);
    expect(attributes.has("httponly")).toBe(true);
    expect(attributes.has("secure")).toBe(true);

    const newLaptopSession = sessionIdOf(laptop);
    expect(newLaptopSession).not.toBe(oldLaptopSession);
    const rows = await prisma.session.findMany({ where: { userId: user.id } });
    expect(rows.map((r) => r.id)).toEqual([newLaptopSession]);
    expect(await prisma.session.count({ where: { id: { in: [oldLaptopSession, phoneSession] } } })).toBe(0);
    expect(await prisma.passwordResetToken.count({ where: { userId: user.id } })).toBe(0);

    // The changing browser is still signed in and sees the confirmation once.
    const settings = await laptop.get("/settings");
    expect(settings.status).toBe(200);
    expect(await settings.text()).toContain("Password changed. Every other device has been signed out.");
    expect((await laptop.get("/dashboard")).status).toBe(200);

    // The other device is signed out, and so is a replay of the laptop's old cookie.
    await expectLoginRedirect(await phone.get("/dashboard"), "/dashboard");
    const replay = browser();
    replay.cookies.set("__session", oldLaptopCookie);
    await expectLoginRedirect(await replay.get("/settings"), "/settings");

    // Another user's session is untouched.
    expect((await bystanderBrowser.get("/dashboard")).status).toBe(200);

    // Old password out, new password in.
    const stored = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await bcrypt.compare(NEW_PASSWORD, stored.passwordHash)).toBe(true);
    const oldLogin = await login(browser(), email, password);
    expect(oldLogin.status).toBe(400);
    expect(errorsFor(await oldLogin.text(), "login")).toEqual([GENERIC_LOGIN_ERROR]);
    expect((await login(browser(), email, NEW_PASSWORD)).status).toBe(302);
  });

  it("refuses a cross-site password change POST (CSRF)", async () => {
    const { user, email, password } = await createAccount();
    const b = await loggedIn(email, password);
    const before = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    const res = await b.post(
      "/settings/password",
      { currentPassword: password, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
    );
    expect(res.status).toBe(403);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBe(before.passwordHash);
  });
});

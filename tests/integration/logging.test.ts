// Request logs follow every request but never carry secrets: passwords, reset tokens, session
// cookies, cookie/authorization header values or email bodies.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { uniqueEmail } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { START_TIMEOUT_MS, startServer, type TestServer } from "../helpers/production-server";

/** A Browser that remembers every request it made, and every cookie value it was given. */
class RecordingBrowser extends Browser {
  requests: { method: string; path: string }[] = [];
  cookieValues = new Set<string>();

  override async request(path: string, init: RequestInit = {}) {
    this.requests.push({ method: (init.method ?? "GET").toUpperCase(), path });
    const response = await super.request(path, init);
    for (const value of this.cookies.values()) this.cookieValues.add(value);
    return response;
  }
}

type LogLine = { level: number; msg: string; req?: { method: string; url: string }; res?: { statusCode: number } } & Record<string, unknown>;

function logLines(output: string): LogLine[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { LOG_LEVEL: "info" } });
}, START_TIMEOUT_MS + 30_000);
afterAll(async () => {
  await server?.stop();
  await prisma.$disconnect();
});

it("logs one line per request and no secrets through sign-up, login, reset, password change and logout", async () => {
  const unique = () => randomBytes(9).toString("base64url");
  const email = uniqueEmail("logging");
  const firstPassword = `first-pw-${unique()}`;
  const wrongPassword = `wrong-pw-${unique()}`;
  const resetPassword = `reset-pw-${unique()}`;
  const changedPassword = `changed-pw-${unique()}`;
  const bearer = `bearer-${unique()}`;
  const apiKey = `apikey-${unique()}`;
  const extraCookie = `cookie-${unique()}`;
  const sessionIds = new Set<string>();
  const rememberSessions = async () => {
    for (const s of await prisma.session.findMany({ select: { id: true } })) sessionIds.add(s.id);
  };

  const browser = new RecordingBrowser(server.url);
  const expectStatus = async (res: Response, status: number, location?: string) => {
    const body = await res.text();
    expect(res.status, body.slice(0, 500)).toBe(status);
    if (location) expect(res.headers.get("location")).toBe(location);
  };

  // Sign up.
  await expectStatus(await browser.get("/signup"), 200);
  await expectStatus(
    await browser.post("/signup", { businessName: "Log Plumbing", name: "Lou Logger", email, password: firstPassword, confirmPassword: firstPassword }),
    302,
    "/dashboard",
  );
  await rememberSessions();
  await expectStatus(await browser.get("/dashboard"), 200);
  await expectStatus(await browser.post("/logout", {}), 302, "/login");

  // Log in: wrong password, then the right one.
  await expectStatus(await browser.post("/login", { email, password: wrongPassword }), 400);
  await expectStatus(await browser.post("/login", { email, password: firstPassword }), 302, "/dashboard");
  await rememberSessions();
  // A request carrying credentials in headers a proxy or API client might add.
  await expectStatus(
    await browser.get("/dashboard", {
      Authorization: `Bearer ${bearer}`,
      "X-Api-Key": apiKey,
      Cookie: `${browser.cookieHeader()}; tracking=${extraCookie}`,
    }),
    200,
  );
  await expectStatus(await browser.post("/logout", {}), 302, "/login");

  // Forgot password: the email lands in the dev outbox (no Postmark token is set).
  await expectStatus(await browser.post("/forgot-password", { email }), 302, "/forgot-password?sent=1");
  await expectStatus(await browser.get("/forgot-password?sent=1"), 200);
  const message = await prisma.emailMessage.findFirstOrThrow({ where: { to: email, template: "password-reset" } });
  expect(message.transport).toBe("dev-outbox");
  const textBody = message.textBody!;
  expect(textBody).toBeTruthy();
  const resetUrl = /https?:\/\/\S*\/reset-password\?token=[^\s"<]+/.exec(textBody)?.[0];
  expect(resetUrl, textBody).toBeTruthy();
  const token = new URL(resetUrl!).searchParams.get("token")!;
  expect(token.length).toBeGreaterThanOrEqual(20);

  // Reset the password with the token.
  await expectStatus(await browser.get(`/reset-password?token=${encodeURIComponent(token)}`), 200);
  await expectStatus(await browser.post("/reset-password", { token, password: resetPassword, confirmPassword: resetPassword }), 302, "/login");
  await expectStatus(await browser.get("/login"), 200);

  // Log in with the new password and change it.
  await expectStatus(await browser.post("/login", { email, password: resetPassword }), 302, "/dashboard");
  await rememberSessions();
  await expectStatus(await browser.get("/settings/password"), 200);
  await expectStatus(
    await browser.post("/settings/password", { currentPassword: resetPassword, newPassword: changedPassword, confirmPassword: changedPassword }),
    302,
    "/settings",
  );
  await rememberSessions();
  await expectStatus(await browser.get("/settings"), 200);

  // Log out.
  await expectStatus(await browser.post("/logout", {}), 302, "/login");

  // pino writes each line when the response finishes; give the last one a moment to arrive.
  const expectedLines = browser.requests.length;
  const deadline = Date.now() + 5_000;
  let lines = logLines(server.output()).filter((l) => l.req && l.res);
  while (lines.length < expectedLines && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    lines = logLines(server.output()).filter((l) => l.req && l.res);
  }

  const output = server.output();
  expect(sessionIds.size).toBeGreaterThanOrEqual(3);
  expect(browser.cookieValues.size).toBeGreaterThanOrEqual(3);

  const secrets: [string, string][] = [
    ["first password", firstPassword],
    ["wrong password", wrongPassword],
    ["reset password", resetPassword],
    ["changed password", changedPassword],
    ["reset token", token],
    ["url-encoded reset token", encodeURIComponent(token)],
    ["reset url", resetUrl!],
    ["authorization header", bearer],
    ["x-api-key header", apiKey],
    ["extra cookie", extraCookie],
    ...[...browser.cookieValues].map((v): [string, string] => ["cookie value", v]),
    ...[...browser.cookieValues].map((v): [string, string] => ["decoded cookie value", decodeURIComponent(v)]),
    ...[...sessionIds].map((id): [string, string] => ["session id", id]),
  ];
  for (const [label, secret] of secrets) {
    expect(output.includes(secret), `${label} appears in the log`).toBe(false);
  }
  // The email body, or any substantial line of it.
  expect(output).not.toContain(textBody);
  for (const line of textBody
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length >= 20)) {
    expect(output.includes(line), `email line "${line}" appears in the log`).toBe(false);
  }
  if (message.htmlBody) expect(output).not.toContain(message.htmlBody);
  // No header dumps at all.
  expect(output).not.toMatch(/"(cookie|authorization|set-cookie|x-api-key)"\s*:\s*"(?!\[Redacted\])/i);
  expect(output).not.toMatch(/Bearer /);

  // Exactly one request line per request, in order, with method and path (query tokens masked).
  expect(lines.map((l) => `${l.req!.method} ${l.req!.url.split("?")[0]}`)).toEqual(browser.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`));
  const resetLine = lines.find((l) => l.req!.method === "GET" && l.req!.url.startsWith("/reset-password?"));
  expect(resetLine).toBeDefined();
  expect(new URLSearchParams(resetLine!.req!.url.split("?")[1]).get("token")).toBe("[Redacted]");
  for (const line of lines) {
    expect(typeof line.res!.statusCode).toBe("number");
    expect(Object.keys(line.req!).sort()).toEqual(["ip", "method", "url"]);
  }
  // The outbox delivery itself is logged, by id only.
  expect(logLines(output).some((l) => l.msg === "email stored in dev outbox" && l.emailId === message.id)).toBe(true);
  // ~20 requests, four of them bcrypt at cost 12: slow on a busy machine.
}, 180_000);

// Cross-site request forgery guard and form body limits on the production server.
// Cross-site POSTs are refused before any route code runs, so nothing is written; oversized,
// unframed and malformed bodies get a 4xx with a clear message, never a 500.
import http from "node:http";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { prisma } from "~/utils/db.server";
import { createAccount, uniqueEmail } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { START_TIMEOUT_MS, startServer, type TestServer } from "../helpers/production-server";

// Generous timeouts: these run against a spawned production server, often on a busy machine.
vi.setConfig({ testTimeout: 90_000 });

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
}, START_TIMEOUT_MS + 30_000);
afterAll(async () => {
  await server?.stop();
  await prisma.$disconnect();
});
// Every request that reaches an auth action counts against its per-IP rate limit; start each test fresh.
beforeEach(async () => {
  await prisma.rateLimitHit.deleteMany();
});

const EVIL = "https://evil.example";

async function counts() {
  const [users, businesses, sessions, rateLimitHits, emails, resetTokens] = await Promise.all([
    prisma.user.count(),
    prisma.business.count(),
    prisma.session.count(),
    prisma.rateLimitHit.count(),
    prisma.emailMessage.count(),
    prisma.passwordResetToken.count(),
  ]);
  return { users, businesses, sessions, rateLimitHits, emails, resetTokens };
}

/** Runs `fn` and asserts the database holds exactly the same rows afterwards. */
async function expectNothingWritten(fn: () => Promise<void>) {
  const before = await counts();
  await fn();
  expect(await counts()).toEqual(before);
}

function signupForm(email = uniqueEmail("csrf")) {
  return { businessName: "Evil Plumbing", name: "Eve", email, password: "a-long-enough-password", confirmPassword: "a-long-enough-password" };
}

async function loggedIn() {
  const { email, password, user } = await createAccount();
  const browser = new Browser(server.url);
  const res = await browser.post("/login", { email, password });
  expect(res.status).toBe(302);
  expect(browser.cookies.has("__session")).toBe(true);
  return { browser, user };
}

/** A raw HTTP/1.1 request, for framing that fetch will not produce (chunked bodies, lying lengths). */
function rawRequest(
  path: string,
  { method = "POST", headers = {}, chunks = [] as (string | Buffer)[] }: { method?: string; headers?: Record<string, string>; chunks?: (string | Buffer)[] },
) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, { method, headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe("cross-site request forgery guard", () => {
  it.each(["/login", "/signup", "/logout", "/forgot-password", "/reset-password"])("refuses a POST to %s with the Origin of another site", async (path) => {
    const { email, password } = await createAccount();
    await expectNothingWritten(async () => {
      const res = await new Browser(server.url).post(path, { ...signupForm(), email, password }, { Origin: EVIL, "Sec-Fetch-Site": "cross-site" });
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/forbidden/i);
      expect(res.headers.getSetCookie()).toEqual([]);
    });
  });

  it("refuses a cross-origin login even when Sec-Fetch-Site is missing (older browsers)", async () => {
    const { email, password } = await createAccount();
    await expectNothingWritten(async () => {
      const res = await new Browser(server.url).post("/login", { email, password }, { Origin: EVIL, "Sec-Fetch-Site": "" });
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie()).toEqual([]);
    });
  });

  it("refuses a cross-origin sign-up and creates no account", async () => {
    const form = signupForm();
    await expectNothingWritten(async () => {
      const res = await new Browser(server.url).post("/signup", form, { Origin: EVIL });
      expect(res.status).toBe(403);
    });
    expect(await prisma.user.findUnique({ where: { email: form.email } })).toBeNull();
  });

  it("refuses a cross-origin logout and keeps the session", async () => {
    const { browser, user } = await loggedIn();
    const sessionsBefore = await prisma.session.count({ where: { userId: user.id } });
    expect(sessionsBefore).toBe(1);
    await expectNothingWritten(async () => {
      const res = await browser.post("/logout", {}, { Origin: EVIL, "Sec-Fetch-Site": "cross-site" });
      expect(res.status).toBe(403);
    });
    expect(browser.cookies.has("__session")).toBe(true);
    expect((await browser.get("/dashboard")).status).toBe(200);
  });

  it.each(["cross-site", "same-site"])("refuses Sec-Fetch-Site: %s even with our own Origin", async (site) => {
    const { email, password } = await createAccount();
    await expectNothingWritten(async () => {
      const res = await new Browser(server.url).post("/login", { email, password }, { "Sec-Fetch-Site": site });
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/cross-site/i);
    });
  });

  it("refuses Origin: null (sandboxed frames, data: URLs)", async () => {
    const { email, password } = await createAccount();
    await expectNothingWritten(async () => {
      for (const path of ["/login", "/signup", "/logout"]) {
        const res = await new Browser(server.url).post(path, { ...signupForm(), email, password }, { Origin: "null", "Sec-Fetch-Site": "" });
        expect(res.status, path).toBe(403);
      }
    });
  });

  it.each([
    ["another scheme", (port: number) => `https://127.0.0.1:${port}`],
    ["another port", (port: number) => `http://127.0.0.1:${port + 1}`],
    ["another host", (port: number) => `http://localhost.evil.example:${port}`],
  ])("refuses an Origin on %s", async (_label, origin) => {
    const { email, password } = await createAccount();
    await expectNothingWritten(async () => {
      const res = await new Browser(server.url).post("/login", { email, password }, { Origin: origin(server.port), "Sec-Fetch-Site": "" });
      expect(res.status).toBe(403);
    });
  });

  it("answers 403, not Remix's 500, when our own Origin comes with another Host or X-Forwarded-Host (a proxy that drops them)", async () => {
    const { email, password } = await createAccount();
    const body = new URLSearchParams({ email, password }).toString();
    await expectNothingWritten(async () => {
      for (const headers of [{ Host: "app.internal:8080" }, { "X-Forwarded-Host": "app.internal" }] as Record<string, string>[]) {
        const res = await rawRequest("/login", {
          headers: { Origin: server.url, "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(body.length), ...headers },
          chunks: [body],
        });
        expect(res.status, JSON.stringify(headers)).toBe(403);
        expect(res.body).toMatch(/Host or X-Forwarded-Host/);
      }
    });
  });

  it("lets same-origin form posts through: sign-up, log in, log out", async () => {
    const form = signupForm();
    const browser = new Browser(server.url);
    const signup = await browser.post("/signup", form);
    expect(signup.status).toBe(302);
    expect(signup.headers.get("location")).toBe("/dashboard");
    expect(await prisma.user.findUnique({ where: { email: form.email } })).not.toBeNull();

    const logout = await browser.post("/logout", {});
    expect(logout.status).toBe(302);
    expect(browser.cookies.has("__session")).toBe(false);

    const login = await browser.post("/login", { email: form.email, password: form.password });
    expect(login.status).toBe(302);
    expect(login.headers.get("location")).toBe("/dashboard");
  });

  it("treats Sec-Fetch-Site: none (typed into the address bar) as same-origin", async () => {
    const { email, password } = await createAccount();
    const res = await new Browser(server.url).post("/login", { email, password }, { "Sec-Fetch-Site": "none" });
    expect(res.status).toBe(302);
  });

  it("does not block a POST with neither Origin nor Sec-Fetch-Site (a non-browser client)", async () => {
    const { email, password } = await createAccount();
    const ok = await fetch(`${server.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, password }),
    });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe("/dashboard");

    const wrong = await fetch(`${server.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, password: "not the password" }),
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("Invalid email or password");
  });

  it("leaves safe methods alone", async () => {
    const res = await new Browser(server.url).get("/login", { Origin: EVIL, "Sec-Fetch-Site": "cross-site" });
    expect(res.status).toBe(200);
    await res.text();
  });
});

describe("form body limits", () => {
  const padding = (bytes: number) => "x".repeat(bytes);

  it("refuses a urlencoded body over 64 KB with 413 and writes nothing", async () => {
    const form = { ...signupForm(), padding: padding(65 * 1024) };
    await expectNothingWritten(async () => {
      const res = await new Browser(server.url).post("/signup", form);
      expect(res.status).toBe(413);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(text).toMatch(/too large/i);
      expect(text).toContain("64 KB");
    });
    expect(await prisma.user.findUnique({ where: { email: form.email } })).toBeNull();

    const { email, password } = await createAccount();
    await expectNothingWritten(async () => {
      const res = await new Browser(server.url).post("/login", { email, password, padding: padding(100 * 1024) });
      expect(res.status).toBe(413);
    });
  });

  it("refuses on the declared Content-Length before reading the body", async () => {
    await expectNothingWritten(async () => {
      const res = await rawRequest("/login", {
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(10 * 1024 * 1024) },
        chunks: ["email=a%40b.c&password=x"],
      }).catch((error) => ({ status: -1, body: String(error) }));
      // The server answers 413 at once; it never waits for the 10 MB it was promised.
      expect(res.status).toBe(413);
    });
  });

  it("accepts a urlencoded body just under 64 KB", async () => {
    const { email, password } = await createAccount();
    const res = await new Browser(server.url).post("/login", { email, password, padding: padding(60 * 1024) });
    expect(res.status).toBe(302);
  });

  it("refuses a chunked body without Content-Length with 411 and writes nothing", async () => {
    const form = signupForm();
    await expectNothingWritten(async () => {
      const res = await rawRequest("/signup", {
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Transfer-Encoding": "chunked",
          Origin: server.url,
          "Sec-Fetch-Site": "same-origin",
        },
        chunks: [new URLSearchParams(form).toString().slice(0, 20), new URLSearchParams(form).toString().slice(20)],
      });
      expect(res.status).toBe(411);
      expect(res.body).toMatch(/length required/i);
    });
    expect(await prisma.user.findUnique({ where: { email: form.email } })).toBeNull();
  });

  it("refuses a streamed fetch body (chunked) with 411", async () => {
    const { email, password } = await createAccount();
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(new URLSearchParams({ email, password }).toString()));
        controller.close();
      },
    });
    await expectNothingWritten(async () => {
      const res = await fetch(`${server.url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url, "Sec-Fetch-Site": "same-origin" },
        body,
        duplex: "half",
      } as RequestInit & { duplex: "half" });
      expect(res.status).toBe(411);
      await res.text();
    });
  });
});

describe("malformed bodies", () => {
  const garbage = randomBytes(4096);
  const browserHeaders = () => ({ Origin: server.url, "Sec-Fetch-Site": "same-origin" });

  const cases: [string, Record<string, string>, BodyInit | undefined][] = [
    ["garbage bytes as urlencoded", { "Content-Type": "application/x-www-form-urlencoded" }, garbage],
    ["garbage bytes as multipart", { "Content-Type": "multipart/form-data; boundary=----x1234567890" }, garbage],
    [
      "a truncated multipart body",
      { "Content-Type": "multipart/form-data; boundary=XyZ" },
      '--XyZ\r\nContent-Disposition: form-data; name="email"\r\n\r\npat@exa',
    ],
    ["multipart without a boundary", { "Content-Type": "multipart/form-data" }, "email=a%40b.c&password=x"],
    ["JSON", { "Content-Type": "application/json" }, JSON.stringify({ email: "pat@example.com", password: "x" })],
    ["broken JSON", { "Content-Type": "application/json" }, '{"email": "pat@ex'],
    ["text/plain", { "Content-Type": "text/plain" }, "email=pat@example.com\r\npassword=x"],
    ["application/octet-stream", { "Content-Type": "application/octet-stream" }, garbage],
    ["XML", { "Content-Type": "application/xml" }, "<login><email>pat@example.com</email></login>"],
    ["no content type", {}, garbage],
    ["no content type and no body", {}, undefined],
    ["a nonsense content type", { "Content-Type": ";;;==" }, "email=a"],
    ["invalid percent-encoding", { "Content-Type": "application/x-www-form-urlencoded" }, "email=%E0%A4%A&password=%%%&%00=%ZZ"],
    ["an empty urlencoded body", { "Content-Type": "application/x-www-form-urlencoded" }, ""],
  ];

  for (const path of ["/login", "/signup"]) {
    it.each(cases)(`${path}: %s gets a 4xx, never a 500, and writes no account or session`, async (_label, headers, body) => {
      const before = await counts();
      const res = await fetch(`${server.url}${path}`, { method: "POST", redirect: "manual", headers: { ...browserHeaders(), ...headers }, body });
      const text = await res.text();
      expect(res.status, text.slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(res.status, text.slice(0, 300)).toBeLessThan(500);
      const after = await counts();
      expect({ ...after, rateLimitHits: 0 }).toEqual({ ...before, rateLimitHits: 0 });
    });
  }

  it("answers 4xx, not 500, to a garbage body on a client-side (?_data) submission", async () => {
    for (const path of ["/login?_data=routes%2Flogin", "/signup?_data=routes%2Fsignup"]) {
      const res = await fetch(`${server.url}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { ...browserHeaders(), "Content-Type": "multipart/form-data; boundary=----x1234567890" },
        body: garbage,
      });
      await res.text();
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
  });

  it("answers 415 with a clear message for a content type forms never use", async () => {
    const res = await fetch(`${server.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { ...browserHeaders(), "Content-Type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(415);
    expect(await res.text()).toMatch(/application\/x-www-form-urlencoded/);
  });

  it("keeps serving normally afterwards", async () => {
    let res = await fetch(`${server.url}/health`);
    for (let i = 0; i < 10 && res.status !== 200; i++) {
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 1_000));
      res = await fetch(`${server.url}/health`);
    }
    expect(res.status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    const serverErrors = server
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { req?: { method: string; url: string }; res?: { statusCode: number } })
      .filter((l) => l.req && l.req.url !== "/health" && (l.res?.statusCode ?? 0) >= 500);
    expect(serverErrors).toEqual([]);
  });
});

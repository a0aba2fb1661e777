// Settings → Signed-in devices over real HTTP: the user's browsers and mobile app sign-ins are listed
// (session ids never appear in the page), each can be signed out, "everywhere else" keeps only this
// browser, and another user's sessions or apps cannot be touched.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { issueTokens } from "~/models/api-token.server";
import { prisma } from "~/utils/db.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { inputValues, visibleHtml } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

// Tokens issued in this process must verify on the server: both use this secret.
const JWT_SECRET = vi.hoisted(() => {
  const secret = `devices-${crypto.randomUUID()}-${crypto.randomUUID()}`;
  process.env.JWT_SECRET = secret;
  return secret;
});

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer({ WORKER_IN_PROCESS: "false", JWT_SECRET });
});
afterAll(() => server?.stop());

const me = (b: Browser) => b.get("/settings/devices");
const api = (token: string) => fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
const handles = (html: string) => inputValues(html, "id");

async function login(account: Awaited<ReturnType<typeof createAccount>>, userAgent: string) {
  const browser = new Browser(server.url, { "User-Agent": userAgent });
  expect((await browser.post("/login", { email: account.email, password: account.password })).status).toBe(302);
  return browser;
}

it("lists this user's browsers and apps, without session ids, and signs one app out at once", async () => {
  const account = await createAccount();
  const laptop = await login(account, "Laptop Firefox 1.0");
  await login(account, "Shared Library PC");
  const phone = await issueTokens(account.user, { userAgent: "InvoiceLink-iOS/3.2", ip: "198.51.100.7" });
  const other = await createAccount();
  await login(other, "Someone Else's Browser");

  const res = await me(laptop);
  expect(res.status).toBe(200);
  const html = await res.text();
  const text = visibleHtml(html);
  expect(text).toContain("Laptop Firefox 1.0");
  expect(text).toContain("(this browser)");
  expect(text).toContain("Shared Library PC");
  expect(text).toContain("InvoiceLink-iOS/3.2");
  expect(text).not.toContain("Someone Else's Browser");
  const sessions = await prisma.session.findMany({ where: { userId: account.user.id }, select: { id: true } });
  for (const s of sessions) expect(html).not.toContain(s.id);

  const family = await prisma.refreshTokenFamily.findFirstOrThrow({ where: { userId: account.user.id } });
  expect((await api(phone.accessToken)).status).toBe(200);
  const out = await laptop.post("/settings/devices", { intent: "sign-out-app", id: family.id });
  expect(out.status).toBe(302);
  expect((await api(phone.accessToken)).status).toBe(401);
  expect(visibleHtml(await (await me(laptop)).text())).toContain("No app is signed in.");
});

it("signs out another browser by its handle; signing out this browser logs out", async () => {
  const account = await createAccount();
  const laptop = await login(account, "Laptop");
  const library = await login(account, "Library");
  const html = await (await me(laptop)).text();
  const libraryHandle = handles(html)[html.indexOf("Library") < html.indexOf("Laptop") ? 0 : 1];
  expect((await laptop.post("/settings/devices", { intent: "sign-out-browser", id: libraryHandle })).status).toBe(302);
  expect((await library.get("/dashboard")).status).toBe(302);
  expect((await laptop.get("/dashboard")).status).toBe(200);
  expect((await laptop.post("/settings/devices", { intent: "sign-out-browser", id: libraryHandle })).status).toBe(404);

  const own = handles(await (await me(laptop)).text());
  expect(own).toHaveLength(1);
  const self = await laptop.post("/settings/devices", { intent: "sign-out-browser", id: own[0] });
  expect(self.status).toBe(302);
  expect(self.headers.get("location")).toBe("/login");
  expect((await laptop.get("/dashboard")).status).toBe(302);
});

it("'everywhere else' keeps only this browser; another user's ids change nothing", async () => {
  const account = await createAccount();
  const victim = await createAccount();
  const laptop = await login(account, "Laptop");
  await login(account, "Phone browser");
  const app = await issueTokens(account.user, { userAgent: "InvoiceLink-Android" });
  const victimBrowser = await signedInBrowser(server, victim.user);
  const victimApp = await issueTokens(victim.user, { userAgent: "Victim app" });
  const victimFamily = await prisma.refreshTokenFamily.findFirstOrThrow({ where: { userId: victim.user.id } });
  const victimHandles = handles(await (await me(victimBrowser)).text());

  // Someone else's app id and browser handle: 404, nothing ends.
  expect((await laptop.post("/settings/devices", { intent: "sign-out-app", id: victimFamily.id })).status).toBe(404);
  expect((await laptop.post("/settings/devices", { intent: "sign-out-browser", id: victimHandles[0] })).status).toBe(404);
  expect((await laptop.post("/settings/devices", { intent: "sign-out-browser", id: "<script>" })).status).toBe(400);
  expect((await api(victimApp.accessToken)).status).toBe(200);
  expect((await victimBrowser.get("/dashboard")).status).toBe(200);

  const res = await laptop.post("/settings/devices", { intent: "sign-out-others" });
  expect(res.status).toBe(302);
  expect(await prisma.session.count({ where: { userId: account.user.id } })).toBe(1);
  expect(await prisma.refreshTokenFamily.count({ where: { userId: account.user.id } })).toBe(0);
  expect((await api(app.accessToken)).status).toBe(401);
  expect((await laptop.get("/dashboard")).status).toBe(200);
  expect((await api(victimApp.accessToken)).status).toBe(200);
  expect((await victimBrowser.get("/dashboard")).status).toBe(200);
});

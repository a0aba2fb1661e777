import { afterAll, beforeAll, expect, it } from "vitest";
import { createAccount } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/production-server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

it("logs in over HTTP against the production build", async () => {
  const { email, password } = await createAccount();
  const browser = new Browser(server.url);
  const res = await browser.post("/login", { email, password });
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toBe("/dashboard");
  const dash = await browser.get("/dashboard");
  expect(dash.status).toBe(200);
});

import { afterAll, beforeAll, expect, it } from "vitest";
import { Browser } from "../helpers/http";
import { createUser } from "../helpers/fixtures";
import { startServer, type TestServer } from "../helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

it("logs in over HTTP against the production build", async () => {
  const { email, password } = await createUser();
  const browser = new Browser(server.url);
  const res = await browser.post("/login", { email, password });
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toBe("/dashboard");
  const dash = await browser.get("/dashboard");
  expect(dash.status).toBe(200);
});

// Scanners ask for /.env, /.git/config and /wp-login.php by the thousand. Each is a 404: logged at info,
// never as an "unhandled error", and never sent to Sentry, so a scan can neither flood the error log nor
// use up the crash-reporting quota (issue 15, item 11).
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeSentry, type FakeSentry } from "../fakes/sentry";
import { START_TIMEOUT_MS, startServer, type TestServer } from "../helpers/production-server";

let server: TestServer;
let sentry: FakeSentry;

beforeAll(async () => {
  sentry = await startFakeSentry();
  server = await startServer({ env: { LOG_LEVEL: "info", SENTRY_DSN: sentry.dsn } });
}, START_TIMEOUT_MS + 30_000);
afterAll(async () => {
  await server?.stop();
  await sentry?.stop();
});

type LogLine = { level: number; msg: string } & Record<string, unknown>;

it("answers scanner paths with 404 at info level, and reports nothing to Sentry", async () => {
  const paths = ["/.env", "/.git/config", "/wp-login.php", "/admin/.env?x=1", "/invoices/not-a-real-id", "/api/v1/nothing-here"];
  for (const path of paths) {
    for (const method of ["GET", "POST"]) {
      const res = await fetch(`${server.url}${path}`, { method, redirect: "manual" });
      await res.arrayBuffer();
      // Signed-out app pages redirect to sign-in; everything else is a plain 404 (a POST may be 404 or 405).
      expect([302, 303, 404, 405], `${method} ${path}`).toContain(res.status);
    }
  }
  await new Promise((r) => setTimeout(r, 2_000));
  const lines = server
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as LogLine);
  const loud = lines.filter((l) => l.level >= 40);
  expect(loud, JSON.stringify(loud.slice(0, 3))).toEqual([]);
  expect(server.output()).not.toContain("[object Object]");
  expect(server.output()).not.toContain("unhandled error");
  expect(lines.some((l) => l.msg === "request refused" && l.status === 404)).toBe(true);
  expect(sentry.events()).toEqual([]);
}, 60_000);

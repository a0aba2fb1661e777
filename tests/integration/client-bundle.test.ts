// What phones download (issue 17): zod and the form schemas stay on the server, and pages that work fully
// as HTML (the login, the dashboard) load no JavaScript at all. Reads the browser build of the test run
// (BUILD_DIR, built by scripts/test.ts) and renders the two pages on the production server.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import { attributesAt } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

const PUBLIC_DIR = path.resolve(import.meta.dirname, "../..", process.env.BUILD_DIR ?? "build", "public");

function browserChunks() {
  return readdirSync(PUBLIC_DIR, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".js"))
    .map((file) => ({ file, source: readFileSync(path.join(PUBLIC_DIR, file), "utf8") }));
}

describe("the browser build", () => {
  it("has no zod and no form schema in any chunk", () => {
    const chunks = browserChunks();
    expect(chunks.length).toBeGreaterThan(10);
    // "$ZodType" and "ZodError" name zod's own classes (kept as strings by the minifier); the messages come
    // from the form schemas (app/utils/schemas.ts, app/routes/_auth+/__forms.server.ts).
    const markers = ["$ZodType", "ZodError", "Use at least 8 characters", "Passwords do not match"];
    const found = chunks.flatMap(({ file, source }) => markers.filter((m) => source.includes(m)).map((m) => `${file}: ${m}`));
    expect(found).toEqual([]);
  });
});

describe("pages that work fully as HTML", () => {
  let server: AppServer;
  beforeAll(async () => {
    server = await startAppServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("the login page has no script, and keeps its fields' HTML constraints", async () => {
    const html = await (await fetch(`${server.url}/login`)).text();
    expect(html).not.toMatch(/<script|rel="modulepreload"/);
    expect(attributesAt(html, 'input[name="email"]', "required")).toEqual([""]);
    expect(attributesAt(html, 'input[name="password"]', "required")).toEqual([""]);
  });

  it("the dashboard has no script", async () => {
    const { user } = await createAccount();
    const browser = await signedInBrowser(server, user);
    const response = await browser.get("/dashboard");
    expect(response.status).toBe(200);
    expect(await response.text()).not.toMatch(/<script|rel="modulepreload"/);
  });

  it("a page that keeps JavaScript still has its form constraints in the markup (sign up)", async () => {
    const html = await (await fetch(`${server.url}/signup`)).text();
    expect(html).toMatch(/<script/);
    expect(attributesAt(html, 'input[name="businessName"]', "required")).toEqual([""]);
    expect(attributesAt(html, 'input[name="email"]', "required")).toEqual([""]);
  });
});

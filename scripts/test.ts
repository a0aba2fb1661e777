// npm test: every test on a real Postgres. Finds (or installs) the browser for the end-to-end tests,
// finds or starts Postgres, builds a migrated template database, builds the app, then runs Vitest
// (unit + integration) and Playwright (JS on and off). It does its own set-up so that the README's
// `npm install && npm test` works on a fresh machine, and it never reports green without the e2e tests
// unless asked to leave them out.
// Flags: --no-e2e, --no-vitest; other arguments are file filters (for Vitest, or with --no-vitest for Playwright).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ensureBrowser, systemProbes } from "./lib/browser";
import { cloneTemplate, createTemplate, dropDatabase, resolveTestServer, withAdmin } from "./lib/test-database";

const ROOT = path.resolve(import.meta.dirname, "..");
// Each run builds and reports into its own folder, so concurrent runs never share a build.
const OUT = path.join(ROOT, "tests/.tmp", `run-${process.pid}`);
const args = process.argv.slice(2);
const runE2E = !args.includes("--no-e2e");
const runVitest = !args.includes("--no-vitest");
const filters = args.filter((a) => !a.startsWith("--no-"));
// Filters go to Vitest; with --no-vitest they pick Playwright spec files instead.
const willRunE2E = runE2E && (filters.length === 0 || !runVitest);
const log = (line: string) => console.log(`[test] ${line}`);

const BUILD_DIR = path.join(OUT, "build");

function run(command: string, commandArgs: string[], env: Record<string, string> = {}) {
  const result = spawnSync(command, commandArgs, { cwd: ROOT, stdio: "inherit", env: { ...process.env, BUILD_DIR, ...env } });
  return result.status ?? 1;
}

// The browser first: a machine that cannot run the e2e tests learns it in seconds, not after Vitest.
let chromiumPath: string | null = null;
if (willRunE2E) {
  const browser = await ensureBrowser(systemProbes(log, ROOT));
  if (!browser.ok) {
    console.error(`[test] ${browser.message}`);
    process.exit(1);
  }
  chromiumPath = browser.path;
  if (browser.installed) log(`Chromium ready: ${chromiumPath}`);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const server = await resolveTestServer(log);
let exitCode = 0;
const totals = { passed: 0, failed: 0, skipped: 0 };
try {
  log(`Postgres: ${new URL(server.url).host}${server.embedded ? " (embedded)" : ""}`);
  await createTemplate(server.url);
  log("migrated template database ready");

  const node = process.execPath;
  if (run(node, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"], { NODE_ENV: "production" }) !== 0) {
    throw new Error("remix build failed");
  }
  // server.ts and the worker compiled as production runs them (node build/server.js, no TypeScript loader).
  if (run(node, ["--import", "tsx", path.join(ROOT, "scripts/build-server.ts")], { NODE_ENV: "production" }) !== 0) {
    throw new Error("compiling server.ts failed");
  }

  if (runVitest) {
    const vitestJson = path.join(OUT, "vitest.json");
    const code = run(
      node,
      [path.join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`, ...filters],
      {
        TEST_PG_ADMIN_URL: server.url,
        TEST_RUN_ID: String(process.pid),
      },
    );
    if (existsSync(vitestJson)) {
      const report = JSON.parse(readFileSync(vitestJson, "utf8"));
      totals.passed += report.numPassedTests ?? 0;
      totals.failed += report.numFailedTests || (report.numFailedTestSuites ? 1 : 0);
      totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    } else if (code !== 0) totals.failed += 1;
    if (code !== 0) exitCode = code;
  }

  if (willRunE2E && chromiumPath) {
    const e2eUrl = await cloneTemplate(server.url, `invoice_link_e2e_${process.pid}`);
    const pwJson = path.join(OUT, "playwright.json");
    const code = run(node, [path.join(ROOT, "node_modules/@playwright/test/cli.js"), "test", ...(runVitest ? [] : filters)], {
      E2E_DATABASE_URL: e2eUrl,
      E2E_CHROMIUM_PATH: chromiumPath,
      PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1",
      PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
      E2E_OUTPUT_DIR: path.join(OUT, "playwright"),
    });
    if (existsSync(pwJson)) {
      const stats = JSON.parse(readFileSync(pwJson, "utf8")).stats ?? {};
      totals.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
      totals.failed += stats.unexpected ?? 0;
      totals.skipped += stats.skipped ?? 0;
    } else if (code !== 0) totals.failed += 1;
    if (code !== 0) exitCode = code;
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  // Drop the databases this run cloned (per test file and for Playwright).
  const names = await withAdmin(server.url, (c) =>
    c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2", [
      `invoice_link_test_${process.pid}_%`,
      `invoice_link_e2e_${process.pid}`,
    ]),
  ).catch(() => ({ rows: [] as { datname: string }[] }));
  for (const { datname } of names.rows) await dropDatabase(server.url, datname).catch(() => {});
  await server.stop();
  rmSync(BUILD_DIR, { recursive: true, force: true });
}
// Say so when a green line does not include the browser tests.
const e2eNote = willRunE2E ? "" : runE2E ? " (end-to-end tests not run: the filters pick Vitest files)" : " (end-to-end tests left out: --no-e2e)";
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped${e2eNote}`);
process.exit(exitCode || (totals.failed > 0 ? 1 : 0));

// End-to-end tests in a real browser against the PRODUCTION build (server.ts + `remix build` output),
// once with JavaScript on and once with it off. `npm test` (scripts/test.ts) builds the app, creates a
// freshly migrated database and passes its URL as E2E_DATABASE_URL.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS } from "./scripts/lib/browser";

const databaseUrl = process.env.E2E_DATABASE_URL;
if (!databaseUrl) {
  throw new Error(
    "E2E_DATABASE_URL is not set. Run the end-to-end tests through `npx tsx scripts/test.ts --no-vitest` " +
      "(it builds the app and creates a migrated database), or set E2E_DATABASE_URL to a migrated, disposable database.",
  );
}

const PORT = Number(process.env.E2E_PORT ?? 3111);
// The compiled server of the run's build (scripts/build-server.ts), as production runs it; server.ts from source otherwise.
const compiledServer = process.env.BUILD_DIR ? path.resolve(process.env.BUILD_DIR, "server.js") : "";
const serverCommand = compiledServer && existsSync(compiledServer) ? `node ${JSON.stringify(compiledServer)}` : "node --import tsx server.ts";
const BASE_URL = `http://127.0.0.1:${PORT}`;
const strongSecret = () => randomBytes(32).toString("base64url");

// The Stripe and PayPal fakes (tests/fakes/serve.ts) run beside the app; keys are per run.
const FAKE_STRIPE_PORT = Number(process.env.E2E_FAKE_STRIPE_PORT ?? PORT + 1);
const FAKE_PAYPAL_PORT = Number(process.env.E2E_FAKE_PAYPAL_PORT ?? PORT + 2);
const providerEnv = {
  STRIPE_SECRET_KEY: `sk_test_${randomBytes(12).toString("hex")}`,
  STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString("hex")}`,
  PAYPAL_CLIENT_ID: `e2e-client-${randomBytes(6).toString("hex")}`,
  PAYPAL_CLIENT_SECRET: randomBytes(24).toString("hex"),
  PAYPAL_WEBHOOK_ID: `WH${randomBytes(8).toString("hex").toUpperCase()}`,
  // PayPal partner mode: each business connects its own PayPal account (tests/e2e/paypal.spec.ts).
  PAYPAL_PARTNER_MERCHANT_ID: "E2EPARTNER001",
  PAYPAL_PARTNER_ATTRIBUTION_ID: "InvoiceLink_E2E",
};

// scripts/test.ts finds or installs the browser (scripts/lib/browser.ts) and passes it as E2E_CHROMIUM_PATH;
// run directly, Playwright uses Debian's chromium.
const chromium = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: process.env.E2E_CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  },
};

export default defineConfig({
  testDir: "tests/e2e",
  // Not under tests/.tmp: scripts/test.ts empties that folder when it starts, and another run may start meanwhile.
  outputDir: process.env.E2E_OUTPUT_DIR ?? "test-results/e2e",
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  // Generous: bcrypt at cost 12 on a 2-core machine shared with the server and the browsers.
  timeout: 180_000,
  expect: { timeout: 20_000 },
  reporter: [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME || path.join("tests", ".tmp", "playwright.json") }]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "js-on", use: { ...chromium, javaScriptEnabled: true } },
    { name: "js-off", use: { ...chromium, javaScriptEnabled: false } },
  ],
  webServer: [
    {
      command: "node --import tsx tests/fakes/serve.ts",
      port: FAKE_STRIPE_PORT,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        ...providerEnv,
        FAKE_STRIPE_PORT: String(FAKE_STRIPE_PORT),
        FAKE_PAYPAL_PORT: String(FAKE_PAYPAL_PORT),
        FAKES_APP_URL: BASE_URL,
      },
    },
    {
      command: serverCommand,
      url: `${BASE_URL}/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: String(PORT),
        APP_URL: BASE_URL,
        DATABASE_URL: databaseUrl,
        SESSION_SECRET: strongSecret(),
        PAY_LINK_SECRET: strongSecret(),
        JWT_SECRET: strongSecret(),
        SECURITY_CONTACT: "mailto:security@invoice-link-tests.dev",
        LOG_LEVEL: "warn",
        // Empty values win over a developer's .env (dotenv never overrides): email stays in the dev
        // outbox, nothing reports to Sentry, and req.ip is the socket address.
        POSTMARK_SERVER_TOKEN: "",
        POSTMARK_API_URL: "",
        EMAIL_TRANSPORT: "outbox",
        WORKER_CRONTAB: "false",
        SENTRY_DSN: "",
        TRUST_PROXY: "",
        ...providerEnv,
        STRIPE_API_URL: `http://127.0.0.1:${FAKE_STRIPE_PORT}`,
        // Invoice Link's own plans (the fake's default prices): new accounts are in their 14-day trial, so the
        // other specs are never blocked; billing.spec.ts ends a trial by moving the business's createdAt.
        STRIPE_PRICE_MONTHLY: "price_monthly_test",
        STRIPE_PRICE_YEARLY: "price_yearly_test",
        PAYPAL_API_URL: `http://127.0.0.1:${FAKE_PAYPAL_PORT}`,
      },
    },
  ],
});

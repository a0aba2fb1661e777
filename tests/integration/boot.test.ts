// Production boot refuses weak or missing secrets before it opens its port; development boots
// without any secrets.
import { randomBytes } from "node:crypto";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { freePort, productionEnv, runServerExpectingExit, startServer, strongSecret } from "../helpers/production-server";

// Every case spawns a server; on a busy machine tsx alone can take many seconds to start one.
const SLOW = 300_000;

/** Resolves true when something accepts a TCP connection on the port, false when it is refused. */
function portIsOpen(port: number) {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.setTimeout(1_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Runs the server with `overrides` on a free port, probing the port the whole time it runs. */
async function bootExpectingRefusal(overrides: Record<string, string | undefined>) {
  const port = await freePort();
  let running = true;
  let probes = 0;
  let opened = false;
  const probing = (async () => {
    while (running) {
      probes++;
      if (await portIsOpen(port)) opened = true;
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  const result = await runServerExpectingExit(productionEnv(port, overrides), 90_000).finally(() => {
    running = false;
  });
  await probing;
  const openAfterExit = await portIsOpen(port);
  return { ...result, port, probes, opened: opened || openAfterExit };
}

/** /health until it answers 200 (the first query opens the pool, which is slow on a loaded machine). */
async function healthyEventually(url: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last: { status: number; body: unknown } = { status: 0, body: null };
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/health`);
    last = { status: res.status, body: await res.json() };
    if (last.status === 200) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return last;
}

const placeholder = `changeme${randomBytes(24).toString("base64url")}`.slice(0, 40);

describe("production boot refuses weak secrets", () => {
  const cases: [string, Record<string, string | undefined>, RegExp, string?][] = [
    ["a missing SESSION_SECRET", { SESSION_SECRET: undefined }, /SESSION_SECRET is missing/],
    ["an empty SESSION_SECRET", { SESSION_SECRET: "   " }, /SESSION_SECRET is missing/],
    ["a short SESSION_SECRET", { SESSION_SECRET: "Zq8#kL2!vR5@" }, /SESSION_SECRET is shorter than 32 bytes/, "Zq8#kL2!vR5@"],
    ["a placeholder SESSION_SECRET padded to 40 characters", { SESSION_SECRET: placeholder }, /SESSION_SECRET looks like a placeholder/, placeholder],
    ["a low-entropy SESSION_SECRET", { SESSION_SECRET: "a".repeat(64) }, /SESSION_SECRET repeats too few distinct characters/, "a".repeat(64)],
    [
      "a weak entry in a comma-separated SESSION_SECRET list",
      { SESSION_SECRET: `${strongSecret()},${"password".repeat(5)}` },
      /SESSION_SECRET \(entry 2\) looks like a placeholder/,
      "password".repeat(5),
    ],
    ["a weak PAY_LINK_SECRET", { PAY_LINK_SECRET: "0123456789012345678901234567890123456789" }, /PAY_LINK_SECRET .*(randomness|distinct)/],
    ["a missing PAY_LINK_SECRET", { PAY_LINK_SECRET: undefined }, /PAY_LINK_SECRET is missing/],
    [
      "a weak JWT_SECRET",
      { JWT_SECRET: "my-jwt-secret-for-invoice-link-2024-prod" },
      /JWT_SECRET looks like a placeholder/,
      "my-jwt-secret-for-invoice-link-2024-prod",
    ],
    ["a short JWT_SECRET", { JWT_SECRET: randomBytes(8).toString("hex") }, /JWT_SECRET is shorter than 32 bytes/],
    ["a missing APP_URL", { APP_URL: undefined }, /APP_URL is missing/],
    ["no Postmark token (and no explicit outbox)", { EMAIL_TRANSPORT: undefined, POSTMARK_SERVER_TOKEN: undefined }, /POSTMARK_SERVER_TOKEN is missing/],
    [
      "a Postmark token without webhook credentials",
      { EMAIL_TRANSPORT: undefined, POSTMARK_SERVER_TOKEN: "pm-token", POSTMARK_WEBHOOK_USER: undefined, POSTMARK_WEBHOOK_PASSWORD: undefined },
      /POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD are required/,
    ],
    [
      "a Stripe key without its webhook secret",
      { STRIPE_SECRET_KEY: "sk_live_abc123", STRIPE_WEBHOOK_SECRET: undefined },
      /STRIPE_WEBHOOK_SECRET \(whsec_…\) is required/,
    ],
    [
      "a PayPal API address that is not PayPal's",
      { PAYPAL_API_URL: "https://paypal.example.com", PAYPAL_CLIENT_ID: "a", PAYPAL_CLIENT_SECRET: "b", PAYPAL_WEBHOOK_ID: "c" },
      /PAYPAL_API_URL must be an https:\/\/\*\.paypal\.com address/,
    ],
  ];

  it.each(cases)(
    "refuses %s: non-zero exit, names the variable, never opens the port",
    async (_label, overrides, message, secretValue) => {
      const { code, output, opened, probes } = await bootExpectingRefusal(overrides);
      expect(code, output).not.toBe(0);
      expect(code, output).not.toBeNull();
      expect(output).toContain("Invoice Link refuses to start");
      expect(output).toMatch(message);
      expect(output).not.toContain("listening on");
      expect(probes).toBeGreaterThan(0);
      expect(opened).toBe(false);
      // The refusal names the variable but never echoes the secret itself.
      if (secretValue) expect(output).not.toContain(secretValue);
    },
    SLOW,
  );

  it(
    "names only the variables that are wrong",
    async () => {
      const { code, output } = await bootExpectingRefusal({ JWT_SECRET: "b".repeat(48) });
      expect(code).not.toBe(0);
      expect(output).toMatch(/JWT_SECRET/);
      expect(output).not.toMatch(/SESSION_SECRET|PAY_LINK_SECRET/);
    },
    SLOW,
  );

  it(
    "lists every problem at once",
    async () => {
      const { code, output } = await bootExpectingRefusal({ SESSION_SECRET: undefined, PAY_LINK_SECRET: "short", JWT_SECRET: "c".repeat(64) });
      expect(code).not.toBe(0);
      expect(output).toMatch(/SESSION_SECRET is missing/);
      expect(output).toMatch(/PAY_LINK_SECRET is shorter than 32 bytes/);
      expect(output).toMatch(/JWT_SECRET repeats too few distinct characters/);
    },
    SLOW,
  );
});

describe("boots that succeed", () => {
  it(
    "production boots with strong secrets, including a rotated SESSION_SECRET list",
    async () => {
      const server = await startServer({ env: { SESSION_SECRET: `${strongSecret()},${randomBytes(32).toString("hex")}` } });
      try {
        expect(await portIsOpen(server.port)).toBe(true);
        const health = await healthyEventually(server.url);
        expect(health.status).toBe(200);
        expect(health.body).toMatchObject({ db: "ok" });
      } finally {
        await server.stop();
      }
    },
    SLOW,
  );

  it(
    "development boots with no secrets at all",
    async () => {
      const server = await startServer({
        env: { NODE_ENV: "development", SESSION_SECRET: undefined, PAY_LINK_SECRET: undefined, JWT_SECRET: undefined, APP_URL: undefined },
      });
      try {
        expect(server.output()).not.toContain("refuses to start");
        const health = await healthyEventually(server.url);
        expect(health.status).toBe(200);
        expect(health.body).toMatchObject({ db: "ok" });
        const login = await fetch(`${server.url}/login`);
        expect(login.status).toBe(200);
        await login.text();
      } finally {
        await server.stop();
      }
      expect(server.child.exitCode).toBe(0);
    },
    SLOW,
  );
});

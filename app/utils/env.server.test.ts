import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseEnv, weakSecretReason } from "./env.server";

const strong = () => randomBytes(32).toString("base64");

describe("weakSecretReason", () => {
  it("accepts 32 random bytes in base64, base64url or hex", () => {
    expect(weakSecretReason(randomBytes(32).toString("base64"))).toBeNull();
    expect(weakSecretReason(randomBytes(32).toString("base64url"))).toBeNull();
    expect(weakSecretReason(randomBytes(32).toString("hex"))).toBeNull();
  });

  it("rejects missing, short, repetitive and placeholder secrets", () => {
    expect(weakSecretReason(undefined)).toMatch(/missing/);
    // 16 random bytes in hex (128 bits), written out: a random one has fewer than 12 distinct digits now and then.
    expect(weakSecretReason("9f3c1a7e5b2d8046f1e9a3c7b5d20864")).toMatch(/256 bits/);
    expect(weakSecretReason("a".repeat(64))).toMatch(/distinct/);
    expect(weakSecretReason(`change-me-${randomBytes(32).toString("hex")}`)).toMatch(/placeholder/);
    expect(weakSecretReason("abababababababababababababababababababab")).not.toBeNull();
  });
});

describe("parseEnv", () => {
  const base = { DATABASE_URL: "postgresql://localhost/x" };

  it("fills development defaults", () => {
    const env = parseEnv({ ...base, NODE_ENV: "development" });
    expect(env.isProduction).toBe(false);
    expect(env.SESSION_SECRETS.length).toBe(1);
  });

  it("refuses production without strong secrets and names each problem", () => {
    expect(() => parseEnv({ ...base, NODE_ENV: "production", SESSION_SECRET: "short", APP_URL: "https://x.test" })).toThrow(
      /SESSION_SECRET is shorter than 32 bytes[\s\S]*PAY_LINK_SECRET is missing[\s\S]*JWT_SECRET is missing/,
    );
  });

  it("accepts a comma-separated list of session secrets in production, checking each", () => {
    const ok = {
      ...base,
      NODE_ENV: "production",
      APP_URL: "https://x.test",
      PAY_LINK_SECRET: strong(),
      JWT_SECRET: strong(),
      EMAIL_TRANSPORT: "outbox",
      SECURITY_CONTACT: "security@x.dev",
    };
    const env = parseEnv({ ...ok, SESSION_SECRET: `${strong()},${strong()}` });
    expect(env.SESSION_SECRETS).toHaveLength(2);
    expect(() => parseEnv({ ...ok, SESSION_SECRET: `${strong()},weak` })).toThrow(/SESSION_SECRET \(entry 2\)/);
  });

  it("requires a Postmark token and webhook credentials in production unless email stays in the outbox", () => {
    const ok = {
      ...base,
      NODE_ENV: "production",
      APP_URL: "https://x.test",
      SESSION_SECRET: strong(),
      PAY_LINK_SECRET: strong(),
      JWT_SECRET: strong(),
      SECURITY_CONTACT: "security@x.dev",
    };
    expect(() => parseEnv(ok)).toThrow(/POSTMARK_SERVER_TOKEN is missing/);
    expect(() => parseEnv({ ...ok, POSTMARK_SERVER_TOKEN: "token" })).toThrow(/POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD are required/);
    expect(() => parseEnv({ ...ok, POSTMARK_SERVER_TOKEN: "token", POSTMARK_WEBHOOK_USER: "pm", POSTMARK_WEBHOOK_PASSWORD: "short" })).toThrow(
      /POSTMARK_WEBHOOK_PASSWORD/,
    );
    expect(parseEnv({ ...ok, POSTMARK_SERVER_TOKEN: "token", POSTMARK_WEBHOOK_USER: "pm", POSTMARK_WEBHOOK_PASSWORD: strong() }).POSTMARK_SERVER_TOKEN).toBe(
      "token",
    );
    expect(parseEnv({ ...ok, EMAIL_TRANSPORT: "outbox" }).EMAIL_TRANSPORT).toBe("outbox");
  });

  it("requires a real security contact in production (it is published on /security and in security.txt)", () => {
    const ok = {
      ...base,
      NODE_ENV: "production",
      APP_URL: "https://x.test",
      SESSION_SECRET: strong(),
      PAY_LINK_SECRET: strong(),
      JWT_SECRET: strong(),
      EMAIL_TRANSPORT: "outbox",
    };
    for (const contact of [undefined, "mailto:security@invoicelink.local", "security@example.com", "mailto:security@example.org"]) {
      expect(() => parseEnv({ ...ok, SECURITY_CONTACT: contact }), String(contact)).toThrow(/SECURITY_CONTACT is missing or a placeholder/);
    }
    expect(parseEnv({ ...ok, SECURITY_CONTACT: "security@plumbing.example.net.au" }).SECURITY_CONTACT).toBe("security@plumbing.example.net.au");
    expect(parseEnv({ ...ok, SECURITY_CONTACT: "https://acme.dev/security" }).SECURITY_CONTACT).toBe("https://acme.dev/security");
    // Development keeps a stand-in so the pages render.
    expect(parseEnv({ ...base, NODE_ENV: "development" }).SECURITY_CONTACT).toBe("mailto:security@invoicelink.local");
  });

  it("accepts provider API overrides only on the provider's https hosts or this machine", () => {
    expect(() => parseEnv({ ...base, STRIPE_API_URL: "http://stripe.evil.test" })).toThrow(/STRIPE_API_URL/);
    expect(() => parseEnv({ ...base, POSTMARK_API_URL: "https://api.postmarkapp.com.evil.test" })).toThrow(/POSTMARK_API_URL/);
    expect(parseEnv({ ...base, STRIPE_API_URL: "https://api.stripe.com" }).STRIPE_API_URL).toBe("https://api.stripe.com");
    expect(parseEnv({ ...base, PAYPAL_API_URL: "http://127.0.0.1:4010" }).PAYPAL_API_URL).toBe("http://127.0.0.1:4010");
  });
});

describe("Stripe modes (docs/decisions/011-connected-accounts.md)", () => {
  const base = { DATABASE_URL: "postgresql://localhost/x", STRIPE_SECRET_KEY: "sk_test_abc123" };

  it("defaults to single-account mode with no fee, as before Connect", () => {
    const env = parseEnv({ ...base, STRIPE_WEBHOOK_SECRET: "whsec_a" });
    expect(env.STRIPE_MODE).toBe("single");
    expect(env.STRIPE_APPLICATION_FEE_BPS).toBe(0);
    expect(() => parseEnv(base)).toThrow(/STRIPE_WEBHOOK_SECRET \(whsec_…\) is required/);
  });

  it("connect mode needs the Connect webhook secret list; the platform secret becomes optional", () => {
    expect(() => parseEnv({ ...base, STRIPE_MODE: "connect" })).toThrow(/STRIPE_CONNECT_WEBHOOK_SECRET \(whsec_…\) is required/);
    expect(() => parseEnv({ ...base, STRIPE_MODE: "connect", STRIPE_CONNECT_WEBHOOK_SECRET: "whsec_a,nope" })).toThrow(/STRIPE_CONNECT_WEBHOOK_SECRET/);
    const env = parseEnv({ ...base, STRIPE_MODE: "connect", STRIPE_CONNECT_WEBHOOK_SECRET: "whsec_new, whsec_old", STRIPE_APPLICATION_FEE_BPS: "250" });
    expect(env.STRIPE_APPLICATION_FEE_BPS).toBe(250);
    expect(() => parseEnv({ DATABASE_URL: base.DATABASE_URL, STRIPE_MODE: "connect", STRIPE_CONNECT_WEBHOOK_SECRET: "whsec_a" })).toThrow(
      /needs STRIPE_SECRET_KEY/,
    );
  });

  it("refuses Connect settings without connect mode, and a fee out of range or fractional", () => {
    expect(() => parseEnv({ ...base, STRIPE_WEBHOOK_SECRET: "whsec_a", STRIPE_CONNECT_WEBHOOK_SECRET: "whsec_b" })).toThrow(/STRIPE_MODE is not connect/);
    expect(() => parseEnv({ ...base, STRIPE_WEBHOOK_SECRET: "whsec_a", STRIPE_APPLICATION_FEE_BPS: "100" })).toThrow(/only applies with STRIPE_MODE=connect/);
    const connect = { ...base, STRIPE_MODE: "connect", STRIPE_CONNECT_WEBHOOK_SECRET: "whsec_a" };
    expect(() => parseEnv({ ...connect, STRIPE_APPLICATION_FEE_BPS: "10001" })).toThrow(/STRIPE_APPLICATION_FEE_BPS/);
    expect(() => parseEnv({ ...connect, STRIPE_APPLICATION_FEE_BPS: "1.5" })).toThrow(/STRIPE_APPLICATION_FEE_BPS/);
    expect(() => parseEnv({ ...connect, STRIPE_MODE: "both" })).toThrow(/STRIPE_MODE/);
  });
});

describe("plans", () => {
  const base = { DATABASE_URL: "postgresql://localhost/x" };
  it("needs Stripe Price ids and a Stripe key; the trial defaults to 14 days", () => {
    expect(parseEnv(base).TRIAL_DAYS).toBe(14);
    expect(() => parseEnv({ ...base, STRIPE_PRICE_MONTHLY: "price_123" })).toThrow(/STRIPE_PRICE_MONTHLY needs STRIPE_SECRET_KEY/);
    const stripe = { STRIPE_SECRET_KEY: "sk_test_abc", STRIPE_WEBHOOK_SECRET: "whsec_abc" };
    expect(() => parseEnv({ ...base, ...stripe, STRIPE_PRICE_YEARLY: "prod_123" })).toThrow(/STRIPE_PRICE_YEARLY must be a Stripe Price id/);
    expect(parseEnv({ ...base, ...stripe, STRIPE_PRICE_MONTHLY: "price_123", TRIAL_DAYS: "30" })).toMatchObject({
      STRIPE_PRICE_MONTHLY: "price_123",
      TRIAL_DAYS: 30,
    });
  });
});

// The public /security page and /.well-known/security.txt on the production server: public, no
// JavaScript, numbers that are the enforced constants, claims that match the headers and cookies the
// server really sends, and nothing said about a provider (Sentry, Stripe, PayPal, Postmark) that this
// deployment has not configured.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ACCESS_TOKEN_TTL_SECONDS, REUSE_GRACE_MS } from "~/models/api-token.server";
import { LINK_LIFETIME_DAYS } from "~/models/signed-link.server";
import { BCRYPT_COST } from "~/models/user.server";
import { prisma } from "~/utils/db.server";
import { RATE_LIMITS } from "~/utils/rate-limit.server";
import { startFakeSentry, type FakeSentry } from "../fakes/sentry";
import { createAccount } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { pageText } from "../helpers/html";
import { startServer, strongSecret, type TestServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 240_000 });

const contact = `mailto:security-${randomBytes(4).toString("hex")}@example.test`;
let plain: TestServer;
let full: TestServer;
let sentry: FakeSentry;

beforeAll(async () => {
  sentry = await startFakeSentry();
  [plain, full] = await Promise.all([
    // Nothing optional configured: outbox email, no payments, no Sentry.
    startServer({ env: { SECURITY_CONTACT: contact } }),
    startServer({
      env: {
        SECURITY_CONTACT: "security@full.example.test",
        SENTRY_DSN: sentry.dsn,
        STRIPE_SECRET_KEY: `sk_test_${randomBytes(12).toString("hex")}`,
        STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(16).toString("hex")}`,
        STRIPE_API_URL: "http://127.0.0.1:9",
        PAYPAL_CLIENT_ID: "client-id",
        PAYPAL_CLIENT_SECRET: "client-secret",
        PAYPAL_WEBHOOK_ID: "WH-TEST",
        PAYPAL_API_URL: "http://127.0.0.1:9",
        EMAIL_TRANSPORT: undefined,
        POSTMARK_SERVER_TOKEN: "pm-token",
        POSTMARK_API_URL: "http://127.0.0.1:9",
        POSTMARK_WEBHOOK_USER: "postmark",
        POSTMARK_WEBHOOK_PASSWORD: strongSecret(),
      },
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([plain?.stop(), full?.stop()]);
  await sentry?.stop();
  await prisma.$disconnect();
});

/** The page's text without tags, whitespace collapsed, entities decoded. */
function text(html: string) {
  return pageText(html).trim();
}

const minutes = (ms: number) => `${ms / 60_000} minutes`;

async function getPage(server: TestServer) {
  const res = await fetch(`${server.url}/security`, { redirect: "manual" });
  return { res, html: await res.text() };
}

describe("/security", () => {
  it("is public, server-rendered and ships no JavaScript", async () => {
    const { res, html } = await getPage(plain);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(html).toContain("<h1>Security at Invoice Link</h1>");
    expect(html).not.toMatch(/<script\b/i);
    // The page carries a signed-in header for a signed-in user: never cached publicly.
    expect(res.headers.get("cache-control")).toBe("private, no-store");
  });

  it("gives the disclosure contact from SECURITY_CONTACT and links security.txt and the privacy page", async () => {
    const { html } = await getPage(plain);
    expect(html).toContain(`href="${contact}"`);
    expect(text(html)).toContain(contact.replace("mailto:", ""));
    expect(html).toContain('href="/.well-known/security.txt"');
    expect(html).toContain('href="/privacy"');
  });

  it("states the numbers the code enforces", async () => {
    const { html } = await getPage(plain);
    const page = text(html);
    expect(page).toContain(`bcrypt hashes with a cost factor of ${BCRYPT_COST}`);
    for (const [name, { limit, windowMs }] of Object.entries(RATE_LIMITS)) {
      const row = new RegExp(`data-limit="${name}"[^>]*>\\s*<td>[^<]+</td>\\s*<td>${limit}(?:<!-- -->)?\\s*per\\s*(?:<!-- -->)?${minutes(windowMs)}</td>`);
      expect(html, `rate limit ${name}`).toMatch(row);
    }
    expect(page).toContain(`They stop working after ${LINK_LIFETIME_DAYS} days`);
    expect(page).toContain(`access tokens (signed JWTs) valid for ${ACCESS_TOKEN_TTL_SECONDS / 60} minutes`);
    // The refresh retry grace (decision 013) as the code enforces it; api-auth.test.ts proves both sides of it.
    expect(page).toContain(`Within ${REUSE_GRACE_MS / 60_000} minute of the exchange, the same app retrying`);
    expect(page).toContain("a session lasts at most 30 days");
    expect(page).toContain("expire after 1 hour");
    expect(page).toContain("7 daily, 4 weekly and 12 monthly");
  });

  it("matches the headers the server really sends", async () => {
    const { res, html } = await getPage(plain);
    const page = text(html);
    expect(page).toContain("HTTP Strict Transport Security for one year, subdomains included");
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    expect(page).toContain("frame-ancestors 'none'");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");

    // A cross-site POST is refused, as the page says.
    const crossSite = await fetch(`${plain.url}/login`, {
      method: "POST",
      body: new URLSearchParams({ email: "a@b.c", password: "x" }),
      headers: { "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example" },
      redirect: "manual",
    });
    expect(crossSite.status).toBe(403);
  });

  it("describes the session cookie the server really sets (HttpOnly, SameSite=Lax, Secure in production)", async () => {
    const page = text((await getPage(plain)).html);
    expect(page).toContain("The cookie is HttpOnly (invisible to scripts), SameSite=Lax and Secure (sent over HTTPS only)");
    const { email, password } = await createAccount();
    const login = await new Browser(plain.url).post("/login", { email, password });
    expect(login.status).toBe(302);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith("__session="))!;
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Secure/i);
    // Only a signed id: the session row's id, nothing about the user.
    const value = decodeURIComponent(cookie.split(";")[0].slice("__session=".length));
    expect(value).not.toContain(email);
  });

  it("claims no provider this deployment has not configured", async () => {
    const page = text((await getPage(plain)).html);
    expect(page).not.toMatch(/sentry/i);
    expect(page).toContain("no crash reports are sent to any third party");
    expect(page).not.toMatch(/stripe|paypal/i);
    expect(page).toContain("Online card payment is not set up on this deployment");
    expect(page).not.toMatch(/postmark/i);
  });

  it("describes each provider once it is configured", async () => {
    const { res, html } = await getPage(full);
    expect(res.status).toBe(200);
    const page = text(html);
    expect(page).toContain("Crash reports are sent to Sentry");
    expect(page).not.toContain("no crash reports are sent");
    expect(page).toContain("Customers pay on Stripe Checkout or PayPal's own hosted pages");
    expect(page).toContain("We keep only the card brand and its last four digits");
    expect(page).toContain("valid Stripe signature over the exact message, no older than 5 minutes");
    expect(page).toContain("valid PayPal transmission signature");
    expect(page).toContain("Email is sent through Postmark");
    // A bare address in SECURITY_CONTACT becomes a mailto: link.
    expect(html).toContain('href="mailto:security@full.example.test"');
    // Rendering the page reported nothing to Sentry.
    expect(sentry.events()).toEqual([]);
  });

  it("is linked from the footer of every page", async () => {
    const html = await (await fetch(`${plain.url}/login`)).text();
    expect(html).toMatch(/<footer[^>]*>[\s\S]*href="\/security"[\s\S]*<\/footer>/);
  });
});

describe("/.well-known/security.txt", () => {
  it("follows RFC 9116 with the configured contact, a fresh Expires and the canonical and policy URLs", async () => {
    const res = await fetch(`${plain.url}/.well-known/security.txt`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    const body = await res.text();
    const fields = Object.fromEntries(
      body
        .trim()
        .split("\n")
        .map((line) => {
          const i = line.indexOf(": ");
          return [line.slice(0, i), line.slice(i + 2)];
        }),
    );
    expect(Object.keys(fields).sort()).toEqual(["Canonical", "Contact", "Expires", "Policy", "Preferred-Languages"]);
    expect(fields.Contact).toBe(contact);
    expect(fields["Preferred-Languages"]).toBe("en");
    expect(fields.Canonical).toBe(`${plain.url}/.well-known/security.txt`);
    expect(fields.Policy).toBe(`${plain.url}/security`);
    expect(fields.Expires).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const ahead = Date.parse(fields.Expires) - Date.now();
    expect(ahead).toBeGreaterThan(364 * 86_400_000);
    expect(ahead).toBeLessThanOrEqual(365 * 86_400_000);
  });

  it("turns a bare email address into a mailto: URI", async () => {
    const body = await (await fetch(`${full.url}/.well-known/security.txt`)).text();
    expect(body).toContain("Contact: mailto:security@full.example.test\n");
  });
});

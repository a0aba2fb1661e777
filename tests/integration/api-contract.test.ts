// The API as a contract (issue 15): what an outside tester's OpenAPI proxy, generated client, fuzzer
// and sync app found, each pinned by a test against the production server and real Postgres.
// Year-0 times, overflowing paid totals, far overpayments, future payment dates, payment days in
// UTC+14, Idempotency-Key on every creating POST, deletion tombstones and archived customers in a
// sync, and the smaller parsing rules (bearer case, If-None-Match *, cache-buster, strict limit,
// repeated parameters, bodies of body-less actions). Every refusal is a 4xx in the error format and
// writes nothing.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { issueTokens } from "~/models/api-token.server";
import { eraseCustomer } from "~/models/customer-erasure.server";
import { dashboardStats } from "~/models/dashboard.server";
import { MAX_PAID_CENTS } from "~/models/payments/payment.server";
import { prisma } from "~/utils/db.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import { businessSnapshot, isoDate, shiftDays } from "../helpers/business-data";
import { pageText } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

const JWT_SECRET = vi.hoisted(() => {
  const secret = `api-contract-${Math.random().toString(36).slice(2)}`.padEnd(48, "c");
  process.env.JWT_SECRET = secret;
  return secret;
});

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Sent = { status: number; headers: Headers; json: any; text: string };
const fiveHundreds: string[] = [];

async function call(
  method: string,
  pathname: string,
  token: string | null,
  options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Sent> {
  const headers: Record<string, string> = { ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["Content-Type"] = "application/json";
  }
  Object.assign(headers, options.headers);
  const res = await fetch(`${server.url}/api/v1${pathname}`, { method, headers, body, redirect: "manual" });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = undefined;
  }
  if (res.status >= 500) fiveHundreds.push(`${method} ${pathname} ${res.status}: ${text.slice(0, 200)}`);
  return { status: res.status, headers: res.headers, json, text };
}

async function tenant(name: string, timeZone = "America/Chicago") {
  const { user, business } = await createAccount({ businessName: name });
  await prisma.business.update({ where: { id: business.id }, data: { timeZone } });
  const { accessToken } = await issueTokens(user);
  const api = {
    token: accessToken,
    get: (p: string, headers?: Record<string, string>) => call("GET", p, accessToken, { headers }),
    post: (p: string, body?: unknown, headers?: Record<string, string>) => call("POST", p, accessToken, { body, headers }),
    patch: (p: string, body: unknown, headers?: Record<string, string>) => call("PATCH", p, accessToken, { body, headers }),
  };
  return { user, business, api };
}
type Tenant = Awaited<ReturnType<typeof tenant>>;

const today = isoDate();
const invoiceBody = (customerId: string, unitPriceCents = 20_000) => ({
  customerId,
  issueDate: today,
  dueDate: shiftDays(today, 14),
  lines: [{ description: "Water heater flush", quantity: "1", unitPriceCents }],
});

async function customerOf(t: Tenant, name = "Dana Whitfield") {
  const res = await t.api.post("/customers", { name, email: "dana@example.com" });
  expect(res.status, res.text).toBe(201);
  return res.json.data.id as string;
}

async function sentInvoice(t: Tenant, unitPriceCents = 20_000) {
  const created = await t.api.post("/invoices", invoiceBody(await customerOf(t), unitPriceCents));
  expect(created.status, created.text).toBe(201);
  const sent = await t.api.post(`/invoices/${created.json.data.id}/send`, { via: "text" });
  expect(sent.status, sent.text).toBe(200);
  return sent.json.data;
}

beforeAll(async () => {
  server = await startAppServer({ WORKER_IN_PROCESS: "false", JWT_SECRET });
});
afterAll(async () => {
  await server?.stop();
  await prisma.$disconnect();
});

describe("item 1: times out of range are a 400, not a 500", () => {
  it("updatedSince in year 0000 (which the ISO pattern allows) on every list, and a cursor whose time is year 0", async () => {
    const t = await tenant("Year Zero Plumbing");
    const invoice = await sentInvoice(t);
    for (const path of ["/customers", "/invoices", "/estimates", "/payments", `/invoices/${invoice.id}/payments`]) {
      for (const value of ["0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z"]) {
        const res = await t.api.get(`${path}?updatedSince=${value}`);
        expect(res.status, `${path} ${value}: ${res.text}`).toBe(400);
        expect(res.json.error.code).toBe("validation_failed");
        expect(res.json.error.fields).toHaveProperty("updatedSince");
      }
      const cursor = Buffer.from(JSON.stringify({ at: "0000-01-01T00:00:00.000Z", id: "c".padEnd(25, "x") })).toString("base64url");
      const res = await t.api.get(`${path}?cursor=${cursor}`);
      expect(res.status, res.text).toBe(400);
      expect(res.json.error.fields).toHaveProperty("cursor");
      expect((await t.api.get(`${path}?updatedSince=1970-01-01T00:00:00Z`)).status).toBe(200);
    }
    expect((await t.api.get("/deletions?since=0000-01-01T00:00:00Z")).status).toBe(400);
  });
});

describe("item 2: money sums cannot overflow, and a far overpayment needs confirmation", () => {
  it("three payments of the documented maximum on a $200 invoice: refused without confirmation, then 201, 201 and a 400 (never a 500)", async () => {
    const t = await tenant("Overflow Roofing");
    const invoice = await sentInvoice(t);
    const pay = (extra: Record<string, unknown> = {}) =>
      t.api.post(`/invoices/${invoice.id}/payments`, { amountCents: 1_000_000_000, method: "CASH", receivedOn: today, ...extra });
    const before = await businessSnapshot(t.business.id);
    const unconfirmed = await pay();
    expect(unconfirmed.status, unconfirmed.text).toBe(400);
    expect(unconfirmed.json.error.fields).toHaveProperty("confirmOverpayment");
    expect(await businessSnapshot(t.business.id)).toEqual(before);

    expect((await pay({ confirmOverpayment: true })).status).toBe(201);
    expect((await pay({ confirmOverpayment: true })).status).toBe(201);
    const third = await pay({ confirmOverpayment: true });
    expect(third.status, third.text).toBe(400);
    expect(third.json.error.fields).toHaveProperty("amountCents");
    const row = await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } });
    expect(row.amountPaidCents).toBe(MAX_PAID_CENTS);
    expect(MAX_PAID_CENTS).toBeLessThan(2 ** 31);
    // The dashboard sums in bigint: a business whose totals pass 2^31 cents still has a dashboard.
    const second = await sentInvoice(t, 100_000_000);
    await t.api.post(`/invoices/${second.id}/payments`, { amountCents: 1_000_000_000, method: "CASH", receivedOn: today, confirmOverpayment: true });
    const stats = await dashboardStats(t.business.id, today, "America/Chicago");
    expect(stats.paidThisMonthCents).toBe(3_000_000_000);
  });

  it("a $200,000 payment on a $200 invoice is refused unless confirmOverpayment is sent; a small overpayment needs nothing", async () => {
    const t = await tenant("Overpay Electric");
    const invoice = await sentInvoice(t);
    const res = await t.api.post(`/invoices/${invoice.id}/payments`, { amountCents: 2_000_000_000 / 100, method: "CHECK", receivedOn: today });
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.fields.confirmOverpayment[0]).toMatch(/more than the balance/);
    expect(await prisma.payment.count({ where: { invoiceId: invoice.id } })).toBe(0);
    const small = await t.api.post(`/invoices/${invoice.id}/payments`, { amountCents: 25_000, method: "CHECK", receivedOn: today });
    expect(small.status, small.text).toBe(201);
    expect(small.json.data.overpaymentCents).toBe(5_000);
  });

  it("the web form asks for the same confirmation (JavaScript off: a 400 with the checkbox, then the ticked form records it)", async () => {
    const t = await tenant("Web Overpay Heating");
    const invoice = await sentInvoice(t);
    const browser = await signedInBrowser(server, t.user);
    const form = { intent: "record-payment", key: `web-${crypto.randomUUID()}`, amount: "200000.00", method: "CASH", receivedOn: today };
    const refused = await browser.post(`/invoices/${invoice.id}`, form);
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain('name="confirmOverpayment"');
    expect(pageText(page)).toContain("more than the balance due");
    expect(await prisma.payment.count({ where: { invoiceId: invoice.id } })).toBe(0);
    const confirmed = await browser.post(`/invoices/${invoice.id}`, { ...form, confirmOverpayment: "on" });
    expect([302, 303]).toContain(confirmed.status);
    expect(await prisma.payment.count({ where: { invoiceId: invoice.id } })).toBe(1);
  });

  it("a payment dated more than 31 days ahead is refused (400 on receivedOn); a post-dated check within it is fine", async () => {
    const t = await tenant("Postdated Plumbing");
    const invoice = await sentInvoice(t);
    const far = await t.api.post(`/invoices/${invoice.id}/payments`, { amountCents: 1_000, method: "CHECK", receivedOn: shiftDays(today, 400) });
    expect(far.status, far.text).toBe(400);
    expect(far.json.error.fields).toHaveProperty("receivedOn");
    const near = await t.api.post(`/invoices/${invoice.id}/payments`, { amountCents: 1_000, method: "CHECK", receivedOn: shiftDays(today, 20) });
    expect(near.status, near.text).toBe(201);
  });
});

describe("item 4: sync learns about deletions and archiving", () => {
  it("an erased customer and their estimates come back as tombstones with their time and id only; archived customers sync as archived", async () => {
    const t = await tenant("Tombstone Landscaping");
    const since = new Date(Date.now() - 1_000).toISOString();
    const doomed = await customerOf(t, "Erin Erased");
    const estimate = await t.api.post("/estimates", {
      customerId: doomed,
      issueDate: today,
      lines: [{ description: "Hedges", quantity: "1", unitPriceCents: 5_000 }],
    });
    expect(estimate.status, estimate.text).toBe(201);
    const archived = await customerOf(t, "Arlo Archived");
    expect((await t.api.patch(`/customers/${archived}`, { archived: true })).status).toBe(200);

    await eraseCustomer(t.business.id, doomed);
    const res = await t.api.get(`/deletions?since=${since}`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toEqual(
      expect.arrayContaining([
        { resource: "customer", id: doomed, deletedAt: expect.any(String) },
        { resource: "estimate", id: estimate.json.data.id, deletedAt: expect.any(String) },
      ]),
    );
    for (const item of res.json.data) expect(Object.keys(item).sort()).toEqual(["deletedAt", "id", "resource"]);
    expect(JSON.stringify(await prisma.deletedRecord.findMany({ where: { businessId: t.business.id } }))).not.toContain("Erin");
    expect((await t.api.get(`/deletions?since=${since}&resource=estimate`)).json.data.map((d: { id: string }) => d.id)).toEqual([estimate.json.data.id]);
    expect((await t.api.get(`/deletions?since=${new Date(Date.now() + 60_000).toISOString()}`)).json.data).toEqual([]);

    // Another business sees none of them.
    const other = await tenant("Other Landscaping");
    expect((await other.api.get(`/deletions?since=${since}`)).json.data).toEqual([]);

    // A sync (updatedSince) returns the archived customer, marked archived; a plain list leaves it out.
    const sync = await t.api.get(`/customers?order=asc&updatedSince=${since}`);
    expect(sync.json.data.find((c: { id: string }) => c.id === archived)).toMatchObject({ archived: true });
    expect((await t.api.get("/customers")).json.data.some((c: { id: string }) => c.id === archived)).toBe(false);
  });
});

describe("item 5: a payment's day is stored and returned as a date", () => {
  it("2026-06-15 stays the 15th for a business in UTC+14 (Kiritimati) and UTC+12 (Auckland): API receivedOn, the column, the invoice page", async () => {
    for (const zone of ["Pacific/Kiritimati", "Pacific/Auckland"]) {
      const t = await tenant(`Date Line Plumbing ${zone}`, zone);
      const invoice = await sentInvoice(t);
      const res = await t.api.post(`/invoices/${invoice.id}/payments`, { amountCents: 5_000, method: "CASH", receivedOn: "2026-06-15" });
      expect(res.status, res.text).toBe(201);
      expect(res.json.data.receivedOn).toBe("2026-06-15");
      expect(res.json.data.receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      const row = await prisma.payment.findUniqueOrThrow({ where: { id: res.json.data.id } });
      expect(row.receivedOn?.toISOString().slice(0, 10)).toBe("2026-06-15");
      expect((await t.api.get(`/payments/${row.id}`)).json.data.receivedOn).toBe("2026-06-15");
      const html = await (await (await signedInBrowser(server, t.user)).get(`/invoices/${invoice.id}`)).text();
      expect(pageText(html)).toContain("2026-06-15");
      expect(pageText(html)).not.toContain("2026-06-16");
    }
  });
});

describe("item 6: Idempotency-Key on every creating POST", () => {
  const key = () => `app-${crypto.randomUUID()}`;

  it("POST /invoices twice with one key: the same invoice, one row, one invoice number used; another body is a 409", async () => {
    const t = await tenant("Idempotent Invoices");
    const customerId = await customerOf(t);
    const k = key();
    const before = await prisma.business.findUniqueOrThrow({ where: { id: t.business.id } });
    const first = await t.api.post("/invoices", invoiceBody(customerId), { "Idempotency-Key": k });
    const second = await t.api.post("/invoices", invoiceBody(customerId), { "Idempotency-Key": k });
    expect(first.status, first.text).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json.data.id).toBe(first.json.data.id);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(await prisma.invoice.count({ where: { businessId: t.business.id } })).toBe(1);
    const after = await prisma.business.findUniqueOrThrow({ where: { id: t.business.id } });
    expect(after.nextInvoiceNumber).toBe(before.nextInvoiceNumber + 1);

    const different = await t.api.post("/invoices", invoiceBody(customerId, 30_000), { "Idempotency-Key": k });
    expect(different.status, different.text).toBe(409);
    expect(different.json.error.code).toBe("idempotency_key_reused");
    expect(await prisma.invoice.count({ where: { businessId: t.business.id } })).toBe(1);
    // The same key from another business is that business's own key.
    const other = await tenant("Other Idempotent");
    expect((await other.api.post("/invoices", invoiceBody(await customerOf(other)), { "Idempotency-Key": k })).status).toBe(201);
  });

  it("ten concurrent POSTs with one key create one customer, one estimate, one invoice and one payment", async () => {
    const t = await tenant("Concurrent Keys");
    const customerId = await customerOf(t, "Base Customer");
    const invoice = await sentInvoice(t);
    const cases: Array<[string, unknown, () => Promise<number>]> = [
      ["/customers", { name: "Concurrent Casey" }, () => prisma.customer.count({ where: { businessId: t.business.id, name: "Concurrent Casey" } })],
      [
        "/estimates",
        { customerId, issueDate: today, lines: [{ description: "Deck", quantity: "1", unitPriceCents: 9_000 }] },
        () => prisma.estimate.count({ where: { businessId: t.business.id } }),
      ],
      ["/invoices", invoiceBody(customerId, 7_700), () => prisma.invoice.count({ where: { businessId: t.business.id, totalCents: 7_700 } })],
      [
        `/invoices/${invoice.id}/payments`,
        { amountCents: 1_500, method: "CASH", receivedOn: today },
        () => prisma.payment.count({ where: { invoiceId: invoice.id } }),
      ],
    ];
    for (const [path, body, count] of cases) {
      const k = key();
      const results = await Promise.all(Array.from({ length: 10 }, () => t.api.post(path, body, { "Idempotency-Key": k })));
      for (const r of results) expect([200, 201], `${path}: ${r.text}`).toContain(r.status);
      expect(new Set(results.map((r) => r.json.data.id)).size, path).toBe(1);
      expect(await count(), path).toBe(1);
    }
    const numbers = await prisma.invoice.findMany({ where: { businessId: t.business.id }, select: { number: true }, orderBy: { number: "asc" } });
    expect(numbers.map((n) => n.number)).toEqual([1, 2]);
  });

  it("a payment retried with its key answers 200 duplicate: true; a failed request keeps nothing, so the corrected one can use the key", async () => {
    const t = await tenant("Retry Payments");
    const invoice = await sentInvoice(t);
    const k = key();
    const bad = await t.api.post(
      `/invoices/${invoice.id}/payments`,
      { amountCents: 1_000, method: "CHECK", receivedOn: "2026-02-30" },
      { "Idempotency-Key": k },
    );
    expect(bad.status).toBe(400);
    const first = await t.api.post(`/invoices/${invoice.id}/payments`, { amountCents: 1_000, method: "CHECK", receivedOn: today }, { "Idempotency-Key": k });
    expect(first.status, first.text).toBe(201);
    expect(first.json.duplicate).toBe(false);
    const again = await t.api.post(`/invoices/${invoice.id}/payments`, { amountCents: 1_000, method: "CHECK", receivedOn: today }, { "Idempotency-Key": k });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ duplicate: true, data: { id: first.json.data.id } });
    expect((await t.api.post("/customers", { name: "Bad Key" }, { "Idempotency-Key": "short" })).status).toBe(400);
  });
});

describe("item 8: smaller parsing rules", () => {
  it("bearer in any case; If-None-Match: *; the _ cache-buster; strict limit; a repeated parameter; a body on void", async () => {
    const t = await tenant("Parsing Plumbing");
    const invoice = await sentInvoice(t);
    for (const scheme of ["bearer", "BEARER", "Bearer"]) {
      const res = await call("GET", "/me", null, { headers: { Authorization: `${scheme} ${t.api.token}` } });
      expect(res.status, scheme).toBe(200);
    }
    const star = await t.api.get(`/invoices/${invoice.id}`, { "If-None-Match": "*" });
    expect(star.status).toBe(304);
    expect((await t.api.get(`/invoices/nonexistent0000000000000`, { "If-None-Match": "*" })).status).toBe(404);

    expect((await t.api.get("/invoices?_=1712345678901")).status).toBe(200);
    expect((await t.api.get("/customers?limit=5&_=123")).status).toBe(200);

    for (const limit of ["0x10", "1e1", "%205", "+3", "05", "0", "101", "-1", "1.0", ""]) {
      const res = await t.api.get(`/invoices?limit=${limit}`);
      expect(res.status, `limit=${limit}`).toBe(400);
      expect(res.json.error.fields).toHaveProperty("limit");
    }
    expect((await t.api.get("/invoices?limit=100")).status).toBe(200);
    const repeated = await t.api.get("/invoices?limit=5&limit=50");
    expect(repeated.status).toBe(400);
    expect(repeated.json.error.fields).toHaveProperty("limit");

    const garbage = await call("POST", `/invoices/${invoice.id}/void`, t.api.token, { raw: "please void", headers: { "Content-Type": "text/plain" } });
    expect(garbage.status, garbage.text).toBe(400);
    const unknown = await t.api.post(`/invoices/${invoice.id}/void`, { reason: "x" });
    expect(unknown.status).toBe(400);
    expect((await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status).toBe("SENT");
    expect((await t.api.post(`/invoices/${invoice.id}/void`, {})).status).toBe(200);
  });
});

it("no request in this file got a 500", () => {
  expect(fiveHundreds).toEqual([]);
});

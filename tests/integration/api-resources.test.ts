// The JSON API's resource endpoints (/api/v1, issue 6) over real HTTP against the production server
// and a real Postgres: customers, invoices with line items, estimates, payments and the business
// profile; cursor pages; ETags; strict bodies that write nothing when refused; tenancy on every
// resource route; and the OpenAPI document checked against the route files. No mocks.
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { issueTokens } from "~/models/api-token.server";
import {
  apiGetBusiness,
  apiGetCustomer,
  apiGetEstimate,
  apiGetInvoice,
  apiUpdateBusiness,
  apiUpdateCustomer,
  apiUpdateEstimate,
  apiUpdateInvoice,
} from "~/web/api/api-resources.server";
import { decideEstimate } from "~/models/estimate.server";
import { refundPayment } from "~/models/payments/payment.server";
import { OPERATIONS } from "~/web/api/openapi.server";
import { prisma } from "~/utils/db.server";
import { createAccount } from "../helpers/accounts";
import { businessSnapshot as snapshot, isoDate, shiftDays } from "../helpers/business-data";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

// The test process signs access tokens (issueTokens) with the same secret the server verifies with.
const JWT_SECRET = vi.hoisted(() => {
  const secret = `api-resources-${Math.random().toString(36).slice(2)}`.padEnd(48, "r");
  process.env.JWT_SECRET = secret;
  return secret;
});

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;

// ---------------------------------------------------------------------------------------------
// HTTP helpers: every response of the file is recorded, so the last test can prove none was a 500
// and every error used the API's {error: {code, message, fields?}} format.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from a fake or a response, read loosely
type Sent = { status: number; headers: Headers; json: any; text: string };
const seen: { method: string; path: string; status: number }[] = [];
const badErrorBodies: string[] = [];

type CallOptions = {
  token?: string | null;
  body?: unknown;
  rawBody?: BodyInit;
  headers?: Record<string, string>;
  init?: Record<string, unknown>;
};

async function call(method: string, pathname: string, options: CallOptions = {}): Promise<Sent> {
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: BodyInit | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["Content-Type"] = "application/json";
  }
  Object.assign(headers, options.headers);
  const url = pathname.startsWith("http") ? pathname : `${server.url}/api/v1${pathname}`;
  const res = await fetch(url, { method, headers, body, redirect: "manual", ...options.init } as RequestInit);
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from a fake or a response, read loosely
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = undefined;
  }
  seen.push({ method, path: pathname, status: res.status });
  if (res.status >= 400 && url.includes("/api/v1/")) {
    const error = json?.error;
    if (typeof error?.code !== "string" || typeof error?.message !== "string")
      badErrorBodies.push(`${method} ${pathname} ${res.status}: ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, json, text };
}

function clientFor(token: string) {
  return {
    token,
    get: (p: string, headers?: Record<string, string>) => call("GET", p, { token, headers }),
    post: (p: string, body?: unknown, headers?: Record<string, string>) => call("POST", p, { token, body, headers }),
    patch: (p: string, body: unknown, headers?: Record<string, string>) => call("PATCH", p, { token, body, headers }),
  };
}
type Client = ReturnType<typeof clientFor>;

async function makeTenant(businessName: string) {
  const { user, business } = await createAccount({ businessName });
  const tokens = await issueTokens(user);
  return { user, business, api: clientFor(tokens.accessToken) };
}
type Tenant = Awaited<ReturnType<typeof makeTenant>>;

/** Row counts of everything a resource endpoint could write, across every business. */
async function rowCounts() {
  const [customers, invoices, invoiceLines, revisions, estimates, estimateLines, payments, emails, activities] = await Promise.all([
    prisma.customer.count(),
    prisma.invoice.count(),
    prisma.invoiceLine.count(),
    prisma.invoiceRevision.count(),
    prisma.estimate.count(),
    prisma.estimateLine.count(),
    prisma.payment.count(),
    prisma.emailMessage.count(),
    prisma.activityEvent.count(),
  ]);
  const businesses = await prisma.business.findMany({
    orderBy: { id: "asc" },
    select: { id: true, updatedAt: true, nextInvoiceNumber: true, nextEstimateNumber: true },
  });
  return { customers, invoices, invoiceLines, revisions, estimates, estimateLines, payments, emails, activities, businesses };
}

const today = isoDate();
const inTwoWeeks = shiftDays(today, 14);

function invoiceBody(customerId: string, overrides: Record<string, unknown> = {}) {
  return {
    customerId,
    issueDate: today,
    dueDate: inTwoWeeks,
    lines: [{ description: "Service call", quantity: "1", unitPriceCents: 10_000 }],
    ...overrides,
  };
}

function estimateBody(customerId: string, overrides: Record<string, unknown> = {}) {
  return {
    customerId,
    issueDate: today,
    validUntil: shiftDays(today, 30),
    lines: [{ description: "Estimate work", quantity: "2", unitPriceCents: 25_000 }],
    ...overrides,
  };
}

async function createCustomer(api: Client, body: Record<string, unknown>) {
  const res = await api.post("/customers", body);
  expect(res.status, res.text).toBe(201);
  return res.json.data as { id: string; name: string; email: string | null };
}

async function createInvoice(api: Client, customerId: string, overrides: Record<string, unknown> = {}) {
  const res = await api.post("/invoices", invoiceBody(customerId, overrides));
  expect(res.status, res.text).toBe(201);
  return res.json.data;
}

async function payInvoice(api: Client, invoiceId: string, amountCents: number, key?: string) {
  return api.post(
    `/invoices/${invoiceId}/payments`,
    { amountCents, method: "CHECK", receivedOn: today, reference: "1042" },
    key ? { "Idempotency-Key": key } : undefined,
  );
}

let A: Tenant;
let B: Tenant;

beforeAll(async () => {
  // No job worker: rows are compared before and after requests, and a worker delivering queued
  // emails meanwhile would change them for reasons that are not the request's.
  server = await startAppServer({ WORKER_IN_PROCESS: "false", JWT_SECRET, TRUST_PROXY: "loopback" });
  [A, B] = await Promise.all([makeTenant("Acme Roofing API"), makeTenant("Bluebird Plumbing API")]);
});
afterAll(() => server?.stop());

// ---------------------------------------------------------------------------------------------
describe("customers", () => {
  let customer: { id: string };
  let etag: string;

  it("POST creates one (201): fields trimmed, email lowercased, tenancy from the token", async () => {
    const res = await A.api.post("/customers", {
      name: "  Ada Lovelace ",
      email: "Ada.Lovelace@Example.COM",
      phone: "555-010-2030",
      addressLine1: "12 Analytical Way",
      city: "Boston",
      region: "MA",
      postalCode: "02110",
      country: "US",
      notes: "Gate code 1234",
    });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.json.data).toMatchObject({
      name: "Ada Lovelace",
      email: "ada.lovelace@example.com",
      phone: "555-010-2030",
      addressLine1: "12 Analytical Way",
      addressLine2: null,
      city: "Boston",
      region: "MA",
      postalCode: "02110",
      country: "US",
      notes: "Gate code 1234",
      archived: false,
    });
    expect(res.headers.get("etag")).toMatch(/^W\/"/);
    customer = res.json.data;
    const row = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(row.businessId).toBe(A.business.id);
    expect(row.email).toBe("ada.lovelace@example.com");
  });

  it("GET has an ETag; If-None-Match with it is a 304 without a body", async () => {
    const res = await A.api.get(`/customers/${customer.id}`);
    expect(res.status).toBe(200);
    expect(res.json.data).toMatchObject({ id: customer.id, name: "Ada Lovelace" });
    etag = res.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(res.headers.get("cache-control")).toContain("no-store");

    const again = await A.api.get(`/customers/${customer.id}`, { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    expect(again.headers.get("etag")).toBe(etag);

    const other = await A.api.get(`/customers/${customer.id}`, { "If-None-Match": 'W/"something-else"' });
    expect(other.status).toBe(200);
  });

  it("PATCH changes only the fields sent; null clears one", async () => {
    const res = await A.api.patch(`/customers/${customer.id}`, { phone: null, city: "Cambridge", email: "ADA@Example.com" });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toMatchObject({
      name: "Ada Lovelace",
      email: "ada@example.com",
      phone: null,
      addressLine1: "12 Analytical Way",
      city: "Cambridge",
      region: "MA",
      postalCode: "02110",
      notes: "Gate code 1234",
      archived: false,
    });
    const newEtag = res.headers.get("etag");
    expect(newEtag).not.toBe(etag);
    // The old ETag no longer matches: a full 200 with the new one.
    const get = await A.api.get(`/customers/${customer.id}`, { "If-None-Match": etag });
    expect(get.status).toBe(200);
    expect(get.headers.get("etag")).toBe(newEtag);
    const row = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(row).toMatchObject({ phone: null, city: "Cambridge", notes: "Gate code 1234", email: "ada@example.com" });
  });

  it("PATCH with a stale If-Match is a 412 and writes nothing; the current one goes through", async () => {
    const before = await snapshot(A.business.id);
    const res = await A.api.patch(`/customers/${customer.id}`, { name: "Lost Update" }, { "If-Match": etag });
    expect(res.status).toBe(412);
    expect(res.json.error.code).toBe("precondition_failed");
    expect(await snapshot(A.business.id)).toEqual(before);

    const current = (await A.api.get(`/customers/${customer.id}`)).headers.get("etag")!;
    const ok = await A.api.patch(`/customers/${customer.id}`, { notes: "Ring twice" }, { "If-Match": current });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.data).toMatchObject({ notes: "Ring twice", name: "Ada Lovelace", city: "Cambridge" });
  });

  it("PATCH name: null is refused (a customer needs a name) and writes nothing", async () => {
    const before = await snapshot(A.business.id);
    const res = await A.api.patch(`/customers/${customer.id}`, { name: null });
    expect(res.status).toBe(400);
    expect(res.json.error.fields).toHaveProperty("name");
    const blank = await A.api.patch(`/customers/${customer.id}`, { name: "   " });
    expect(blank.status).toBe(400);
    expect(blank.json.error.fields).toHaveProperty("name");
    expect(await snapshot(A.business.id)).toEqual(before);
  });

  it("archived: true archives (hidden from the list unless archived=true), false restores", async () => {
    const archived = await A.api.patch(`/customers/${customer.id}`, { archived: true });
    expect(archived.status, archived.text).toBe(200);
    expect(archived.json.data).toMatchObject({ archived: true, name: "Ada Lovelace", notes: "Ring twice" });
    expect((await prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).archivedAt).not.toBeNull();

    const listed = await A.api.get("/customers?limit=100");
    expect(listed.json.data.map((c: { id: string }) => c.id)).not.toContain(customer.id);
    const withArchived = await A.api.get("/customers?limit=100&archived=true");
    expect(withArchived.json.data.map((c: { id: string }) => c.id)).toContain(customer.id);

    const restored = await A.api.patch(`/customers/${customer.id}`, { archived: false });
    expect(restored.status).toBe(200);
    expect(restored.json.data.archived).toBe(false);
    expect((await prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).archivedAt).toBeNull();
    expect((await A.api.get("/customers?limit=100")).json.data.map((c: { id: string }) => c.id)).toContain(customer.id);
  });

  it("q searches name, email and phone (case-insensitive; % and _ are text)", async () => {
    const grace = await createCustomer(A.api, { name: "Grace Hopper", email: "grace@navy.example", phone: "555-777-0000" });
    const percent = await createCustomer(A.api, { name: "100% Solar_Co" });
    const ids = async (q: string) => ((await A.api.get(`/customers?q=${encodeURIComponent(q)}`)).json.data as { id: string }[]).map((c) => c.id);
    expect(await ids("lovelace")).toEqual([customer.id]);
    expect(await ids("HOPPER")).toEqual([grace.id]);
    expect(await ids("navy.example")).toEqual([grace.id]);
    expect(await ids("777-0000")).toEqual([grace.id]);
    expect(await ids("%")).toEqual([percent.id]);
    expect(await ids("_")).toEqual([percent.id]);
    expect(await ids("nobody-like-this")).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
describe("cursor pages", () => {
  let P: Tenant;
  const created: string[] = [];

  beforeAll(async () => {
    P = await makeTenant("Paging Painters");
    for (let i = 1; i <= 7; i++) created.push((await createCustomer(P.api, { name: `Paged customer ${i}` })).id);
    // Four of them share one updatedAt, the latest: newest first they fill page 1 and start page 2,
    // oldest first they end page 2 and fill page 3, so a page boundary falls inside the tie both ways
    // and only the id can place it.
    const tie = new Date(Date.now() + 1_000);
    await prisma.customer.updateMany({ where: { id: { in: created.slice(2, 6) } }, data: { updatedAt: tie } });
  });

  async function walk(order: "asc" | "desc", extra = "") {
    const pages: string[][] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const res: Sent = await P.api.get(`/customers?limit=3&order=${order}${extra}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.status, res.text).toBe(200);
      pages.push(res.json.data.map((c: { id: string }) => c.id));
      cursor = res.json.nextCursor;
      if (!cursor) return pages;
    }
    throw new Error("the pages never ended");
  }

  async function expectedOrder(order: "asc" | "desc") {
    const rows = await prisma.customer.findMany({ where: { businessId: P.business.id }, orderBy: [{ updatedAt: order }, { id: order }], select: { id: true } });
    return rows.map((r) => r.id);
  }

  it("limit=3 newest first: pages chain through nextCursor with no duplicates and no gaps", async () => {
    const pages = await walk("desc");
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const ids = pages.flat();
    expect(new Set(ids).size).toBe(7);
    expect(ids).toEqual(await expectedOrder("desc"));
    expect([...ids].sort()).toEqual([...created].sort());
  });

  it("limit=3 oldest first (order=asc) is the same items in reverse", async () => {
    const pages = await walk("asc");
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const ids = pages.flat();
    expect(ids).toEqual(await expectedOrder("asc"));
    expect(ids).toEqual([...(await walk("desc")).flat()].reverse());
  });

  it("a full page at the end still says whether more exist (limit = count)", async () => {
    const res = await P.api.get("/customers?limit=7");
    expect(res.json.data).toHaveLength(7);
    expect(res.json.nextCursor).toBeNull();
    const six = await P.api.get("/customers?limit=6");
    expect(six.json.data).toHaveLength(6);
    expect(six.json.nextCursor).toEqual(expect.any(String));
  });

  it("updatedSince with order=asc returns only what changed since, oldest change first", async () => {
    const latest = await prisma.customer.findFirstOrThrow({ where: { businessId: P.business.id }, orderBy: { updatedAt: "desc" } });
    // Strictly after every existing change, and before the next ones (the server shares this clock).
    const since = new Date(Math.max(Date.now(), latest.updatedAt.getTime()) + 5);
    while (Date.now() <= since.getTime() + 5) await new Promise((r) => setTimeout(r, 5));
    const first = await P.api.patch(`/customers/${created[0]}`, { notes: "changed first" });
    expect(first.status).toBe(200);
    await new Promise((r) => setTimeout(r, 5));
    const second = await P.api.patch(`/customers/${created[5]}`, { notes: "changed second" });
    expect(second.status).toBe(200);

    const res = await P.api.get(`/customers?order=asc&updatedSince=${encodeURIComponent(since.toISOString())}`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.data.map((c: { id: string }) => c.id)).toEqual([created[0], created[5]]);
    expect(res.json.nextCursor).toBeNull();

    // Paged with limit=1, the same two, chained by the cursor together with updatedSince.
    const page1 = await P.api.get(`/customers?order=asc&limit=1&updatedSince=${encodeURIComponent(since.toISOString())}`);
    expect(page1.json.data.map((c: { id: string }) => c.id)).toEqual([created[0]]);
    const page2 = await P.api.get(`/customers?order=asc&limit=1&updatedSince=${encodeURIComponent(since.toISOString())}&cursor=${page1.json.nextCursor}`);
    expect(page2.json.data.map((c: { id: string }) => c.id)).toEqual([created[5]]);
    expect(page2.json.nextCursor).toBeNull();

    // A time zone offset is accepted too.
    const offset = await P.api.get(`/customers?order=asc&updatedSince=${encodeURIComponent(since.toISOString().replace("Z", "+00:00"))}`);
    expect(offset.status).toBe(200);
    expect(offset.json.data).toHaveLength(2);
  });

  it("a cursor that is not one of ours is a 400 validation_failed", async () => {
    const forged = [
      "not-a-cursor",
      Buffer.from("{}").toString("base64url"),
      Buffer.from(JSON.stringify({ at: "yesterday", id: "x" })).toString("base64url"),
      Buffer.from(JSON.stringify({ at: new Date().toISOString(), id: "x", extra: 1 })).toString("base64url"),
    ];
    for (const cursor of forged) {
      const res = await P.api.get(`/customers?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status, cursor).toBe(400);
      expect(res.json.error.code).toBe("validation_failed");
      expect(res.json.error.fields).toHaveProperty("cursor");
    }
  });

  it("limit outside 1..100, a bad order or updatedSince, and unknown parameters are 400s", async () => {
    for (const query of ["limit=0", "limit=101", "limit=abc", "limit=2.5"]) {
      const res = await P.api.get(`/customers?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.json.error.code).toBe("validation_failed");
      expect(res.json.error.fields, query).toHaveProperty("limit");
    }
    expect((await P.api.get("/customers?limit=100")).status).toBe(200);
    expect((await P.api.get("/customers?limit=1")).status).toBe(200);
    expect((await P.api.get("/customers?order=sideways")).json.error.fields).toHaveProperty("order");
    expect((await P.api.get("/customers?updatedSince=last-tuesday")).json.error.fields).toHaveProperty("updatedSince");
    for (const pathname of [
      "/customers?page=2",
      "/invoices?sort=total",
      "/estimates?foo=1",
      "/payments?createdSince=2020-01-01T00:00:00Z",
      "/invoices/x/payments?invoiceId=y",
    ]) {
      const res = await P.api.get(pathname);
      expect(res.status, pathname).toBe(pathname.startsWith("/invoices/x") ? 404 : 400);
      if (res.status === 400) expect(Object.values(res.json.error.fields).flat()).toContain("Unknown field");
    }
  });

  it("filters with a NUL or other control characters are answered, not a 500", async () => {
    for (const pathname of [
      "/customers?q=%00",
      "/customers?q=a%00b",
      "/customers?q=%01%7F",
      "/invoices?customerId=%00",
      "/estimates?customerId=%00",
      "/payments?invoiceId=%00",
    ]) {
      const res = await P.api.get(pathname);
      expect([200, 400], `${pathname}: ${res.text}`).toContain(res.status);
      if (res.status === 200) expect(res.json.data, pathname).toEqual([]);
    }
  });

  it("invoices page the same way", async () => {
    const customer = await createCustomer(P.api, { name: "Invoice pager" });
    for (let i = 0; i < 4; i++) await createInvoice(P.api, customer.id);
    const seenIds: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Sent = await P.api.get(`/invoices?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      seenIds.push(...res.json.data.map((i: { id: string }) => i.id));
      cursor = res.json.nextCursor;
    } while (cursor);
    expect(seenIds).toHaveLength(4);
    expect(new Set(seenIds).size).toBe(4);
  });
});

// ---------------------------------------------------------------------------------------------
describe("invoices with line items", () => {
  let customer: { id: string; email: string | null };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from a fake or a response, read loosely
  let invoice: any;

  beforeAll(async () => {
    customer = await createCustomer(A.api, { name: "Invoice Customer", email: "billing@invoice-customer.example" });
  });

  it("POST creates a draft (201) with the totals in cents", async () => {
    const res = await A.api.post("/invoices", {
      customerId: customer.id,
      issueDate: today,
      dueDate: inTwoWeeks,
      taxMode: "PER_LINE",
      notes: "Thanks for your business",
      terms: "Net 14",
      lines: [
        { description: "Copper pipe", quantity: "1.5", unitPriceCents: 12_345, taxRate: "8.875" },
        { description: "Labour", quantity: "2", unitPriceCents: 5_000, taxRate: "0" },
      ],
    });
    expect(res.status, res.text).toBe(201);
    invoice = res.json.data;
    // 1.5 × 123.45 = 185.175 → 185.18; tax 8.875 % of 185.18 = 16.434… → 16.43; 2 × 50.00 = 100.00.
    expect(invoice).toMatchObject({
      status: "DRAFT",
      currency: "USD",
      customerId: customer.id,
      customerName: "Invoice Customer",
      issueDate: today,
      dueDate: inTwoWeeks,
      taxMode: "PER_LINE",
      notes: "Thanks for your business",
      terms: "Net 14",
      subtotalCents: 28_518,
      discountCents: 0,
      taxCents: 1_643,
      totalCents: 30_161,
      amountPaidCents: 0,
      balanceCents: 30_161,
      depositCents: 0,
      overdue: false,
      sentAt: null,
      estimateId: null,
    });
    expect(invoice.lines).toEqual([
      { description: "Copper pipe", quantity: "1.5", unitPriceCents: 12_345, taxRate: "8.875", amountCents: 18_518, taxCents: 1_643 },
      { description: "Labour", quantity: "2", unitPriceCents: 5_000, taxRate: "0", amountCents: 10_000, taxCents: 0 },
    ]);
    expect(invoice.displayNumber).toBe(`INV-${String(invoice.number).padStart(4, "0")}`);
    const row = await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id }, include: { lines: true } });
    expect(row).toMatchObject({ businessId: A.business.id, totalCents: 30_161 });
    expect(row.lines).toHaveLength(2);
  });

  it("invoice-level tax, a percent discount and a deposit", async () => {
    const res = await A.api.post("/invoices", {
      customerId: customer.id,
      issueDate: today,
      dueDate: inTwoWeeks,
      taxMode: "INVOICE",
      taxRate: "10",
      discountType: "PERCENT",
      discountPercent: "12.5",
      depositCents: 5_000,
      lines: [{ description: "Water heater", quantity: "1", unitPriceCents: 80_000 }],
    });
    expect(res.status, res.text).toBe(201);
    // 800.00 − 12.5 % (100.00) = 700.00, + 10 % tax (70.00) = 770.00.
    expect(res.json.data).toMatchObject({
      subtotalCents: 80_000,
      discountCents: 10_000,
      taxCents: 7_000,
      totalCents: 77_000,
      discountType: "PERCENT",
      discountPercent: "12.5",
      discountAmountCents: null,
      taxRate: "10",
      depositCents: 5_000,
    });

    const amount = await A.api.post("/invoices", { ...invoiceBody(customer.id), discountType: "AMOUNT", discountAmountCents: 2_500 });
    expect(amount.status, amount.text).toBe(201);
    expect(amount.json.data).toMatchObject({
      subtotalCents: 10_000,
      discountCents: 2_500,
      totalCents: 7_500,
      discountAmountCents: 2_500,
      discountPercent: null,
    });
  });

  it("GET returns it with its lines and an ETag; If-None-Match gives 304", async () => {
    const res = await A.api.get(`/invoices/${invoice.id}`);
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual(invoice);
    const etag = res.headers.get("etag")!;
    expect((await A.api.get(`/invoices/${invoice.id}`, { "If-None-Match": etag })).status).toBe(304);
  });

  it("the list includes the lines, and filters by status and customer", async () => {
    const res = await A.api.get("/invoices?limit=100");
    expect(res.status).toBe(200);
    const listed = res.json.data.find((i: { id: string }) => i.id === invoice.id);
    expect(listed).toEqual(invoice);
    const drafts = await A.api.get(`/invoices?status=DRAFT&customerId=${customer.id}&limit=100`);
    expect(drafts.json.data.map((i: { id: string }) => i.id)).toContain(invoice.id);
    expect(drafts.json.data.every((i: { status: string; customerId: string }) => i.status === "DRAFT" && i.customerId === customer.id)).toBe(true);
    expect((await A.api.get("/invoices?status=PAID")).json.data.map((i: { id: string }) => i.id)).not.toContain(invoice.id);
    expect((await A.api.get("/invoices?status=LATE")).status).toBe(400);
  });

  it("PATCH lines replaces every line; other fields are kept; null clears notes", async () => {
    const res = await A.api.patch(`/invoices/${invoice.id}`, { lines: [{ description: "Flat rate", quantity: "3", unitPriceCents: 1_000, taxRate: "5" }] });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data.lines).toEqual([{ description: "Flat rate", quantity: "3", unitPriceCents: 1_000, taxRate: "5", amountCents: 3_000, taxCents: 150 }]);
    expect(res.json.data).toMatchObject({
      subtotalCents: 3_000,
      taxCents: 150,
      totalCents: 3_150,
      notes: "Thanks for your business",
      terms: "Net 14",
      taxMode: "PER_LINE",
      dueDate: inTwoWeeks,
    });
    expect(await prisma.invoiceLine.count({ where: { invoiceId: invoice.id } })).toBe(1);

    const cleared = await A.api.patch(`/invoices/${invoice.id}`, { notes: null, dueDate: shiftDays(today, 30) });
    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.json.data).toMatchObject({ notes: null, terms: "Net 14", dueDate: shiftDays(today, 30), totalCents: 3_150 });
    expect(cleared.json.data.lines).toHaveLength(1);
    invoice = cleared.json.data;
  });

  it("PATCH with a stale If-Match is a 412 and changes nothing", async () => {
    const etag = (await A.api.get(`/invoices/${invoice.id}`)).headers.get("etag")!;
    expect((await A.api.patch(`/invoices/${invoice.id}`, { terms: "Net 7" }, { "If-Match": etag })).status).toBe(200);
    const before = await snapshot(A.business.id);
    const stale = await A.api.patch(`/invoices/${invoice.id}`, { terms: "Net 1" }, { "If-Match": etag });
    expect(stale.status).toBe(412);
    expect(await snapshot(A.business.id)).toEqual(before);
  });

  it("pay-link of a draft is a 409", async () => {
    const res = await A.api.get(`/invoices/${invoice.id}/pay-link`);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("invoice_not_sent");
  });

  it('send {"via":"text"} marks it sent and returns a pay link that opens the public pay page', async () => {
    const emailsBefore = await prisma.emailMessage.count({ where: { businessId: A.business.id } });
    const res = await A.api.post(`/invoices/${invoice.id}/send`, { via: "text" });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data.status).toBe("SENT");
    expect(res.json.data.sentAt).toEqual(expect.any(String));
    const link = res.json.payLink;
    expect(link.url).toMatch(new RegExp(`^${server.url}/pay/${invoice.id}\\?t=[A-Za-z0-9_-]{24}&d=\\d+$`));
    expect(link.smsBody).toContain(link.url);
    expect(link.smsBody).toContain(invoice.displayNumber);
    expect(link.smsBody).toContain("$31.50");
    expect(new Date(link.expiresAt).getTime()).toBeGreaterThan(Date.now() + 59 * 86_400_000);
    // Texting is the app's job: nothing was emailed.
    expect(await prisma.emailMessage.count({ where: { businessId: A.business.id } })).toBe(emailsBefore);

    const payLink = await A.api.get(`/invoices/${invoice.id}/pay-link`);
    expect(payLink.status).toBe(200);
    expect(payLink.json.data.url).toBe(link.url);

    const page = await fetch(payLink.json.data.url);
    const html = await page.text();
    seen.push({ method: "GET", path: "/pay/<link>", status: page.status });
    expect(page.status).toBe(200);
    expect(html).toContain(invoice.displayNumber);
  });

  it('send {"via":"email"} queues an EmailMessage to the customer; without a body it emails too', async () => {
    const second = await createInvoice(A.api, customer.id);
    const res = await A.api.post(`/invoices/${second.id}/send`, { via: "email" });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data.status).toBe("SENT");
    expect(res.json.payLink.url).toContain(`/pay/${second.id}?`);
    const emails = await prisma.emailMessage.findMany({ where: { invoiceId: second.id } });
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ to: "billing@invoice-customer.example", template: "invoice-sent", businessId: A.business.id, status: "QUEUED" });

    const third = await createInvoice(A.api, customer.id);
    const bare = await call("POST", `/invoices/${third.id}/send`, { token: A.api.token });
    expect(bare.status, bare.text).toBe(200);
    expect(await prisma.emailMessage.count({ where: { invoiceId: third.id } })).toBe(1);
  });

  it("send by email to a customer without an email address is a 409 that sends nothing", async () => {
    const noEmail = await createCustomer(A.api, { name: "No Email Person", phone: "555-222-3333" });
    const draft = await createInvoice(A.api, noEmail.id);
    const res = await A.api.post(`/invoices/${draft.id}/send`, { via: "email" });
    expect(res.status).toBe(409);
    const row = await prisma.invoice.findUniqueOrThrow({ where: { id: draft.id } });
    expect(row.status).toBe("DRAFT");
    expect(await prisma.emailMessage.count({ where: { invoiceId: draft.id } })).toBe(0);
    // Texting it works.
    expect((await A.api.post(`/invoices/${draft.id}/send`, { via: "text" })).status).toBe(200);
    expect((await A.api.post(`/invoices/${draft.id}/send`, { via: "fax" })).status).toBe(400);
  });

  it("a manual payment with an Idempotency-Key is recorded once (201, then 200 duplicate)", async () => {
    const key = `retry-${crypto.randomUUID()}`;
    const first = await payInvoice(A.api, invoice.id, 1_000, key);
    expect(first.status, first.text).toBe(201);
    expect(first.json.duplicate).toBe(false);
    expect(first.json.data).toMatchObject({
      invoiceId: invoice.id,
      amountCents: 1_000,
      currency: "USD",
      method: "CHECK",
      provider: "manual",
      status: "SUCCEEDED",
      reference: "1042",
    });
    const second = await payInvoice(A.api, invoice.id, 1_000, key);
    expect(second.status, second.text).toBe(200);
    expect(second.json.duplicate).toBe(true);
    expect(second.json.data.id).toBe(first.json.data.id);
    expect(await prisma.payment.count({ where: { invoiceId: invoice.id } })).toBe(1);

    const updated = await A.api.get(`/invoices/${invoice.id}`);
    expect(updated.json.data).toMatchObject({ status: "PARTIALLY_PAID", amountPaidCents: 1_000, balanceCents: 2_150, totalCents: 3_150 });
  });

  it("the same Idempotency-Key on another invoice or for another amount is refused, not reported as recorded", async () => {
    const key = `shared-${crypto.randomUUID()}`;
    const other = await createInvoice(A.api, customer.id);
    expect((await payInvoice(A.api, other.id, 500, key)).status).toBe(201);
    const paymentsBefore = await prisma.payment.count();
    const elsewhere = await payInvoice(A.api, invoice.id, 500, key);
    expect(elsewhere.status, elsewhere.text).toBe(409);
    const differentAmount = await payInvoice(A.api, other.id, 700, key);
    expect(differentAmount.status, differentAmount.text).toBe(409);
    expect(await prisma.payment.count()).toBe(paymentsBefore);
    expect((await A.api.get(`/invoices/${invoice.id}`)).json.data.amountPaidCents).toBe(1_000);
  });

  it("an invalid Idempotency-Key or payment body is a 400 that records nothing", async () => {
    const before = await rowCounts();
    const badKey = await payInvoice(A.api, invoice.id, 100, "short");
    expect(badKey.status).toBe(400);
    expect(badKey.json.error.fields).toHaveProperty("Idempotency-Key");
    for (const [body, field] of [
      [{ amountCents: 0, method: "CASH", receivedOn: today }, "amountCents"],
      [{ amountCents: -5, method: "CASH", receivedOn: today }, "amountCents"],
      [{ amountCents: 1.5, method: "CASH", receivedOn: today }, "amountCents"],
      [{ amountCents: 100, method: "CARD", receivedOn: today }, "method"],
      [{ amountCents: 100, method: "CASH", receivedOn: "2024-02-30" }, "receivedOn"],
      [{ amountCents: 100, method: "CASH", receivedOn: today, invoiceId: "x" }, "invoiceId"],
    ] as const) {
      const res = await A.api.post(`/invoices/${invoice.id}/payments`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.fields, JSON.stringify(body)).toHaveProperty([field]);
    }
    expect(await rowCounts()).toEqual(before);
  });

  it("PATCH of a sent invoice keeps the earlier version as a revision; a total below what was paid is refused", async () => {
    const current = (await A.api.get(`/invoices/${invoice.id}`)).json.data;
    expect(current.status).toBe("PARTIALLY_PAID");
    const revisions = await prisma.invoiceRevision.count({ where: { invoiceId: invoice.id } });
    const res = await A.api.patch(`/invoices/${invoice.id}`, { terms: "Net 30" });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toMatchObject({ terms: "Net 30", version: current.version + 1, status: "PARTIALLY_PAID", amountPaidCents: 1_000, totalCents: 3_150 });
    expect(await prisma.invoiceRevision.count({ where: { invoiceId: invoice.id } })).toBe(revisions + 1);

    // An empty PATCH changes nothing: no revision, no new version, no change for the apps to sync.
    const unchanged = await snapshot(A.business.id);
    const empty = await A.api.patch(`/invoices/${invoice.id}`, {});
    expect(empty.status, empty.text).toBe(200);
    expect(empty.json.data).toEqual(res.json.data);
    expect(await snapshot(A.business.id)).toEqual(unchanged);

    const before = await rowCounts();
    const low = await A.api.patch(`/invoices/${invoice.id}`, { lines: [{ description: "Cheaper", quantity: "1", unitPriceCents: 500 }] });
    expect(low.status, low.text).toBe(400);
    expect(low.json.error.fields).toHaveProperty(["lines"]);
    expect(await rowCounts()).toEqual(before);
  });

  it("a PAID invoice cannot be changed (409) and nothing is written", async () => {
    const res = await payInvoice(A.api, invoice.id, 2_150, `rest-${crypto.randomUUID()}`);
    expect(res.status).toBe(201);
    const paid = await A.api.get(`/invoices/${invoice.id}`);
    expect(paid.json.data).toMatchObject({ status: "PAID", amountPaidCents: 3_150, balanceCents: 0, paidAt: expect.any(String) });

    const before = await snapshot(A.business.id);
    const patch = await A.api.patch(`/invoices/${invoice.id}`, { lines: [{ description: "Sneaky", quantity: "1", unitPriceCents: 1 }] });
    expect(patch.status).toBe(409);
    expect(patch.json.error.code).toBe("conflict");
    const notes = await A.api.patch(`/invoices/${invoice.id}`, { notes: "just a note" });
    expect(notes.status).toBe(409);
    expect(await snapshot(A.business.id)).toEqual(before);
  });

  it("void: the invoice stops being payable, pay-link and send are 409s", async () => {
    const sent = await createInvoice(A.api, customer.id);
    expect((await A.api.post(`/invoices/${sent.id}/send`, { via: "text" })).status).toBe(200);
    const res = await A.api.post(`/invoices/${sent.id}/void`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toMatchObject({ status: "VOID", voidedAt: expect.any(String) });
    const link = await A.api.get(`/invoices/${sent.id}/pay-link`);
    expect(link.status).toBe(409);
    expect(link.json.error.code).toBe("invoice_void");
    expect((await A.api.post(`/invoices/${sent.id}/send`, { via: "text" })).status).toBe(409);
    const before = await rowCounts();
    expect((await payInvoice(A.api, sent.id, 100, `void-${crypto.randomUUID()}`)).status).toBe(409);
    expect((await A.api.patch(`/invoices/${sent.id}`, { notes: "x" })).status).toBe(409);
    expect(await rowCounts()).toEqual(before);
    // Voiding twice is harmless.
    expect((await A.api.post(`/invoices/${sent.id}/void`)).status).toBe(200);
  });

  it("a missing or malformed id is a JSON 404", async () => {
    for (const pathname of ["/invoices/doesnotexist", "/invoices/doesnotexist/pay-link", "/customers/%00bad", `/payments/${"x".repeat(80)}`]) {
      const res = await A.api.get(pathname);
      expect(res.status, pathname).toBe(404);
      expect(res.json.error.code).toBe("not_found");
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe("estimates", () => {
  let customer: { id: string };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from a fake or a response, read loosely
  let estimate: any;

  beforeAll(async () => {
    customer = await createCustomer(A.api, { name: "Estimate Customer", email: "estimates@customer.example" });
  });

  it("POST creates a draft estimate (201); PATCH changes lines and validUntil", async () => {
    const res = await A.api.post("/estimates", estimateBody(customer.id, { notes: "Valid for 30 days" }));
    expect(res.status, res.text).toBe(201);
    estimate = res.json.data;
    expect(estimate).toMatchObject({
      status: "DRAFT",
      subtotalCents: 50_000,
      totalCents: 50_000,
      validUntil: shiftDays(today, 30),
      invoiceId: null,
      notes: "Valid for 30 days",
    });
    expect(estimate.displayNumber).toMatch(/^EST-\d{4}$/);

    const patch = await A.api.patch(`/estimates/${estimate.id}`, {
      validUntil: shiftDays(today, 45),
      lines: [
        { description: "Demolition", quantity: "1", unitPriceCents: 30_000 },
        { description: "Drywall", quantity: "12.25", unitPriceCents: 1_999 },
      ],
    });
    expect(patch.status, patch.text).toBe(200);
    // 12.25 × 19.99 = 244.8775 → 244.88.
    expect(patch.json.data).toMatchObject({ validUntil: shiftDays(today, 45), subtotalCents: 54_488, totalCents: 54_488, notes: "Valid for 30 days" });
    expect(patch.json.data.lines.map((l: { quantity: string }) => l.quantity)).toEqual(["1", "12.25"]);
    expect(await prisma.estimateLine.count({ where: { estimateId: estimate.id } })).toBe(2);
    const cleared = await A.api.patch(`/estimates/${estimate.id}`, { validUntil: null });
    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.json.data.validUntil).toBeNull();
    estimate = cleared.json.data;

    const unchanged = await snapshot(A.business.id);
    const empty = await A.api.patch(`/estimates/${estimate.id}`, {});
    expect(empty.status, empty.text).toBe(200);
    expect(empty.json.data).toEqual(estimate);
    expect(await snapshot(A.business.id)).toEqual(unchanged);

    const get = await A.api.get(`/estimates/${estimate.id}`);
    expect(get.json.data).toEqual(estimate);
    expect((await A.api.get(`/estimates/${estimate.id}`, { "If-None-Match": get.headers.get("etag")! })).status).toBe(304);
    const list = await A.api.get("/estimates?limit=100&status=DRAFT");
    expect(list.json.data.find((e: { id: string }) => e.id === estimate.id)).toEqual(estimate);
  });

  it("convert before approval is a 409 that creates no invoice", async () => {
    const before = await rowCounts();
    const res = await A.api.post(`/estimates/${estimate.id}/convert`);
    expect(res.status).toBe(409);
    expect(await rowCounts()).toEqual(before);
  });

  it("send emails the customer and marks it sent; a customer without email gets a 409", async () => {
    const res = await A.api.post(`/estimates/${estimate.id}/send`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toMatchObject({ status: "SENT", sentAt: expect.any(String) });
    const emails = await prisma.emailMessage.findMany({ where: { estimateId: estimate.id } });
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ to: "estimates@customer.example", template: "estimate-sent" });

    const noEmail = await createCustomer(A.api, { name: "Estimate No Email" });
    const draft = await A.api.post("/estimates", estimateBody(noEmail.id));
    expect(draft.status).toBe(201);
    const refused = await A.api.post(`/estimates/${draft.json.data.id}/send`);
    expect(refused.status).toBe(409);
    expect((await prisma.estimate.findUniqueOrThrow({ where: { id: draft.json.data.id } })).status).toBe("DRAFT");
    expect(await prisma.emailMessage.count({ where: { estimateId: draft.json.data.id } })).toBe(0);
  });

  it("approved (by the customer), convert makes one invoice (201), again returns it (200)", async () => {
    await decideEstimate(estimate.id, "approve");
    const res = await A.api.post(`/estimates/${estimate.id}/convert`);
    expect(res.status, res.text).toBe(201);
    const invoice = res.json.data;
    expect(invoice).toMatchObject({ status: "DRAFT", estimateId: estimate.id, customerId: customer.id, subtotalCents: 54_488, totalCents: 54_488 });
    expect(invoice.lines.map((l: { description: string }) => l.description)).toEqual(["Demolition", "Drywall"]);

    const again = await A.api.post(`/estimates/${estimate.id}/convert`);
    expect(again.status, again.text).toBe(200);
    expect(again.json.data.id).toBe(invoice.id);
    expect(await prisma.invoice.count({ where: { estimateId: estimate.id } })).toBe(1);

    const after = await A.api.get(`/estimates/${estimate.id}`);
    expect(after.json.data).toMatchObject({ status: "APPROVED", invoiceId: invoice.id, approvedAt: expect.any(String) });
    // An approved estimate is frozen.
    expect((await A.api.patch(`/estimates/${estimate.id}`, { notes: "late change" })).status).toBe(409);
  });
});

// ---------------------------------------------------------------------------------------------
describe("payments", () => {
  let invoiceId: string;
  const paymentIds: string[] = [];

  beforeAll(async () => {
    const customer = await createCustomer(A.api, { name: "Payment Customer" });
    invoiceId = (await createInvoice(A.api, customer.id, { lines: [{ description: "Big job", quantity: "1", unitPriceCents: 100_000 }] })).id;
    for (const amount of [1_100, 2_200, 3_300]) {
      const res = await payInvoice(A.api, invoiceId, amount, `list-${amount}-${crypto.randomUUID()}`);
      expect(res.status).toBe(201);
      paymentIds.push(res.json.data.id);
    }
  });

  it("GET /payments lists the business's payments newest first", async () => {
    const res = await A.api.get("/payments?limit=100");
    expect(res.status).toBe(200);
    const ids = res.json.data.map((p: { id: string }) => p.id);
    expect(ids.slice(0, 3)).toEqual([...paymentIds].reverse());
    const created = res.json.data.map((p: { createdAt: string }) => p.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
    expect(res.json.data.every((p: { currency: string }) => p.currency === "USD")).toBe(true);

    const paged = await A.api.get("/payments?limit=2");
    expect(paged.json.data.map((p: { id: string }) => p.id)).toEqual([paymentIds[2], paymentIds[1]]);
    const next = await A.api.get(`/payments?limit=2&cursor=${paged.json.nextCursor}`);
    expect(next.json.data[0].id).toBe(paymentIds[0]);
  });

  it("POST /payments/:id/refund records a manual refund once and recomputes the invoice; a card payment needs Stripe set up", async () => {
    const customer = await createCustomer(A.api, { name: "Refund Customer" });
    const invoice = await createInvoice(A.api, customer.id, { lines: [{ description: "Job", quantity: "1", unitPriceCents: 10_000 }] });
    const paid = await payInvoice(A.api, invoice.id, 4_000, `refund-${crypto.randomUUID()}`);
    const res = await A.api.post(`/payments/${paid.json.data.id}/refund`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toMatchObject({ status: "REFUNDED", refundedCents: 4_000 });
    expect((await A.api.get(`/invoices/${invoice.id}`)).json.data).toMatchObject({ amountPaidCents: 0, balanceCents: 10_000 });
    const again = await A.api.post(`/payments/${paid.json.data.id}/refund`);
    expect(again.status).toBe(200);
    expect(await prisma.activityEvent.count({ where: { businessId: A.business.id, type: "payment.refunded", invoiceId: invoice.id } })).toBe(1);
    expect((await A.api.post(`/payments/${paid.json.data.id}/refund`, { amountCents: 1 })).status).toBe(400);

    const card = await prisma.payment.create({
      data: {
        businessId: A.business.id,
        invoiceId: invoice.id,
        amountCents: 1_000,
        currency: "USD",
        method: "CARD",
        provider: "stripe",
        providerPaymentId: `pi_${crypto.randomUUID()}`,
        receivedAt: new Date(),
      },
    });
    // Online payments are refunded at the provider (tests/integration/stripe-refunds.test.ts); this server has no Stripe.
    expect((await A.api.post(`/payments/${card.id}/refund`)).json.error.fields).toHaveProperty("reason");
    const refused = await A.api.post(`/payments/${card.id}/refund`, { reason: "Customer asked" });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/Stripe is not set up/);
    expect((await prisma.payment.findUniqueOrThrow({ where: { id: card.id } })).status).toBe("SUCCEEDED");
  });

  it("GET /payments/:id returns one, with an ETag", async () => {
    const res = await A.api.get(`/payments/${paymentIds[1]}`);
    expect(res.status).toBe(200);
    expect(res.json.data).toMatchObject({
      id: paymentIds[1],
      invoiceId,
      amountCents: 2_200,
      method: "CHECK",
      provider: "manual",
      status: "SUCCEEDED",
      refundedCents: 0,
      overpaymentCents: 0,
    });
    expect((await A.api.get(`/payments/${paymentIds[1]}`, { "If-None-Match": res.headers.get("etag")! })).status).toBe(304);
  });

  it("lists by invoice: ?invoiceId= and /invoices/:id/payments", async () => {
    for (const pathname of [`/payments?invoiceId=${invoiceId}`, `/invoices/${invoiceId}/payments`]) {
      const res = await A.api.get(pathname);
      expect(res.status, pathname).toBe(200);
      expect(res.json.data.map((p: { id: string }) => p.id)).toEqual([...paymentIds].reverse());
    }
    const asc = await A.api.get(`/invoices/${invoiceId}/payments?order=asc&limit=2`);
    expect(asc.json.data.map((p: { id: string }) => p.id)).toEqual(paymentIds.slice(0, 2));
    const since = await A.api.get(`/payments?invoiceId=${invoiceId}&updatedSince=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(since.json.data).toEqual([]);
    const invoice = await A.api.get(`/invoices/${invoiceId}`);
    expect(invoice.json.data).toMatchObject({ amountPaidCents: 6_600, balanceCents: 93_400, status: "PARTIALLY_PAID" });
  });

  it("a refunded payment comes back in a sync by updatedSince, with its new status", async () => {
    const mark = new Date();
    await new Promise((r) => setTimeout(r, 5));
    expect((await A.api.get(`/payments?order=asc&updatedSince=${encodeURIComponent(mark.toISOString())}`)).json.data).toEqual([]);
    await refundPayment(A.business.id, paymentIds[0]);
    const sync = await A.api.get(`/payments?order=asc&updatedSince=${encodeURIComponent(mark.toISOString())}`);
    expect(sync.status).toBe(200);
    expect(sync.json.data.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([[paymentIds[0], "REFUNDED"]]);
    expect(new Date(sync.json.data[0].updatedAt).getTime()).toBeGreaterThan(mark.getTime());
  });
});

// ---------------------------------------------------------------------------------------------
describe("business profile", () => {
  it("GET returns the profile with an ETag", async () => {
    const res = await A.api.get("/business");
    expect(res.status).toBe(200);
    expect(res.json.data).toMatchObject({
      id: A.business.id,
      name: "Acme Roofing API",
      currency: "USD",
      currencyLocked: true,
      invoicePrefix: "INV-",
      reminderDays: [1, 7, 14],
    });
    expect((await A.api.get("/business", { "If-None-Match": res.headers.get("etag")! })).status).toBe(304);
  });

  it("PATCH name changes it and keeps everything else", async () => {
    const before = (await A.api.get("/business")).json.data;
    const res = await A.api.patch("/business", { name: "Acme Roofing & Gutters", phone: "555-444-1212" });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toMatchObject({ name: "Acme Roofing & Gutters", phone: "555-444-1212" });
    const { name: _n, phone: _p, updatedAt: _u, ...rest } = res.json.data;
    const { name: _n2, phone: _p2, updatedAt: _u2, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    expect((await prisma.business.findUniqueOrThrow({ where: { id: A.business.id } })).name).toBe("Acme Roofing & Gutters");
  });

  it("PATCH currency once documents exist is a 400 on fields.currency and writes nothing", async () => {
    const before = await snapshot(A.business.id);
    const res = await A.api.patch("/business", { currency: "EUR", name: "Should Not Stick" });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("validation_failed");
    expect(res.json.error.fields.currency[0]).toMatch(/cannot change/);
    expect(await snapshot(A.business.id)).toEqual(before);
    // A business without documents may still change it.
    const fresh = await makeTenant("Fresh Business");
    const ok = await fresh.api.patch("/business", { currency: "cad" });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.data).toMatchObject({ currency: "CAD", currencyLocked: false });
  });

  it("a PATCH that does not send nextInvoiceNumber does not fail on it when a document takes a number meanwhile", async () => {
    // The route reads the profile, then saves it merged with the patch. Between the two, another
    // request numbers an invoice and an estimate: replayed here in that order.
    const { apiGetBusiness, apiUpdateBusiness } = await import("~/web/api/api-resources.server");
    const read = await apiGetBusiness(A.business.id);
    const customer = await createCustomer(A.api, { name: "Numbering Race" });
    await createInvoice(A.api, customer.id);
    expect((await A.api.post("/estimates", estimateBody(customer.id))).status).toBe(201);
    const saved = await apiUpdateBusiness(A.business.id, read, { name: "Acme Roofing & Gutters" });
    expect(saved).toMatchObject({ nextInvoiceNumber: read.nextInvoiceNumber + 1, nextEstimateNumber: read.nextEstimateNumber + 1 });
    // A number the client does send is meant: one already used is refused.
    const lower = await A.api.patch("/business", { nextInvoiceNumber: read.nextInvoiceNumber });
    expect(lower.status).toBe(400);
    expect(lower.json.error.fields).toHaveProperty(["nextInvoiceNumber"]);
    const higher = await A.api.patch("/business", { nextInvoiceNumber: read.nextInvoiceNumber + 10 });
    expect(higher.status, higher.text).toBe(200);
    expect(higher.json.data.nextInvoiceNumber).toBe(read.nextInvoiceNumber + 10);
  });

  it("unknown fields, bad values and a stale If-Match are refused and write nothing", async () => {
    const before = await snapshot(A.business.id);
    const unknown = await A.api.patch("/business", { name: "X", id: "other", logo: "data" });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.fields).toEqual({ id: ["Unknown field"], logo: ["Unknown field"] });
    for (const [body, field] of [
      [{ nextInvoiceNumber: 1 }, "nextInvoiceNumber"],
      [{ timeZone: "Mars/Olympus" }, "timeZone"],
      [{ defaultTaxRate: "75" }, "defaultTaxRate"],
      [{ reminderDays: [0] }, "reminderDays.0"],
      [{ name: "" }, "name"],
    ] as const) {
      const res = await A.api.patch("/business", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.fields, JSON.stringify(body)).toHaveProperty([field]);
    }
    const stale = await A.api.patch("/business", { name: "Stale" }, { "If-Match": 'W/"not-the-current-one"' });
    expect(stale.status).toBe(412);
    expect(await snapshot(A.business.id)).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------
describe("bad input writes nothing", () => {
  let customer: { id: string };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from a fake or a response, read loosely
  let draft: any;

  beforeAll(async () => {
    customer = await createCustomer(A.api, { name: "Validation Customer", email: "validation@example.com" });
    draft = await createInvoice(A.api, customer.id);
  });

  async function expectRefused(run: () => Promise<Sent>, status: number, code: string, fields?: Record<string, unknown>) {
    const before = await rowCounts();
    const aBefore = await snapshot(A.business.id);
    const res = await run();
    expect(res.status, res.text).toBe(status);
    expect(res.json.error.code, res.text).toBe(code);
    if (fields) for (const [field, messages] of Object.entries(fields)) expect(res.json.error.fields?.[field], `${field} in ${res.text}`).toEqual(messages);
    expect(await rowCounts()).toEqual(before);
    expect(await snapshot(A.business.id)).toEqual(aBefore);
    return res;
  }

  it("a businessId (or any unknown field) in a body is refused with fields[name] = Unknown field", async () => {
    await expectRefused(() => A.api.post("/customers", { name: "Smuggler", businessId: B.business.id }), 400, "validation_failed", {
      businessId: ["Unknown field"],
    });
    await expectRefused(() => A.api.post("/invoices", { ...invoiceBody(customer.id), businessId: B.business.id }), 400, "validation_failed", {
      businessId: ["Unknown field"],
    });
    await expectRefused(() => A.api.post("/estimates", { ...estimateBody(customer.id), businessId: B.business.id }), 400, "validation_failed", {
      businessId: ["Unknown field"],
    });
    await expectRefused(() => A.api.patch(`/customers/${customer.id}`, { name: "Moved", businessId: B.business.id }), 400, "validation_failed", {
      businessId: ["Unknown field"],
    });
    await expectRefused(() => A.api.patch(`/invoices/${draft.id}`, { businessId: B.business.id, status: "PAID" }), 400, "validation_failed", {
      businessId: ["Unknown field"],
      status: ["Unknown field"],
    });
    await expectRefused(
      () => A.api.post("/invoices", { ...invoiceBody(customer.id), lines: [{ description: "x", quantity: "1", unitPriceCents: 1, amountCents: 999 }] }),
      400,
      "validation_failed",
      { "lines.0.amountCents": ["Unknown field"] },
    );
    await expectRefused(() => A.api.post(`/invoices/${draft.id}/send`, { via: "text", to: "someone@example.com" }), 400, "validation_failed", {
      to: ["Unknown field"],
    });
  });

  // Unknown fields named like members of Object.prototype, in a body or the query string.
  const PROTOTYPE_KEYS = ["constructor", "toString", "__proto__"];
  const prototypeKeyProbes = (key: string) => [
    () =>
      call("POST", "/customers", {
        token: A.api.token,
        rawBody: `{"name":"Proto","${key}":{"businessId":"${B.business.id}"}}`,
        headers: { "Content-Type": "application/json" },
      }),
    () => call("GET", `/customers?${key}=1`, { token: A.api.token }),
  ];

  it("unknown fields named like Object.prototype members are 400s with fields[name] and write nothing", async () => {
    for (const key of PROTOTYPE_KEYS) {
      for (const probe of prototypeKeyProbes(key)) {
        const before = await rowCounts();
        const res = await probe();
        expect(res.status, `${key}: ${res.text}`).toBe(400);
        expect(res.json.error.fields).toEqual({ [key]: ["Unknown field"] });
        expect(await rowCounts()).toEqual(before);
      }
    }
  });

  it("non-JSON bodies, wrong or missing Content-Type, and non-object JSON are 400s", async () => {
    const raw = (body: string, type?: string) => () =>
      call("POST", "/customers", { token: A.api.token, rawBody: body, headers: type ? { "Content-Type": type } : {} });
    await expectRefused(raw('{"name": "Half', "application/json"), 400, "invalid_json");
    await expectRefused(raw("", "application/json"), 400, "invalid_json");
    await expectRefused(raw('{"name":"Typed wrong"}', "text/plain"), 400, "invalid_body");
    await expectRefused(raw("name=Form+Post", "application/x-www-form-urlencoded"), 400, "invalid_body");
    await expectRefused(raw('{"name":"No type"}'), 400, "invalid_body");
    await expectRefused(raw('{"name":"Almost json"}', "application/jsonp"), 400, "invalid_body");
    await expectRefused(raw("[]", "application/json"), 400, "validation_failed");
    await expectRefused(raw('"just a string"', "application/json"), 400, "validation_failed");
    await expectRefused(raw("null", "application/json"), 400, "validation_failed");
    // A charset parameter is fine.
    const ok = await call("POST", "/customers", {
      token: A.api.token,
      rawBody: '{"name":"Charset Ok"}',
      headers: { "Content-Type": "application/json; charset=utf-8" },
    });
    expect(ok.status, ok.text).toBe(201);
  });

  /** A JSON body of about 80 KB sent chunked, without a Content-Length. */
  function streamedBigBody() {
    const encoder = new TextEncoder();
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(encoder.encode('{"name":"Streamed","notes":"'));
        if (sent >= 8) {
          controller.enqueue(encoder.encode('"}'));
          controller.close();
          return;
        }
        sent += 1;
        controller.enqueue(encoder.encode(" ".repeat(10 * 1024)));
      },
    });
    return call("POST", "/customers", { token: A.api.token, rawBody: stream, headers: { "Content-Type": "application/json" }, init: { duplex: "half" } });
  }

  it("a body over 64 KB is a 400 body_too_large", async () => {
    await expectRefused(() => A.api.post("/customers", { name: "Big", notes: "n".repeat(70 * 1024) }), 400, "body_too_large");
    // Just under the limit is read (the customer rules then refuse the long notes).
    const under = await A.api.post("/customers", { name: "Under", notes: "n".repeat(60 * 1024) });
    expect(under.status).toBe(400);
    expect(under.json.error.code).toBe("validation_failed");
    expect(under.json.error.fields).toHaveProperty("notes");
  });

  it("a streamed (chunked) body over 64 KB gets its 400 body_too_large, writes nothing, and the server keeps serving", async () => {
    const before = await rowCounts();
    const res = await streamedBigBody();
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("body_too_large");
    expect(await rowCounts()).toEqual(before);
    expect((await A.api.get("/customers?limit=1")).status).toBe(200);
  });

  it("line items: a negative price, a bad quantity, no lines, a deposit above the total are 400s on the field's path", async () => {
    const line = { description: "Work", quantity: "1", unitPriceCents: 1_000 };
    const post = (overrides: Record<string, unknown>) => () => A.api.post("/invoices", invoiceBody(customer.id, overrides));
    await expectRefused(post({ lines: [line, { ...line, unitPriceCents: -100 }] }), 400, "validation_failed");
    expect((await A.api.post("/invoices", invoiceBody(customer.id, { lines: [{ ...line, unitPriceCents: -100 }] }))).json.error.fields).toHaveProperty([
      "lines.0.unitPriceCents",
    ]);
    for (const quantity of ["abc", "0", "-1", "1.2345", "", "1e3"]) {
      const res = await expectRefused(post({ lines: [{ ...line, quantity }] }), 400, "validation_failed");
      expect(Object.keys(res.json.error.fields), quantity).toEqual(["lines.0.quantity"]);
    }
    const numeric = await expectRefused(post({ lines: [{ ...line, quantity: 2 }] }), 400, "validation_failed");
    expect(numeric.json.error.fields).toHaveProperty(["lines.0.quantity"]);
    const price = await expectRefused(post({ lines: [{ ...line, unitPriceCents: 12.5 }] }), 400, "validation_failed");
    expect(price.json.error.fields).toHaveProperty(["lines.0.unitPriceCents"]);
    const tooPricey = await expectRefused(post({ lines: [{ ...line, unitPriceCents: 100_000_001 }] }), 400, "validation_failed");
    expect(tooPricey.json.error.fields).toHaveProperty(["lines.0.unitPriceCents"]);
    // The messages speak the API's units (cents), not the web form's decimals ("such as 120.50").
    expect(tooPricey.json.error.fields["lines.0.unitPriceCents"]).toEqual(["At most 100000000 minor units (cents)"]);
    expect(price.json.error.fields["lines.0.unitPriceCents"]).toEqual(["Send whole minor units (cents), without a fraction"]);
    const noLines = await expectRefused(post({ lines: [] }), 400, "validation_failed");
    expect(noLines.json.error.fields).toHaveProperty(["lines"]);
    const deposit = await expectRefused(post({ lines: [line], depositCents: 1_001 }), 400, "validation_failed");
    expect(deposit.json.error.fields).toHaveProperty(["depositCents"]);
    const tax = await expectRefused(post({ taxMode: "PER_LINE", lines: [{ ...line, taxRate: "51" }] }), 400, "validation_failed");
    expect(tax.json.error.fields).toHaveProperty(["lines.0.taxRate"]);
    const discount = await expectRefused(post({ discountType: "PERCENT", discountPercent: "150" }), 400, "validation_failed");
    expect(discount.json.error.fields).toHaveProperty(["discountPercent"]);
    const amount = await expectRefused(post({ discountType: "AMOUNT" }), 400, "validation_failed");
    expect(amount.json.error.fields).toHaveProperty(["discountAmountCents"]);
    expect(amount.json.error.fields.discountAmountCents[0]).toMatch(/discountAmountCents: whole minor units above 0/);
    expect(JSON.stringify([price, tooPricey, deposit, amount].map((r) => r.json.error.fields))).not.toMatch(/such as/);
    const due = await expectRefused(post({ dueDate: shiftDays(today, -1) }), 400, "validation_failed");
    expect(due.json.error.fields).toHaveProperty(["dueDate"]);
    const date = await expectRefused(post({ issueDate: "2025-13-01" }), 400, "validation_failed");
    expect(date.json.error.fields).toHaveProperty(["issueDate"]);
    const missing = await expectRefused(() => A.api.post("/invoices", { customerId: customer.id }), 400, "validation_failed");
    expect(missing.json.error.fields).toHaveProperty(["issueDate"]);
    const validUntil = await expectRefused(
      () => A.api.post("/estimates", estimateBody(customer.id, { validUntil: shiftDays(today, -1) })),
      400,
      "validation_failed",
    );
    expect(validUntil.json.error.fields).toHaveProperty(["validUntil"]);
    // The same rules on PATCH, and the invoice is untouched.
    const patch = await expectRefused(() => A.api.patch(`/invoices/${draft.id}`, { lines: [{ ...line, unitPriceCents: -1 }] }), 400, "validation_failed");
    expect(patch.json.error.fields).toHaveProperty(["lines.0.unitPriceCents"]);
    const patchDeposit = await expectRefused(() => A.api.patch(`/invoices/${draft.id}`, { depositCents: draft.totalCents + 1 }), 400, "validation_failed");
    expect(patchDeposit.json.error.fields).toHaveProperty(["depositCents"]);
  });

  it("a NUL character (which Postgres text cannot hold) in any body field is a 400 on that field", async () => {
    const nul = "a\u0000b";
    const line = { description: "Work", quantity: "1", unitPriceCents: 1_000 };
    const cases: [string, () => Promise<Sent>, string][] = [
      ["invoice line description", () => A.api.post("/invoices", invoiceBody(customer.id, { lines: [{ ...line, description: nul }] })), "lines.0.description"],
      ["invoice notes", () => A.api.post("/invoices", invoiceBody(customer.id, { notes: nul })), "notes"],
      ["invoice terms", () => A.api.post("/invoices", invoiceBody(customer.id, { terms: nul })), "terms"],
      ["invoice customerId", () => A.api.post("/invoices", invoiceBody(nul)), "customerId"],
      ["invoice PATCH notes", () => A.api.patch(`/invoices/${draft.id}`, { notes: nul }), "notes"],
      [
        "estimate line description",
        () => A.api.post("/estimates", estimateBody(customer.id, { lines: [{ ...line, description: nul }] })),
        "lines.0.description",
      ],
      [
        "payment reference",
        () => A.api.post(`/invoices/${draft.id}/payments`, { amountCents: 100, method: "CASH", receivedOn: today, reference: nul }),
        "reference",
      ],
      ["payment note", () => A.api.post(`/invoices/${draft.id}/payments`, { amountCents: 100, method: "CASH", receivedOn: today, note: nul }), "note"],
      ["customer notes", () => A.api.post("/customers", { name: "Nul", notes: nul }), "notes"],
      ["business website", () => A.api.patch("/business", { website: `https://example.com/${nul}` }), "website"],
      ["business review link", () => A.api.patch("/business", { reviewUrl: `https://example.com/${nul}` }), "reviewUrl"],
    ];
    for (const [name, run, field] of cases) {
      const res = await expectRefused(run, 400, "validation_failed");
      expect(res.json.error.fields, `${name}: ${res.text}`).toHaveProperty([field]);
    }
  });

  it("a cursor whose id holds a NUL is a 400, not a 500", async () => {
    const cursor = Buffer.from(JSON.stringify({ at: new Date().toISOString(), id: "a\u0000b" })).toString("base64url");
    for (const list of ["/customers", "/invoices", "/estimates", "/payments"]) {
      const res = await A.api.get(`${list}?cursor=${cursor}`);
      expect(res.status, `${list}: ${res.text}`).toBe(400);
      expect(res.json.error.fields).toHaveProperty(["cursor"]);
    }
  });

  it("a customerId of another business is a 400 on fields.customerId", async () => {
    const theirs = await createCustomer(B.api, { name: "B's own customer" });
    await expectRefused(() => A.api.post("/invoices", invoiceBody(theirs.id)), 400, "validation_failed", { customerId: ["Choose one of your customers"] });
    await expectRefused(() => A.api.post("/estimates", estimateBody(theirs.id)), 400, "validation_failed", { customerId: ["Choose one of your customers"] });
    await expectRefused(() => A.api.patch(`/invoices/${draft.id}`, { customerId: theirs.id }), 400, "validation_failed", {
      customerId: ["Choose one of your customers"],
    });
    await expectRefused(() => A.api.post("/invoices", invoiceBody("no-such-customer")), 400, "validation_failed", {
      customerId: ["Choose one of your customers"],
    });
  });

  it("an archived customer cannot get new documents", async () => {
    const archived = await createCustomer(A.api, { name: "Archived Customer" });
    expect((await A.api.patch(`/customers/${archived.id}`, { archived: true })).status).toBe(200);
    const res = await expectRefused(() => A.api.post("/invoices", invoiceBody(archived.id)), 400, "validation_failed");
    expect(res.json.error.fields).toHaveProperty(["customerId"]);
  });

  it("wrong methods are 405 with Allow", async () => {
    const del = await call("DELETE", `/customers/${customer.id}`, { token: A.api.token });
    expect(del.status).toBe(405);
    expect(del.headers.get("allow")).toBe("GET, PATCH");
    const put = await call("PUT", `/invoices/${draft.id}/void`, { token: A.api.token });
    expect(put.status).toBe(405);
    const get = await A.api.get(`/invoices/${draft.id}/send`);
    expect(get.status).toBe(405);
    expect(await prisma.customer.count({ where: { id: customer.id } })).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
describe("tenancy: B's token on A's ids is a 404 that changes nothing", () => {
  const a = { customer: "", invoice: "", draftInvoice: "", estimate: "", approvedEstimate: "", payment: "" };
  let bCustomer: string;
  let bInvoice: string;
  let aInvoiceNumber: string;
  const aPaymentKey = `alpha-${crypto.randomUUID()}`;

  beforeAll(async () => {
    const customer = await createCustomer(A.api, { name: "Quentin Alphaclient", email: "quentin@alpha.example" });
    a.customer = customer.id;
    const invoice = await createInvoice(A.api, customer.id, { lines: [{ description: "Alpha panel upgrade", quantity: "1", unitPriceCents: 777_777 }] });
    a.invoice = invoice.id;
    aInvoiceNumber = invoice.displayNumber;
    expect((await A.api.post(`/invoices/${invoice.id}/send`, { via: "text" })).status).toBe(200);
    const payment = await payInvoice(A.api, invoice.id, 123_456, aPaymentKey);
    a.payment = payment.json.data.id;
    a.draftInvoice = (await createInvoice(A.api, customer.id)).id;
    const estimate = await A.api.post("/estimates", estimateBody(customer.id));
    a.estimate = estimate.json.data.id;
    expect((await A.api.post(`/estimates/${a.estimate}/send`)).status).toBe(200);
    const approved = await A.api.post("/estimates", estimateBody(customer.id));
    a.approvedEstimate = approved.json.data.id;
    expect((await A.api.post(`/estimates/${a.approvedEstimate}/send`)).status).toBe(200);
    await decideEstimate(a.approvedEstimate, "approve");

    bCustomer = (await createCustomer(B.api, { name: "Betty Betaclient", email: "betty@beta.example" })).id;
    bInvoice = (await createInvoice(B.api, bCustomer)).id;
  });

  type Probe = { name: string; run: () => Promise<Sent> };
  const line = { description: "Hijack", quantity: "1", unitPriceCents: 1 };
  const probes: Probe[] = [
    { name: "GET /customers/<A>", run: () => B.api.get(`/customers/${a.customer}`) },
    { name: "PATCH /customers/<A>", run: () => B.api.patch(`/customers/${a.customer}`, { name: "Hijacked" }) },
    { name: "PATCH /customers/<A> archived", run: () => B.api.patch(`/customers/${a.customer}`, { archived: true }) },
    { name: "PATCH /customers/<A> with If-Match *", run: () => B.api.patch(`/customers/${a.customer}`, { name: "Hijacked" }, { "If-Match": "*" }) },
    { name: "GET /invoices/<A>", run: () => B.api.get(`/invoices/${a.invoice}`) },
    { name: "PATCH /invoices/<A>", run: () => B.api.patch(`/invoices/${a.invoice}`, { lines: [line] }) },
    { name: "PATCH /invoices/<A> with B's customer", run: () => B.api.patch(`/invoices/${a.draftInvoice}`, { customerId: bCustomer }) },
    { name: "POST /invoices/<A>/send text", run: () => B.api.post(`/invoices/${a.draftInvoice}/send`, { via: "text" }) },
    { name: "POST /invoices/<A>/send email", run: () => B.api.post(`/invoices/${a.invoice}/send`, { via: "email" }) },
    { name: "POST /invoices/<A>/void", run: () => B.api.post(`/invoices/${a.invoice}/void`) },
    { name: "GET /invoices/<A>/pay-link", run: () => B.api.get(`/invoices/${a.invoice}/pay-link`) },
    { name: "GET /invoices/<A>/payments", run: () => B.api.get(`/invoices/${a.invoice}/payments`) },
    { name: "POST /invoices/<A>/payments", run: () => payInvoice(B.api, a.invoice, 100, `hijack-${crypto.randomUUID()}`) },
    { name: "POST /invoices/<A>/payments with A's Idempotency-Key", run: () => payInvoice(B.api, a.invoice, 123_456, aPaymentKey) },
    { name: "POST /invoices/<A>/payments without a key", run: () => payInvoice(B.api, a.invoice, 100) },
    { name: "GET /estimates/<A>", run: () => B.api.get(`/estimates/${a.estimate}`) },
    { name: "PATCH /estimates/<A>", run: () => B.api.patch(`/estimates/${a.estimate}`, { lines: [line] }) },
    { name: "POST /estimates/<A>/send", run: () => B.api.post(`/estimates/${a.estimate}/send`) },
    { name: "POST /estimates/<A>/convert (approved)", run: () => B.api.post(`/estimates/${a.approvedEstimate}/convert`) },
    { name: "POST /estimates/<A>/convert (sent)", run: () => B.api.post(`/estimates/${a.estimate}/convert`) },
    { name: "GET /payments/<A>", run: () => B.api.get(`/payments/${a.payment}`) },
    { name: "POST /payments/<A>/refund", run: () => B.api.post(`/payments/${a.payment}/refund`) },
  ];

  it.each(probes)("$name", async ({ run }) => {
    const before = await snapshot(A.business.id);
    const bBefore = await snapshot(B.business.id);
    const res = await run();
    expect(res.status, res.text).toBe(404);
    expect(res.json.error.code).toBe("not_found");
    for (const secret of ["Quentin", "Alpha", aInvoiceNumber, "7777.77", "777777"]) expect(res.text).not.toContain(secret);
    expect(await snapshot(A.business.id)).toEqual(before);
    expect(await snapshot(B.business.id)).toEqual(bBefore);
  });

  it("A's own requests on the same ids work (so the 404s are about tenancy)", async () => {
    for (const pathname of [
      `/customers/${a.customer}`,
      `/invoices/${a.invoice}`,
      `/invoices/${a.invoice}/pay-link`,
      `/invoices/${a.invoice}/payments`,
      `/estimates/${a.estimate}`,
      `/payments/${a.payment}`,
    ]) {
      expect((await A.api.get(pathname)).status, pathname).toBe(200);
    }
  });

  it("B's lists never contain A's ids, whatever the filters", async () => {
    const aIds = Object.values(a);
    const lists = [
      "/customers?limit=100",
      "/customers?limit=100&archived=true",
      "/customers?q=Quentin",
      "/customers?q=alpha.example",
      "/invoices?limit=100",
      `/invoices?customerId=${a.customer}`,
      "/invoices?status=PARTIALLY_PAID",
      "/invoices?order=asc&limit=100&updatedSince=2000-01-01T00:00:00Z",
      "/estimates?limit=100",
      `/estimates?customerId=${a.customer}`,
      "/estimates?status=APPROVED",
      "/payments?limit=100",
      `/payments?invoiceId=${a.invoice}`,
    ];
    for (const pathname of lists) {
      const res = await B.api.get(pathname);
      expect(res.status, pathname).toBe(200);
      for (const item of res.json.data as { id: string; customerId?: string; invoiceId?: string }[]) {
        expect(aIds, pathname).not.toContain(item.id);
        if (item.customerId) expect(item.customerId).not.toBe(a.customer);
        if (item.invoiceId) expect(item.invoiceId).not.toBe(a.invoice);
      }
      expect(res.text).not.toContain("Quentin");
      expect(res.text).not.toContain("Alpha panel");
    }
    expect((await B.api.get("/invoices?limit=100")).json.data.map((i: { id: string }) => i.id)).toContain(bInvoice);
  });

  it("A's cursor does not page into A's rows for B", async () => {
    const page = await A.api.get("/customers?limit=1");
    const res = await B.api.get(`/customers?limit=100&cursor=${page.json.nextCursor}`);
    expect(res.status).toBe(200);
    for (const item of res.json.data as { id: string }[]) expect(item.id).not.toBe(a.customer);
  });

  it("A's rows are as A left them", async () => {
    const invoice = await A.api.get(`/invoices/${a.invoice}`);
    expect(invoice.json.data).toMatchObject({ status: "PARTIALLY_PAID", totalCents: 777_777, amountPaidCents: 123_456, version: 1 });
    expect(invoice.json.data.lines.map((l: { description: string }) => l.description)).toEqual(["Alpha panel upgrade"]);
    expect((await A.api.get(`/invoices/${a.draftInvoice}`)).json.data).toMatchObject({ status: "DRAFT", customerId: a.customer });
    expect((await A.api.get(`/estimates/${a.estimate}`)).json.data.status).toBe("SENT");
    expect((await A.api.get(`/estimates/${a.approvedEstimate}`)).json.data).toMatchObject({ status: "APPROVED", invoiceId: null });
    expect((await A.api.get(`/customers/${a.customer}`)).json.data).toMatchObject({ name: "Quentin Alphaclient", archived: false });
    expect(await prisma.payment.count({ where: { invoiceId: a.invoice } })).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
describe("a PATCH never overwrites a change made between its read and its write", () => {
  // The API merges the PATCH into the version it read; the domain re-reads the row under its lock and
  // refuses (409) when it changed in between, instead of writing the stale merged values back.
  it("customers, invoices, estimates and the business: a stale read gets 409 and the other change survives", async () => {
    const customer = await createCustomer(A.api, { name: "Race Customer", phone: "555 0100" });
    const staleCustomer = await apiGetCustomer(A.business.id, customer.id);
    await prisma.customer.update({ where: { id: customer.id }, data: { phone: "555 0199" } });
    await expect(apiUpdateCustomer(A.business.id, staleCustomer, { name: "Race Renamed" })).rejects.toThrow(/changed by someone else/);
    expect(await prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({ name: "Race Customer", phone: "555 0199" });

    const invoice = await createInvoice(A.api, customer.id);
    const staleInvoice = await apiGetInvoice(A.business.id, invoice.id);
    await prisma.invoice.update({ where: { id: invoice.id }, data: { notes: "changed on the web" } });
    await expect(apiUpdateInvoice(A.business.id, staleInvoice, { terms: "Net 7" }, A.user.id)).rejects.toThrow(/changed by someone else/);
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).toMatchObject({ notes: "changed on the web", terms: null });

    const estimateRes = await A.api.post("/estimates", estimateBody(customer.id));
    const staleEstimate = await apiGetEstimate(A.business.id, estimateRes.json.data.id);
    await prisma.estimate.update({ where: { id: staleEstimate.id }, data: { notes: "changed on the web" } });
    await expect(apiUpdateEstimate(A.business.id, staleEstimate, { terms: "Valid 30 days" })).rejects.toThrow(/changed by someone else/);

    const staleBusiness = await apiGetBusiness(A.business.id);
    await prisma.business.update({ where: { id: A.business.id }, data: { phone: "555 0177" } });
    await expect(apiUpdateBusiness(A.business.id, staleBusiness, { name: "Stale Name" })).rejects.toThrow(/changed by someone else/);
    expect(await prisma.business.findUniqueOrThrow({ where: { id: A.business.id } })).toMatchObject({ phone: "555 0177" });

    // Over HTTP the fresh read makes the same PATCH go through.
    const fresh = await A.api.patch(`/customers/${customer.id}`, { name: "Race Renamed" });
    expect(fresh.status).toBe(200);
    expect(fresh.json.data).toMatchObject({ name: "Race Renamed", phone: "555 0199" });
  });
});

describe("OpenAPI document and route drift", () => {
  it("GET /api/v1/openapi.json is the OpenAPI 3.1 document, no token needed", async () => {
    const res = await call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.json.openapi).toBe("3.1.0");
    expect(Object.keys(res.json.paths)).toEqual(expect.arrayContaining(["/api/v1/customers", "/api/v1/invoices/{invoiceId}/payments"]));
    for (const op of OPERATIONS) expect(res.json.paths[`/api/v1${op.path}`]?.[op.method], `${op.method} ${op.path}`).toBeDefined();
  });

  it.each(OPERATIONS.map((op) => ({ ...op, label: `${op.method.toUpperCase()} ${op.path}` })))("$label answers without a token (never 404/405)", async (op) => {
    const pathname = op.path.replace(/\{(\w+)\}/g, "doesNotExist123");
    const res = await call(op.method.toUpperCase(), pathname, {
      body: op.method === "get" ? undefined : {},
      headers: { "X-Forwarded-For": `203.0.113.${Math.floor(Math.random() * 200) + 1}` },
    });
    if (op.auth === false) {
      expect([400, 401], `${op.method} ${op.path}: ${res.text}`).toContain(res.status);
    } else {
      expect(res.status, `${op.method} ${op.path}: ${res.text}`).toBe(401);
      expect(res.json.error.code).toBe("unauthorized");
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
    }
  });

  it("every api.v1 route file is an OPERATIONS path and every OPERATIONS path has a route file", () => {
    const routes = path.resolve(import.meta.dirname, "../../app/routes/api.v1+");
    const files = readdirSync(routes)
      .filter((f) => /^[^_].*\.tsx?$/.test(f) && f !== "$.ts" && !f.includes("openapi"))
      .map((f) => `api.v1.${f}`);
    expect(files.length).toBeGreaterThan(10);
    const fromFiles = files.map(
      (f) =>
        "/" +
        f
          .replace(/\.tsx?$/, "")
          .replace(/^api\.v1\./, "")
          .split(".")
          .filter((s) => s !== "_index")
          .map((s) => (s.startsWith("$") ? `{${s.slice(1)}}` : s))
          .join("/"),
    );
    const documented = new Set(OPERATIONS.map((op) => op.path));
    for (const p of fromFiles) expect(documented.has(p), `route ${p} is not in OPERATIONS`).toBe(true);
    const routed = new Set(fromFiles);
    for (const p of documented) expect(routed.has(p), `OPERATIONS lists ${p} but no route file serves it`).toBe(true);
  });

  it("an unknown path under /api/v1 is a JSON 404 not_found, for any method", async () => {
    for (const method of ["GET", "POST", "PATCH", "DELETE"]) {
      const res = await call(method, "/nope", { token: A.api.token, body: method === "GET" ? undefined : {} });
      expect(res.status, method).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(res.json.error.code).toBe("not_found");
    }
    expect((await call("GET", "/customers/x/y/z", { token: A.api.token })).json.error.code).toBe("not_found");
  });

  it("a garbage or missing bearer token is a 401 on a resource route", async () => {
    for (const token of [null, "garbage", `${A.api.token}x`]) {
      const res = await call("GET", "/customers", { token });
      expect(res.status).toBe(401);
    }
    const basic = await call("GET", "/customers", { headers: { Authorization: "Basic dXNlcjpwYXNz" } });
    expect(basic.status).toBe(401);
  });
});

// Last: no request of this file got a 500, and every API error used the one error format.
it("no response in this file was a 500, and every API error had {error: {code, message}}", () => {
  expect(seen.length).toBeGreaterThan(200);
  expect(seen.filter((s) => s.status >= 500)).toEqual([]);
  expect(badErrorBodies).toEqual([]);
});

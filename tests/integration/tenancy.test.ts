// Tenancy over real HTTP: signed in as business B, every id of business A in every URL is a 404 that
// changes nothing, and B's lists, dashboard and exports never show A's data. A's rows are compared
// before and after. Real Postgres, no mocks.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { todayIn } from "~/utils/dates";
import { createEstimate, sendEstimate } from "~/models/estimate.server";
import { createInvoice, markInvoiceSent } from "~/models/invoice.server";
import { applyPayment } from "~/models/payments/payment.server";
import { prisma } from "~/utils/db.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import type { Browser } from "../helpers/browser";
import { businessSnapshot as snapshot, documentForm, documentInput, makeCustomer } from "../helpers/business-data";
import { elementsAt, visibleHtml } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;

type Tenant = Awaited<ReturnType<typeof makeTenant>>;
let A: Tenant;
let B: Tenant;

// A's data is distinctive so any leak into B's pages is easy to spot.
const A_MARKERS = {
  businessName: "Aardvark Electric Secret Co",
  customerName: "Quentin Alphaclient",
  customerEmail: "quentin.alphaclient@example.com",
  lineDescription: "Alpha panel upgrade",
  estimateLine: "Alpha rewiring estimate",
  total: "7,777.77",
  payment: "1,234.56",
  balance: "6,543.21",
};

async function makeTenant(names: {
  businessName: string;
  customerName: string;
  customerEmail: string;
  lineDescription: string;
  estimateLine: string;
  unitPrice: string;
  payment: number;
}) {
  const { user, business } = await createAccount({ businessName: names.businessName });
  const customer = await makeCustomer(business.id, { name: names.customerName, email: names.customerEmail });
  const invoice = await createInvoice(
    business.id,
    await documentInput({ customerId: customer.id, lines: [{ description: names.lineDescription, quantity: "1", unitPrice: names.unitPrice }] }),
  );
  await markInvoiceSent(business.id, invoice.id);
  await applyPayment({
    businessId: business.id,
    invoiceId: invoice.id,
    amountCents: names.payment,
    currency: "USD",
    method: "CHECK",
    provider: "manual",
    providerPaymentId: `${business.id}:${crypto.randomUUID()}`,
    receivedAt: new Date(),
  });
  const estimate = await createEstimate(
    business.id,
    await documentInput({ customerId: customer.id, lines: [{ description: names.estimateLine, quantity: "2", unitPrice: "321.00" }] }, "USD", "estimate"),
  );
  await sendEstimate(business.id, estimate.id);
  const browser = await signedInBrowser(server, user);
  return { user, business, customer, invoice, estimate, browser };
}

beforeAll(async () => {
  // No job worker: the test compares A's rows before and after B's requests, and a worker delivering
  // A's queued emails meanwhile would change them (attempts, status) for reasons that are not B's.
  server = await startAppServer({ WORKER_IN_PROCESS: "false" });
  A = await makeTenant({ ...A_MARKERS, unitPrice: "7777.77", payment: 123456 });
  B = await makeTenant({
    businessName: "Bluebird Plumbing",
    customerName: "Betty Betaclient",
    customerEmail: "betty@example.com",
    lineDescription: "Beta faucet",
    estimateLine: "Beta estimate line",
    unitPrice: "50.00",
    payment: 1000,
  });
});
afterAll(() => server?.stop());

/**
 * Fails when a page shows anything of A's. An id B typed into the request itself (a query parameter,
 * a submitted field) may be echoed back: B already knows it, so that is not a leak.
 */
function expectNoLeak(body: string, echoed: string[] = []) {
  for (const secret of [...Object.values(A_MARKERS), A.invoice.id, A.estimate.id, A.customer.id]) {
    if (!echoed.includes(secret)) expect(body).not.toContain(secret);
  }
}

const today = () => todayIn("America/New_York");
const listedIds = (html: string) =>
  elementsAt(html, 'tr[data-testid="invoice-row"]').map((row) => row.querySelector('a[href^="/invoices/"]')!.getAttribute("href")!.slice("/invoices/".length));

describe("as B, A's ids are 404 and change nothing", () => {
  type Probe = { name: string; run: (b: Browser) => Promise<Response> };
  const probes: Probe[] = [
    { name: "GET /invoices/<A>", run: (b) => b.get(`/invoices/${A.invoice.id}`) },
    { name: "POST /invoices/<A> without an intent", run: (b) => b.post(`/invoices/${A.invoice.id}`, {}) },
    { name: "POST /invoices/<A> mark-sent", run: (b) => b.post(`/invoices/${A.invoice.id}`, { intent: "mark-sent" }) },
    { name: "POST /invoices/<A> mark-paid", run: (b) => b.post(`/invoices/${A.invoice.id}`, { intent: "mark-paid", key: "tenancyKey1234567890ab" }) },
    {
      name: "POST /invoices/<A> record-payment",
      run: (b) =>
        b.post(`/invoices/${A.invoice.id}`, { intent: "record-payment", key: "tenancyKey1234567890cd", amount: "10.00", method: "CASH", receivedOn: today() }),
    },
    { name: "POST /invoices/<A> void", run: (b) => b.post(`/invoices/${A.invoice.id}`, { intent: "void" }) },
    { name: "GET /invoices/<A>/edit", run: (b) => b.get(`/invoices/${A.invoice.id}/edit`) },
    {
      name: "POST /invoices/<A>/edit with A's customer",
      run: (b) =>
        b.post(
          `/invoices/${A.invoice.id}/edit`,
          documentForm({ customerId: A.customer.id, lines: [{ description: "Hijack", quantity: "1", unitPrice: "1.00" }] }),
        ),
    },
    {
      name: "POST /invoices/<A>/edit with B's customer",
      run: (b) =>
        b.post(
          `/invoices/${A.invoice.id}/edit`,
          documentForm({ customerId: B.customer.id, lines: [{ description: "Hijack", quantity: "1", unitPrice: "1.00" }] }),
        ),
    },
    { name: "GET /invoices/<A>/pdf", run: (b) => b.get(`/invoices/${A.invoice.id}/pdf`) },
    { name: "GET /estimates/<A>", run: (b) => b.get(`/estimates/${A.estimate.id}`) },
    { name: "GET /estimates/<A>/edit", run: (b) => b.get(`/estimates/${A.estimate.id}/edit`) },
    {
      name: "POST /estimates/<A>/edit",
      run: (b) =>
        b.post(
          `/estimates/${A.estimate.id}/edit`,
          documentForm({ customerId: B.customer.id, lines: [{ description: "Hijack", quantity: "1", unitPrice: "1.00" }] }),
        ),
    },
    { name: "POST /estimates/<A> send", run: (b) => b.post(`/estimates/${A.estimate.id}`, { intent: "send" }) },
    { name: "POST /estimates/<A> convert", run: (b) => b.post(`/estimates/${A.estimate.id}`, { intent: "convert" }) },
    { name: "POST /estimates/<A> void", run: (b) => b.post(`/estimates/${A.estimate.id}`, { intent: "void" }) },
    { name: "GET /estimates/<A>/pdf", run: (b) => b.get(`/estimates/${A.estimate.id}/pdf`) },
    { name: "GET /customers/<A>", run: (b) => b.get(`/customers/${A.customer.id}`) },
    { name: "POST /customers/<A> archive", run: (b) => b.post(`/customers/${A.customer.id}`, { intent: "archive" }) },
    { name: "GET /customers/<A>/edit", run: (b) => b.get(`/customers/${A.customer.id}/edit`) },
    { name: "POST /customers/<A>/edit", run: (b) => b.post(`/customers/${A.customer.id}/edit`, { name: "Hijacked name", email: "hijack@example.com" }) },
  ];

  it.each(probes)("$name", async ({ run }) => {
    const before = await snapshot(A.business.id);
    const bBefore = await snapshot(B.business.id);
    const res = await run(B.browser);
    const body = await res.text();
    expect(res.status).toBe(404);
    expectNoLeak(body);
    expect(await snapshot(A.business.id)).toEqual(before);
    expect(await snapshot(B.business.id)).toEqual(bBefore);
  });

  it("POST /invoices/new and /estimates/new with A's customerId: 400, nothing written", async () => {
    const before = await snapshot(A.business.id);
    const bBefore = await snapshot(B.business.id);
    for (const path of ["/invoices/new", "/estimates/new"]) {
      const res = await B.browser.post(path, documentForm({ customerId: A.customer.id }));
      const body = await res.text();
      expect(res.status, path).toBe(400);
      expect(visibleHtml(body)).toContain("Choose one of your customers");
      expectNoLeak(body, [A.customer.id]);
    }
    expect(await snapshot(A.business.id)).toEqual(before);
    expect(await snapshot(B.business.id)).toEqual(bBefore);
  });

  it("does not preselect or list A's customer in B's editors", async () => {
    for (const path of [`/invoices/new?customerId=${A.customer.id}`, `/estimates/new?customerId=${A.customer.id}`, `/invoices/${B.invoice.id}/edit`]) {
      const res = await B.browser.get(path);
      expect(res.status, path).toBe(200);
      const body = await res.text();
      expectNoLeak(body, path.includes(A.customer.id) ? [A.customer.id] : []);
      // A's customer is never an option of the customer select.
      expect(body).not.toContain(`<option value="${A.customer.id}"`);
      expect(body).toContain("Betty Betaclient");
    }
  });
});

describe("A's own pages still work (so the 404s above are about tenancy, not missing routes)", () => {
  const own = [
    `/invoices/{invoice}`,
    `/invoices/{invoice}/edit`,
    `/invoices/{invoice}/pdf`,
    `/estimates/{estimate}`,
    `/estimates/{estimate}/edit`,
    `/estimates/{estimate}/pdf`,
    `/customers/{customer}`,
    `/customers/{customer}/edit`,
  ];
  it.each(own)("A gets 200 for %s", async (template) => {
    const path = template.replace("{invoice}", A.invoice.id).replace("{estimate}", A.estimate.id).replace("{customer}", A.customer.id);
    const res = await A.browser.get(path);
    await res.arrayBuffer();
    expect(res.status).toBe(200);
  });
});

describe("B's lists, dashboard and exports never contain A's data", () => {
  it("/invoices, with and without filters", async () => {
    const paths = [
      "/invoices",
      `/invoices?customerId=${A.customer.id}`,
      `/invoices?q=${encodeURIComponent(A_MARKERS.customerName)}`,
      "/invoices?q=1",
      "/invoices?status=PARTIALLY_PAID",
      "/estimates",
      "/customers",
      `/customers?q=${encodeURIComponent("Quentin")}`,
    ];
    for (const path of paths) {
      const res = await B.browser.get(path);
      const body = await res.text();
      expect(res.status, path).toBe(200);
      // What B typed (a customerId, a search) comes back in the filter form; nothing else of A's may.
      const typed = [A.customer.id, A_MARKERS.customerName].filter((v) => path.includes(v) || path.includes(encodeURIComponent(v)));
      expectNoLeak(body, typed);
      expect(listedIds(body)).not.toContain(A.invoice.id);
      expect(body).not.toContain(A_MARKERS.lineDescription);
    }
    const own = await (await B.browser.get("/invoices")).text();
    expect(own).toContain("Betty Betaclient");
    expect(own).toContain(B.invoice.id);
    expect(await (await B.browser.get(`/invoices?customerId=${A.customer.id}`)).text()).toContain("No invoices match.");
  });

  it("/dashboard totals and activity are B's alone", async () => {
    const res = await B.browser.get("/dashboard");
    expect(res.status).toBe(200);
    const body = (await res.text()).replaceAll("<!-- -->", "");
    expectNoLeak(body);
    expect(body).toContain("Bluebird Plumbing");
    // B: one sent invoice of 50.00 with 10.00 paid this month.
    expect(body).toMatch(/data-testid="outstanding">\$40\.00</);
    expect(body).toMatch(/data-testid="paid-this-month">\$10\.00</);
    expect(body).toContain("Beta");
  });

  it.each(["/export/invoices.csv", "/export/payments.csv", "/export/customers.csv"])("%s", async (path) => {
    const theirs = await A.browser.get(path);
    const theirsBody = await theirs.text();
    expect(theirs.status, `A's own ${path}`).toBe(200);
    expect(theirsBody).toMatch(/Quentin Alphaclient|7777\.77|7,777\.77|1234\.56|1,234\.56/);

    const res = await B.browser.get(path);
    const body = await res.text();
    expect(res.status).toBe(200);
    expectNoLeak(body);
    expect(body).not.toContain("7777.77");
    expect(body).not.toContain("1234.56");
    expect(body).not.toContain("Alpha");
  });
});

it("A's rows are unchanged after everything B tried", async () => {
  // Each probe above compared A's rows around its own request; this checks the totals A sees too.
  const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id: A.invoice.id } });
  expect(invoice).toMatchObject({ status: "PARTIALLY_PAID", totalCents: 777777, amountPaidCents: 123456, version: 1, businessId: A.business.id });
  expect(await prisma.payment.count({ where: { invoiceId: A.invoice.id } })).toBe(1);
  const estimate = await prisma.estimate.findUniqueOrThrow({ where: { id: A.estimate.id } });
  expect(estimate.status).toBe("SENT");
  const customer = await prisma.customer.findUniqueOrThrow({ where: { id: A.customer.id } });
  expect(customer).toMatchObject({ name: A_MARKERS.customerName, archivedAt: null });
  expect(await prisma.invoice.count({ where: { businessId: A.business.id } })).toBe(1);
  expect(await prisma.estimate.count({ where: { businessId: A.business.id } })).toBe(1);
});

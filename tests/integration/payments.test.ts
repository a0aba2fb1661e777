// Payments on real Postgres: the invoice page's forms over HTTP, and applyPayment / markInvoicePaid
// under concurrency (row lock on the invoice, unique (provider, providerPaymentId)). No mocks.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { todayIn } from "~/utils/dates";
import { NotFoundError, DomainError } from "~/models/errors.server";
import { createInvoice, markInvoiceSent, voidInvoice } from "~/models/invoice.server";
import { applyPayment, markInvoicePaid, type ApplyPaymentInput } from "~/models/payments/payment.server";
import { prisma } from "~/utils/db.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import { documentInput, makeCustomer } from "../helpers/business-data";
import { hiddenValue, visibleHtml } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer();
});
afterAll(() => server?.stop());

const today = () => todayIn("America/New_York");
/** Page text with React's text-node separators removed. */
const pageText = (html: string) => html.replaceAll("<!-- -->", "");

async function setup() {
  const { user, business } = await createAccount();
  const customer = await makeCustomer(business.id);
  const browser = await signedInBrowser(server, user);
  return { user, business, customer, browser };
}

/** A sent invoice for `unitPrice` (one line, no tax). */
async function sentInvoice(businessId: string, customerId: string, unitPrice = "100.00") {
  const invoice = await createInvoice(businessId, await documentInput({ customerId, lines: [{ description: "Job", quantity: "1", unitPrice }] }));
  await markInvoiceSent(businessId, invoice.id);
  return invoice;
}

function manual(businessId: string, invoiceId: string, amountCents: number, key: string = crypto.randomUUID()): ApplyPaymentInput {
  return { businessId, invoiceId, amountCents, currency: "USD", method: "CASH", provider: "manual", providerPaymentId: `${businessId}:${key}` };
}

async function paymentKey(browser: Awaited<ReturnType<typeof setup>>["browser"], invoiceId: string) {
  const res = await browser.get(`/invoices/${invoiceId}`);
  expect(res.status).toBe(200);
  const html = await res.text();
  const key = hiddenValue(html, "key");
  expect(key, "the page carries an idempotency key").toMatch(/^[A-Za-z0-9_-]{16,64}$/);
  return key!;
}

const invoiceRow = (id: string) => prisma.invoice.findUniqueOrThrow({ where: { id } });
const paymentsOf = (invoiceId: string) => prisma.payment.findMany({ where: { invoiceId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });

describe("recording a payment from the invoice page", () => {
  it("creates a Payment row from the form's amount, method, date and key", async () => {
    const { user, business, customer, browser } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const key = await paymentKey(browser, id);
    const receivedOn = today();
    const res = await browser.post(`/invoices/${id}`, {
      intent: "record-payment",
      key,
      amount: "40.00",
      method: "CHECK",
      receivedOn,
      reference: "Check #1001",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/invoices/${id}`);

    const payments = await paymentsOf(id);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      businessId: business.id,
      amountCents: 4000,
      currency: "USD",
      method: "CHECK",
      provider: "manual",
      providerPaymentId: `${business.id}:${key}`,
      status: "SUCCEEDED",
      overpaymentCents: 0,
      reference: "Check #1001",
      recordedById: user.id,
    });
    expect(payments[0].receivedAt.toISOString()).toBe(`${receivedOn}T12:00:00.000Z`);
    expect(await invoiceRow(id)).toMatchObject({ status: "PARTIALLY_PAID", amountPaidCents: 4000, overpaidCents: 0, paidAt: null });

    const page = pageText(await (await browser.get(`/invoices/${id}`)).text());
    expect(page).toContain("Payment recorded.");
    expect(page.match(/data-testid="payment-row"/g)).toHaveLength(1);
    expect(page).toContain("$60.00"); // the balance
  });

  it("records one payment when the same form is submitted twice, or five times at once", async () => {
    const { business, customer, browser } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const key = await paymentKey(browser, id);
    const form = { intent: "record-payment", key, amount: "25.00", method: "CASH", receivedOn: today() };

    const first = await browser.post(`/invoices/${id}`, form);
    expect(first.status).toBe(302);
    const again = await browser.post(`/invoices/${id}`, form);
    expect(again.status).toBe(302);
    expect(pageText(await (await browser.get(`/invoices/${id}`)).text())).toContain("That payment was already recorded.");
    expect(await paymentsOf(id)).toHaveLength(1);
    expect((await invoiceRow(id)).amountPaidCents).toBe(2500);

    const key2 = await paymentKey(browser, id);
    expect(key2).not.toBe(key);
    const burst = await Promise.all(Array.from({ length: 5 }, () => browser.post(`/invoices/${id}`, { ...form, key: key2 })));
    expect(burst.map((r) => r.status)).toEqual([302, 302, 302, 302, 302]);
    expect(await paymentsOf(id)).toHaveLength(2);
    expect((await invoiceRow(id)).amountPaidCents).toBe(5000);
  });

  it("marks paid once: a second mark-paid with a new key finds nothing due", async () => {
    const { business, customer, browser } = await setup();
    const { id } = await sentInvoice(business.id, customer.id, "123.45");
    const key1 = await paymentKey(browser, id);
    const key2 = await paymentKey(browser, id);
    expect(key1).not.toBe(key2);

    const first = await browser.post(`/invoices/${id}`, { intent: "mark-paid", key: key1 });
    expect(first.status).toBe(302);
    const paidAfterFirst = await invoiceRow(id);
    expect(paidAfterFirst).toMatchObject({ status: "PAID", amountPaidCents: 12345, overpaidCents: 0 });
    expect(paidAfterFirst.paidAt).not.toBeNull();

    const second = await browser.post(`/invoices/${id}`, { intent: "mark-paid", key: key2 });
    expect(second.status).toBe(302);
    expect(pageText(await (await browser.get(`/invoices/${id}`)).text())).toContain("This invoice was already paid; nothing was recorded.");
    const payments = await paymentsOf(id);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ amountCents: 12345, method: "OTHER", note: "Marked paid", providerPaymentId: `${business.id}:${key1}` });
    expect(await invoiceRow(id)).toEqual(paidAfterFirst);
  });

  it("refuses mark-paid without a valid key: 400 with the reason, nothing written", async () => {
    const { business, customer, browser } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const before = await invoiceRow(id);
    for (const key of [undefined, "", "bad key!"]) {
      const res = await browser.post(`/invoices/${id}`, key === undefined ? { intent: "mark-paid" } : { intent: "mark-paid", key });
      expect(res.status).toBe(400);
      expect(visibleHtml(await res.text())).toContain("This form expired; reload the page and try again");
    }
    const unknown = await browser.post(`/invoices/${id}`, { intent: "refund-everything" });
    expect(unknown.status).toBe(400);
    expect(visibleHtml(await unknown.text())).toContain("Unknown action");
    expect(await prisma.payment.count({ where: { businessId: business.id } })).toBe(0);
    expect(await invoiceRow(id)).toEqual(before);
  });

  it.each([
    ["0", "Enter an amount above zero, such as 150.00"],
    ["-1", "Enter an amount above zero, such as 150.00"],
    ["1.999", "Enter an amount above zero, such as 150.00"],
    ["abc", "Enter an amount above zero, such as 150.00"],
    ["10,000,001", "Enter an amount above zero, such as 150.00"],
    ["", "Enter the amount received"],
  ])("refuses the amount %j with 400 and writes nothing", async (amount, message) => {
    const { business, customer, browser } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const before = await invoiceRow(id);
    const key = await paymentKey(browser, id);
    const res = await browser.post(`/invoices/${id}`, { intent: "record-payment", key, amount, method: "CASH", receivedOn: today() });
    expect(res.status).toBe(400);
    expect(visibleHtml(await res.text())).toContain(message);
    expect(await prisma.payment.count({ where: { businessId: business.id } })).toBe(0);
    expect(await invoiceRow(id)).toEqual(before);
  });

  it.each([
    ["a missing key", { key: "" }, "This form expired; reload the page and try again"],
    ["a malformed key", { key: "short" }, "This form expired; reload the page and try again"],
    ["an online method", { method: "CARD" }, "Choose how you were paid"],
    ["a date that does not exist", { receivedOn: "2026-02-30" }, "That date does not exist"],
  ])("refuses %s with 400 and writes nothing", async (_name, override, message) => {
    const { business, customer, browser } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const key = await paymentKey(browser, id);
    const res = await browser.post(`/invoices/${id}`, { intent: "record-payment", key, amount: "10.00", method: "CASH", receivedOn: today(), ...override });
    expect(res.status).toBe(400);
    expect(visibleHtml(await res.text())).toContain(message);
    expect(await prisma.payment.count({ where: { businessId: business.id } })).toBe(0);
  });

  it("refuses payments on a void invoice", async () => {
    const { business, customer, browser } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const key = await paymentKey(browser, id);
    await voidInvoice(business.id, id);

    const res = await browser.post(`/invoices/${id}`, { intent: "record-payment", key, amount: "10.00", method: "CASH", receivedOn: today() });
    expect(res.status).toBe(302);
    const page = await browser.get(`/invoices/${id}`);
    const html = pageText(await page.text());
    expect(html).toContain("This invoice is void; it cannot take payments.");
    expect(html).not.toContain("Record a payment");

    // A void invoice's page has no payment forms (and so no key): submit a stale one.
    const markPaid = await browser.post(`/invoices/${id}`, { intent: "mark-paid", key: "staleKeyFromOldPage123" });
    expect(markPaid.status).toBe(302);
    await expect(applyPayment(manual(business.id, id, 1000))).rejects.toThrow(DomainError);
    await expect(
      markInvoicePaid({ businessId: business.id, invoiceId: id, method: "CASH", provider: "manual", providerPaymentId: "void-check" }),
    ).rejects.toThrow("This invoice is void; it cannot take payments.");
    expect(await prisma.payment.count({ where: { invoiceId: id } })).toBe(0);
    expect(await invoiceRow(id)).toMatchObject({ status: "VOID", amountPaidCents: 0 });
  });
});

describe("applyPayment and markInvoicePaid under concurrency", () => {
  it("10 concurrent markInvoicePaid calls with distinct keys record exactly one payment", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id, "250.00");
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        markInvoicePaid({ businessId: business.id, invoiceId: id, method: "OTHER", provider: "manual", providerPaymentId: `${business.id}:mark-${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === "applied")).toHaveLength(1);
    expect(results.filter((r) => r.status === "nothing-due")).toHaveLength(9);
    const payments = await paymentsOf(id);
    expect(payments).toHaveLength(1);
    expect(payments[0].amountCents).toBe(25000);
    expect(await invoiceRow(id)).toMatchObject({ status: "PAID", amountPaidCents: 25000, overpaidCents: 0 });
  });

  it("20 concurrent applyPayment calls with the same providerPaymentId record exactly one", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    const input = { ...manual(business.id, id, 3000), provider: "stripe" as const, method: "CARD" as const, providerPaymentId: "pi_same_12345" };
    const results = await Promise.all(Array.from({ length: 20 }, () => applyPayment(input)));
    const applied = results.filter((r) => r.status === "applied");
    expect(applied).toHaveLength(1);
    expect(results.filter((r) => r.status === "duplicate")).toHaveLength(19);
    expect(new Set(results.map((r) => r.paymentId))).toEqual(new Set([applied[0].paymentId]));
    expect(await paymentsOf(id)).toHaveLength(1);
    expect(await invoiceRow(id)).toMatchObject({ status: "PARTIALLY_PAID", amountPaidCents: 3000 });
  });

  it("the same provider id on two invoices is still one payment", async () => {
    const { business, customer } = await setup();
    const a = await sentInvoice(business.id, customer.id);
    const b = await sentInvoice(business.id, customer.id);
    const results = await Promise.all([
      applyPayment({ ...manual(business.id, a.id, 1000), provider: "paypal", method: "PAYPAL", providerPaymentId: "PAYPAL-1" }),
      applyPayment({ ...manual(business.id, b.id, 1000), provider: "paypal", method: "PAYPAL", providerPaymentId: "PAYPAL-1" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["applied", "duplicate"]);
    expect(await prisma.payment.count({ where: { businessId: business.id } })).toBe(1);
    const paid = (await invoiceRow(a.id)).amountPaidCents + (await invoiceRow(b.id)).amountPaidCents;
    expect(paid).toBe(1000);
  });

  it("two concurrent payments of 60.00 on a 100.00 invoice: both recorded, the second flagged as overpaying", async () => {
    const { business, customer, browser } = await setup();
    const { id } = await sentInvoice(business.id, customer.id, "100.00");
    const results = await Promise.all([applyPayment(manual(business.id, id, 6000)), applyPayment(manual(business.id, id, 6000))]);
    expect(results.map((r) => r.status)).toEqual(["applied", "applied"]);

    const payments = await paymentsOf(id);
    expect(payments).toHaveLength(2);
    // Whichever took the lock first paid 60.00 of the 100.00 due; the other found 40.00 due.
    const [first, second] = [...payments].sort((x, y) => x.overpaymentCents - y.overpaymentCents);
    expect(first.overpaymentCents).toBe(0);
    expect(second.overpaymentCents).toBe(2000);
    expect(second.createdAt.getTime()).toBeGreaterThanOrEqual(first.createdAt.getTime());
    const statuses = results.map((r) => (r.status === "applied" ? r.invoiceStatus : null)).sort();
    expect(statuses).toEqual(["PAID", "PARTIALLY_PAID"]);

    const invoice = await invoiceRow(id);
    expect(invoice).toMatchObject({ status: "PAID", amountPaidCents: 12000, overpaidCents: 2000, totalCents: 10000 });
    expect(invoice.paidAt).not.toBeNull();

    // paidAt is set once, by the payment that completed the invoice.
    await applyPayment(manual(business.id, id, 500));
    const later = await invoiceRow(id);
    expect(later.paidAt).toEqual(invoice.paidAt);
    expect(later).toMatchObject({ amountPaidCents: 12500, overpaidCents: 2500 });

    const events = await prisma.activityEvent.findMany({ where: { invoiceId: id, type: { startsWith: "payment." } } });
    expect(events.map((e) => e.type).sort()).toEqual(["payment.overpaid", "payment.overpaid", "payment.received"]);

    const page = pageText(await (await browser.get(`/invoices/${id}`)).text());
    expect(page).toContain("Overpaid by $25.00: refund or credit the customer.");
    expect(page).toContain("overpaid $20.00");
    expect(page.match(/data-testid="payment-row"/g)).toHaveLength(3);
  });

  it("refuses a zero or negative amount, a foreign currency, and online payments on a draft", async () => {
    const { business, customer } = await setup();
    const { id } = await sentInvoice(business.id, customer.id);
    await expect(applyPayment(manual(business.id, id, 0))).rejects.toThrow("The amount must be above zero");
    await expect(applyPayment(manual(business.id, id, -100))).rejects.toThrow(DomainError);
    await expect(applyPayment(manual(business.id, id, 1.5))).rejects.toThrow(DomainError);
    await expect(applyPayment({ ...manual(business.id, id, 1000), currency: "EUR" })).rejects.toThrow("Payments for this invoice must be in USD.");
    const draft = await createInvoice(business.id, await documentInput({ customerId: customer.id }));
    await expect(applyPayment({ ...manual(business.id, draft.id, 1000), provider: "stripe", providerPaymentId: "pi_draft" })).rejects.toThrow(
      "This invoice has not been sent.",
    );
    expect(await prisma.payment.count({ where: { businessId: business.id } })).toBe(0);
  });

  it("treats another business's invoice as missing", async () => {
    const a = await setup();
    const b = await setup();
    const { id } = await sentInvoice(a.business.id, a.customer.id);
    await expect(applyPayment(manual(b.business.id, id, 1000))).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      markInvoicePaid({ businessId: b.business.id, invoiceId: id, method: "CASH", provider: "manual", providerPaymentId: "x" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await prisma.payment.count({ where: { invoiceId: id } })).toBe(0);
  });
});

describe("refunds", () => {
  it("marks a manual payment refunded once and recomputes the invoice", async () => {
    const { createAccount } = await import("../helpers/accounts");
    const { prisma } = await import("~/utils/db.server");
    const { applyPayment, refundPayment } = await import("~/models/payments/payment.server");
    const { business } = await createAccount();
    const customer = await prisma.customer.create({ data: { businessId: business.id, name: "Refund Rita" } });
    const invoice = await prisma.invoice.create({
      data: {
        businessId: business.id,
        customerId: customer.id,
        number: 1,
        currency: "USD",
        status: "SENT",
        sentAt: new Date(),
        issueDate: new Date("2026-11-01"),
        dueDate: new Date("2026-11-15"),
        subtotalCents: 10000,
        discountCents: 0,
        taxCents: 0,
        totalCents: 10000,
      },
    });
    const base = { businessId: business.id, invoiceId: invoice.id, currency: "USD", method: "CASH" as const, provider: "manual" as const };
    const first = await applyPayment({ ...base, amountCents: 10000, providerPaymentId: `${business.id}:refund-a` });
    expect(first.status).toBe("applied");
    expect((await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status).toBe("PAID");

    const results = await Promise.all([refundPayment(business.id, first.paymentId), refundPayment(business.id, first.paymentId)]);
    expect(results.map((r) => r.status).sort()).toEqual(["refunded", "unchanged"]);
    const after = await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } });
    expect(after).toMatchObject({ status: "SENT", amountPaidCents: 0, overpaidCents: 0, paidAt: null });
    expect((await prisma.payment.findUniqueOrThrow({ where: { id: first.paymentId } })).status).toBe("REFUNDED");

    // Another business cannot refund it.
    const other = await createAccount();
    await expect(refundPayment(other.business.id, first.paymentId)).rejects.toThrow(/not found/i);
  });
});

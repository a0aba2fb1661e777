// Erasing one customer (the customer page's "Erase customer") on real Postgres against the production
// server: refusals (a wrong name, another business's customer, an open invoice with a balance) write
// nothing; an erasure deletes the customer's personal rows and their queued emails' jobs in one go, keeps
// their invoices and payments for the books under "Deleted customer" with anything personal stripped,
// and leaves the business's other customers and the other business exactly as they were.
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NotFoundError } from "~/models/errors.server";
import { createAccount } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { documentInput, makeCustomer } from "../helpers/business-data";
import { buttonValues, elementAt, pageText } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";
import { businessJobs as jobsOf, businessRows as snapshot, jobsWithKeys, seedBusiness, type SeededBusiness } from "../helpers/seeded-business";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

const { prisma } = await import("~/utils/db.server");
const { logger } = await import("~/utils/logger.server");
const { eraseCustomer } = await import("~/models/customer-erasure.server");
const { closeBusiness } = await import("~/models/account-closure.server");
const { DELETED_CUSTOMER_NAME, REMOVED_TEXT } = await import("~/models/personal-data.server");
const { DomainError } = await import("~/models/errors.server");
const { createInvoice, sendInvoice, voidInvoice } = await import("~/models/invoice.server");
const { convertEstimateToInvoice, decideEstimate } = await import("~/models/estimate.server");
const { applyPayment } = await import("~/models/payments/payment.server");
const { deliverEmail, queueEmail, queueEmails } = await import("~/utils/email.server");
const { startWorker } = await import("../../jobs/worker");

let server: AppServer;
let A: SeededBusiness;
let B: SeededBusiness;

beforeAll(async () => {
  // No worker in the server: queued emails stay queued until the last test starts one.
  server = await startAppServer({ WORKER_IN_PROCESS: "false" });
  A = await seedBusiness(server, "Alpha");
  B = await seedBusiness(server, "Bravo");
  for (const b of [A, B]) {
    await prisma.dataExport.create({
      data: {
        businessId: b.business.id,
        requestedById: b.user.id,
        status: "READY",
        bytes: new Uint8Array([1, 2, 3]),
        sizeBytes: 3,
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });
  }
});
afterAll(async () => {
  await server?.stop();
  await prisma.$disconnect();
});

const json = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === "bigint" ? String(v) : v));

/** The rows of one customer and their documents: what erasing another customer must not touch. */
async function customerRows(businessId: string, customerId: string) {
  const invoices = await prisma.invoice.findMany({ where: { businessId, customerId }, orderBy: { id: "asc" } });
  const invoiceIds = invoices.map((i) => i.id);
  return {
    customer: await prisma.customer.findFirst({ where: { id: customerId, businessId } }),
    invoices,
    lines: await prisma.invoiceLine.findMany({ where: { invoiceId: { in: invoiceIds } }, orderBy: { id: "asc" } }),
    revisions: await prisma.invoiceRevision.findMany({ where: { invoiceId: { in: invoiceIds } }, orderBy: { id: "asc" } }),
    payments: await prisma.payment.findMany({ where: { invoiceId: { in: invoiceIds } }, orderBy: { id: "asc" } }),
    estimates: await prisma.estimate.findMany({ where: { businessId, customerId }, include: { lines: true }, orderBy: { id: "asc" } }),
    emails: await prisma.emailMessage.findMany({ where: { businessId, invoiceId: { in: invoiceIds } }, orderBy: { id: "asc" } }),
    activity: await prisma.activityEvent.findMany({ where: { businessId, customerId }, orderBy: { id: "asc" } }),
  };
}

const today = () => Math.floor(Date.now() / 86_400_000);
function signedLink(kind: "pay" | "estimate", id: string) {
  const day = today();
  const t = createHmac("sha256", server.payLinkSecret).update(`${kind}:${id}:${day}`).digest("base64url").slice(0, 24);
  return `/${kind}/${id}?t=${t}&d=${day}`;
}

const eraseForm = (confirmName: string) => ({ intent: "erase", confirmName });

describe("the customer page", () => {
  it("ends with the Erase customer form: what goes, what stays, the name to type, a plain POST", async () => {
    const res = await A.browser.get(`/customers/${A.customers[2].id}`);
    expect(res.status).toBe(200);
    const section = elementAt(await res.text(), 'section[aria-labelledby="erase-heading"]')!;
    const text = pageText(section);
    expect(text).toContain("Erase customer");
    expect(text).toContain("Kept for your books");
    expect(text).toContain(`Type the customer's name (${A.customers[2].name}) to confirm`);
    expect(section.querySelector('form[method="post"]')).not.toBeNull();
    expect(buttonValues(section)).toContain("erase");
  });
});

describe("refusals write nothing", () => {
  it("a name that does not match is a 400 with a field error; an empty one too", async () => {
    const before = [await snapshot(A.business.id), await snapshot(B.business.id)];
    const res = await A.browser.post(`/customers/${A.customers[2].id}`, eraseForm("Somebody Else"));
    expect(res.status).toBe(400);
    expect(pageText(await res.text())).toContain(`Type the customer's name exactly as shown: ${A.customers[2].name}`);
    const empty = await A.browser.post(`/customers/${A.customers[2].id}`, { intent: "erase" });
    expect(empty.status).toBe(400);
    expect(pageText(await empty.text())).toContain("Type the customer's name to confirm");
    expect([await snapshot(A.business.id), await snapshot(B.business.id)]).toEqual(before);
  });

  it("another business's customer is a 404, over HTTP and in the domain, whatever the form says", async () => {
    const before = [await snapshot(A.business.id), await snapshot(B.business.id)];
    const res = await A.browser.post(`/customers/${B.customer.id}`, { ...eraseForm(B.customer.name), businessId: B.business.id });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(B.customer.name);
    await expect(eraseCustomer(A.business.id, B.customer.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(eraseCustomer(A.business.id, "no-such-customer")).rejects.toBeInstanceOf(NotFoundError);
    expect([await snapshot(A.business.id), await snapshot(B.business.id)]).toEqual(before);
  });

  it("signed out: the login page, nothing changes", async () => {
    const before = await snapshot(A.business.id);
    const res = await new Browser(server.url).post(`/customers/${A.customer.id}`, eraseForm(A.customer.name));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login/);
    expect(await snapshot(A.business.id)).toEqual(before);
  });

  it("a customer who owes money on a sent invoice is refused (409): void it or record the payment first", async () => {
    // The seeded invoice is partly paid: 250.00 total, 75.00 paid.
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id: A.invoice.id } })).toMatchObject({
      status: "PARTIALLY_PAID",
      totalCents: 25_000,
      amountPaidCents: 7_500,
    });
    const before = [await snapshot(A.business.id), await snapshot(B.business.id)];
    const attempt = eraseCustomer(A.business.id, A.customer.id);
    await expect(attempt).rejects.toBeInstanceOf(DomainError);
    await expect(attempt).rejects.toThrow(/INV-0+1 \(\$175\.00 due\) is still open\. Void it or record the payment first/);
    const res = await A.browser.post(`/customers/${A.customer.id}`, eraseForm(A.customer.name));
    expect(res.status).toBe(409);
    expect(pageText(await res.text())).toContain("Void it or record the payment first, then erase the customer.");
    expect([await snapshot(A.business.id), await snapshot(B.business.id)]).toEqual(before);
  });
});

describe("erasing a customer", () => {
  let aBefore: Awaited<ReturnType<typeof snapshot>>;
  let bBefore: Awaited<ReturnType<typeof snapshot>>;
  let otherBefore: Awaited<ReturnType<typeof customerRows>>;
  let theirs: Awaited<ReturnType<typeof customerRows>>;
  let convertedId: string;
  let draftId: string;
  let messageIds: string[];
  let batchJobId: string;
  let ownJobKeys: string[];
  let otherReminderId: string;

  beforeAll(async () => {
    const c = A.customer;
    // The customer pays the rest, so the erasure may go ahead.
    await applyPayment({
      businessId: A.business.id,
      invoiceId: A.invoice.id,
      amountCents: 17_500,
      currency: "USD",
      method: "BANK_TRANSFER",
      provider: "manual",
      providerPaymentId: `${A.business.id}:${randomUUID()}`,
      reference: "Alpha transfer from the tenant",
      note: "Alpha final payment",
      recordedById: A.user.id,
    });
    // An approved estimate converted to an invoice (the estimate goes, the invoice stays), and a draft.
    await decideEstimate(A.estimate.id, "approve");
    convertedId = (await convertEstimateToInvoice(A.business.id, A.estimate.id, A.user.id)).id;
    draftId = (
      await createInvoice(
        A.business.id,
        await documentInput({ customerId: c.id, notes: "Alpha draft note", lines: [{ description: "Alpha draft line", quantity: "1", unitPrice: "10.00" }] }),
      )
    ).id;
    // A reminder batch job shared with another customer, and an email to their address about nothing of theirs.
    const email = (to: string, invoiceId: string | null, template: "overdue-reminder" | "review-request") => ({
      businessId: A.business.id,
      to,
      template,
      invoiceId,
      subject: `Hello ${to}`,
      text: `Hello ${to}`,
      html: `<p>Hello ${to}</p>`,
    });
    const [, other] = await prisma.$transaction((tx) =>
      queueEmails(tx, [email(c.email!, A.invoice.id, "overdue-reminder"), email(A.customers[1].email!, A.second.id, "overdue-reminder")], { perJob: 25 }),
    );
    otherReminderId = other;
    await prisma.$transaction((tx) => queueEmail(tx, email(c.email!.toUpperCase(), null, "review-request")));
    // The batch job, found the way the app finds it: by the key kept on its messages.
    const { batchJobKey } = await prisma.emailMessage.findUniqueOrThrow({ where: { id: other } });
    const batch = await jobsWithKeys([batchJobKey!]);
    expect(batch).toHaveLength(1);
    batchJobId = batch[0].id;

    theirs = await customerRows(A.business.id, c.id);
    expect(theirs.invoices.map((i) => i.id).sort()).toEqual([A.invoice.id, convertedId, draftId].sort());
    expect(theirs.revisions.length).toBeGreaterThan(0);
    messageIds = (
      await prisma.emailMessage.findMany({
        where: {
          businessId: A.business.id,
          OR: [{ invoiceId: { in: [A.invoice.id, convertedId] } }, { estimateId: A.estimate.id }, { to: { equals: c.email!, mode: "insensitive" } }],
        },
        select: { id: true },
      })
    ).map((m) => m.id);
    // Invoice sent, three receipts, estimate sent, the reminder and the review request; most still queued.
    expect(messageIds.length).toBeGreaterThanOrEqual(6);
    expect(await prisma.emailMessage.count({ where: { id: { in: messageIds }, status: "QUEUED" } })).toBe(messageIds.length);
    ownJobKeys = messageIds.map((id) => `send-email:${id}`);
    expect((await jobsWithKeys(ownJobKeys)).length).toBeGreaterThanOrEqual(5);

    aBefore = await snapshot(A.business.id);
    bBefore = await snapshot(B.business.id);
    otherBefore = await customerRows(A.business.id, A.customers[1].id);
    expect(otherBefore.invoices).toHaveLength(1);

    // JavaScript off: a plain urlencoded POST; the name is compared without regard to case or spaces.
    const res = await A.browser.post(`/customers/${c.id}`, eraseForm(`  ${c.name.toUpperCase()} `));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/customers");
  });

  it("says so on the customer list, without the name", async () => {
    const html = await (await A.browser.get("/customers")).text();
    expect(pageText(html)).toContain('The customer is erased. Their 3 invoices are kept for your books under "Deleted customer".');
    expect(html).not.toContain(A.customer.name);
  });

  it("deletes the customer, their estimates, revisions, schedule, property details, emails, activity and the jobs", async () => {
    expect(await prisma.customer.count({ where: { id: A.customer.id } })).toBe(0);
    expect(await prisma.estimate.count({ where: { id: A.estimate.id } })).toBe(0);
    expect(await prisma.estimateLine.count({ where: { estimateId: A.estimate.id } })).toBe(0);
    expect(await prisma.invoiceRevision.count({ where: { invoiceId: { in: theirs.invoices.map((i) => i.id) } } })).toBe(0);
    expect(await prisma.recurringSchedule.count({ where: { id: A.schedule.id } })).toBe(0);
    expect(await prisma.propertyDetails.count({ where: { customerId: A.customer.id } })).toBe(0);
    expect(await prisma.emailMessage.count({ where: { id: { in: messageIds } } })).toBe(0);
    expect(
      await prisma.activityEvent.count({
        where: { OR: [{ customerId: A.customer.id }, { invoiceId: { in: theirs.invoices.map((i) => i.id) } }, { estimateId: A.estimate.id }] },
      }),
    ).toBe(0);
    // Their messages' own jobs are gone.
    expect(await jobsWithKeys(ownJobKeys)).toEqual([]);
    // The reminder batch shared with another customer stays for that customer's reminder (its item for
    // them finds no message and is skipped when it runs: the last test here).
    expect((await jobsOf(A.business.id)).map((j) => j.id)).toContain(batchJobId);
    // Their finished data export contained them: it is expired, its bytes gone.
    expect(await prisma.dataExport.findFirstOrThrow({ where: { businessId: A.business.id } })).toMatchObject({ status: "EXPIRED", bytes: null });
  });

  it("keeps their invoices and payments for the books, under the placeholder, with anything personal stripped", async () => {
    const placeholder = await prisma.customer.findFirstOrThrow({ where: { businessId: A.business.id, name: DELETED_CUSTOMER_NAME } });
    expect(placeholder).toMatchObject({ email: null, phone: null, addressLine1: null, notes: null });
    expect(placeholder.archivedAt).toBeInstanceOf(Date);

    const ids = theirs.invoices.map((i) => i.id);
    const invoices = await prisma.invoice.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
    const pick = (i: (typeof invoices)[number]) => [i.id, i.number, i.status, i.totalCents, i.amountPaidCents, i.taxCents, i.issueDate.toISOString()];
    expect(invoices.map(pick)).toEqual(theirs.invoices.map(pick));
    expect(invoices.find((i) => i.id === A.invoice.id)).toMatchObject({ status: "PAID", amountPaidCents: 25_000 });
    for (const invoice of invoices)
      expect(invoice).toMatchObject({ businessId: A.business.id, customerId: placeholder.id, notes: null, terms: null, estimateId: null });

    const lines = await prisma.invoiceLine.findMany({ where: { invoiceId: { in: ids } }, orderBy: { id: "asc" } });
    expect(lines.map((l) => [l.id, l.quantityMilli, l.unitPriceCents, l.amountCents, l.taxCents])).toEqual(
      theirs.lines.map((l) => [l.id, l.quantityMilli, l.unitPriceCents, l.amountCents, l.taxCents]),
    );
    for (const line of lines) expect(line.description).toBe(REMOVED_TEXT);

    const payments = await prisma.payment.findMany({ where: { invoiceId: { in: ids } }, orderBy: { id: "asc" } });
    expect(payments).toHaveLength(3);
    const money = (p: (typeof payments)[number]) => [
      p.id,
      p.amountCents,
      p.currency,
      p.method,
      p.provider,
      p.providerPaymentId,
      p.status,
      p.receivedAt.toISOString(),
      p.recordedById,
    ];
    expect(payments.map(money)).toEqual(theirs.payments.map(money));
    expect(payments.map((p) => p.providerPaymentId)).toContain(A.cardPaymentId);
    for (const p of payments) expect(p).toMatchObject({ cardBrand: null, cardLast4: null, reference: null, note: null, failureReason: null });

    // The expense stays in the business's books, no longer tied to them.
    expect(await prisma.expense.findUniqueOrThrow({ where: { id: A.expense.id } })).toMatchObject({
      customerId: null,
      invoiceId: A.invoice.id,
      amountCents: 1_234,
    });
  });

  it("leaves their name, email and texts nowhere in the business's rows or jobs", async () => {
    const after = await snapshot(A.business.id);
    const markers = [
      A.customer.name,
      A.customer.email!,
      "Alpha faucet repair",
      "Alpha private note",
      "Alpha revised note",
      "Alpha terms",
      "Alpha check 1001",
      "Alpha paid by the tenant",
      "Alpha transfer from the tenant",
      "Alpha final payment",
      "Alpha estimate note",
      "Alpha estimate line",
      "Alpha draft note",
      "Alpha draft line",
      "Alpha 1 Elm Street",
    ];
    for (const table of [
      "Invoice",
      "InvoiceLine",
      "InvoiceRevision",
      "Payment",
      "EmailMessage",
      "ActivityEvent",
      "Estimate",
      "EstimateLine",
      "Customer",
      "RecurringSchedule",
      "PropertyDetails",
      "jobs",
    ]) {
      const text = json(after[table]).toLowerCase();
      for (const marker of markers) expect(text, `${table}: ${marker}`).not.toContain(marker.toLowerCase());
    }
    // And in no table at all.
    const everything = json(after).toLowerCase();
    for (const marker of markers) expect(everything, marker).not.toContain(marker.toLowerCase());
    // Before, they were there: the check above can fail.
    expect(json(aBefore)).toContain(A.customer.name);
  });

  it("leaves the business's other customers and the other business exactly as they were", async () => {
    expect(await customerRows(A.business.id, A.customers[1].id)).toEqual(otherBefore);
    for (const other of A.customers.slice(2)) expect(await prisma.customer.findUnique({ where: { id: other.id } })).toMatchObject({ name: other.name });
    expect(await snapshot(B.business.id)).toEqual(bBefore);
    // Nothing of A's was deleted that was not the customer's: same row counts elsewhere.
    const after = await snapshot(A.business.id);
    for (const table of ["Invoice", "InvoiceLine", "Payment", "Expense", "ExpenseReceipt", "User", "Session", "PropertyLookupUsage", "DataExport"]) {
      expect(after[table].length, table).toBe(aBefore[table].length);
    }
    expect(after.Customer.length).toBe(aBefore.Customer.length); // one customer gone, one placeholder made
  });

  it("pay links of the kept invoices still open and name nobody; the estimate link is dead", async () => {
    const pay = await new Browser(server.url).get(signedLink("pay", A.invoice.id));
    expect(pay.status).toBe(200);
    // Not anywhere in the response (hydration data and attributes included), and the page says who instead.
    const body = await pay.text();
    expect(pageText(body)).toContain(DELETED_CUSTOMER_NAME);
    expect(body).not.toContain(A.customer.name);
    expect(body).not.toContain("Alpha faucet repair");
    const estimate = await new Browser(server.url).get(signedLink("estimate", A.estimate.id));
    expect(estimate.status).toBeGreaterThanOrEqual(400);
    expect(await estimate.text()).not.toContain(A.customer.name);
    // B's links still work.
    expect((await new Browser(server.url).get(signedLink("pay", B.invoice.id))).status).toBe(200);
  });

  it("a second erasure is a 404, over HTTP and in the domain; the customer page is a 404", async () => {
    const again = await A.browser.post(`/customers/${A.customer.id}`, eraseForm(A.customer.name));
    expect(again.status).toBe(404);
    await expect(eraseCustomer(A.business.id, A.customer.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await A.browser.get(`/customers/${A.customer.id}`)).status).toBe(404);
  });

  it("the placeholder itself cannot be erased", async () => {
    const placeholder = await prisma.customer.findFirstOrThrow({ where: { businessId: A.business.id, name: DELETED_CUSTOMER_NAME } });
    await expect(eraseCustomer(A.business.id, placeholder.id)).rejects.toBeInstanceOf(DomainError);
    const res = await A.browser.post(`/customers/${placeholder.id}`, eraseForm(DELETED_CUSTOMER_NAME));
    expect(res.status).toBe(409);
    expect(await prisma.invoice.count({ where: { customerId: placeholder.id } })).toBe(3);
  });

  it("their queued emails never go out: a send in flight finds nothing; a worker sends everyone else's", async () => {
    // A worker that had fetched a job before the erasure committed.
    for (const id of messageIds) expect(await deliverEmail(id)).toBe("skipped");
    const worker = await startWorker({ concurrency: 2, crontab: false });
    try {
      await vi.waitFor(
        async () => expect(await prisma.emailMessage.count({ where: { businessId: { in: [A.business.id, B.business.id] }, status: "QUEUED" } })).toBe(0),
        { timeout: 60_000, interval: 250 },
      );
    } finally {
      await worker.stop();
    }
    expect(await prisma.emailMessage.findUniqueOrThrow({ where: { id: otherReminderId } })).toMatchObject({ status: "SENT" });
    expect(await prisma.emailMessage.count({ where: { businessId: A.business.id, to: { equals: A.customer.email!, mode: "insensitive" } } })).toBe(0);
    expect(await prisma.emailMessage.count({ where: { id: { in: messageIds } } })).toBe(0);
  });
});

describe("eraseCustomer in the domain", () => {
  async function businessWithVoidInvoices(count: number) {
    const { user, business } = await createAccount({ businessName: `Charlie Plumbing ${randomBytes(3).toString("hex")}` });
    const customers = [];
    for (let i = 0; i < count; i++) {
      const customer = await makeCustomer(business.id, { name: `Charlie Customer ${i} ${randomBytes(3).toString("hex")}` });
      const invoice = await createInvoice(
        business.id,
        await documentInput({ customerId: customer.id, lines: [{ description: `Charlie job ${i}`, quantity: "1", unitPrice: "40.00" }] }),
      );
      await sendInvoice(business.id, invoice.id);
      await voidInvoice(business.id, invoice.id);
      customers.push(customer);
    }
    return { user, business, customers };
  }

  it("two erasures at once: one succeeds, the other is a 404; one placeholder per business, reused by later erasures and by closure", async () => {
    const { business, customers } = await businessWithVoidInvoices(3);
    const info = vi.spyOn(logger, "info");
    const results = await Promise.allSettled([eraseCustomer(business.id, customers[0].id), eraseCustomer(business.id, customers[0].id)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined)?.reason).toBeInstanceOf(NotFoundError);
    const [done] = results.filter((r) => r.status === "fulfilled");
    expect(done.value).toMatchObject({ invoicesKept: 1, estimates: 0, emails: 1, jobs: 1 });
    // One log line with ids and counts, never the name or email.
    const line = info.mock.calls.find((call) => call[1] === "customer erased");
    expect(line?.[0]).toMatchObject({ businessId: business.id, customerId: customers[0].id, invoicesKept: 1 });
    expect(json(info.mock.calls)).not.toContain(customers[0].name);
    expect(json(info.mock.calls)).not.toContain(customers[0].email);
    info.mockRestore();

    // Two more at once share the one placeholder.
    await Promise.all([eraseCustomer(business.id, customers[1].id), eraseCustomer(business.id, customers[2].id)]);
    const placeholders = await prisma.customer.findMany({ where: { businessId: business.id } });
    expect(placeholders).toHaveLength(1);
    expect(placeholders[0].name).toBe(DELETED_CUSTOMER_NAME);
    expect(await prisma.invoice.count({ where: { businessId: business.id, customerId: placeholders[0].id } })).toBe(3);

    // Closing the account afterwards keeps the same placeholder.
    await closeBusiness(business.id);
    expect(await prisma.customer.findMany({ where: { businessId: business.id }, select: { id: true } })).toEqual([{ id: placeholders[0].id }]);
    await expect(eraseCustomer(business.id, placeholders[0].id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("a customer with no invoices goes without a placeholder; a real customer named like it is not mistaken for it", async () => {
    const { business } = await createAccount({ businessName: "Delta Plumbing" });
    // Named like the placeholder, but with an email: a real person, erasable.
    const lookalike = await makeCustomer(business.id, { name: DELETED_CUSTOMER_NAME });
    await prisma.customer.update({ where: { id: lookalike.id }, data: { archivedAt: new Date() } });
    expect(await eraseCustomer(business.id, lookalike.id)).toMatchObject({ invoicesKept: 0, paymentsKept: 0 });
    expect(await prisma.customer.count({ where: { businessId: business.id } })).toBe(0);
  });
});

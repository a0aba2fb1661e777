// The invoice core over real HTTP (forms submitted like a browser with JavaScript off) and through
// the domain functions, on the file's own Postgres database. No mocks.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { todayIn } from "~/utils/dates";
import { createInvoice, markInvoiceSent, markInvoiceViewed, voidInvoice } from "~/models/invoice.server";
import { applyPayment } from "~/models/payments/payment.server";
import { prisma } from "~/utils/db.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import { documentForm, type DocumentFormFields, documentInput, makeCustomer, shiftDays } from "../helpers/business-data";
import { intentButtons, visibleHtml } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer();
});
afterAll(() => server?.stop());

const today = () => todayIn("America/New_York");

async function setup(businessName?: string) {
  const { user, business } = await createAccount({ businessName });
  const customer = await makeCustomer(business.id, { name: `Dana Client ${business.id.slice(-4)}` });
  const browser = await signedInBrowser(server, user);
  return { user, business, customer, browser };
}

async function rowCounts(businessId: string) {
  const [invoices, lines, activities, business] = await Promise.all([
    prisma.invoice.count({ where: { businessId } }),
    prisma.invoiceLine.count({ where: { businessId } }),
    prisma.activityEvent.count({ where: { businessId } }),
    prisma.business.findUniqueOrThrow({ where: { id: businessId }, select: { nextInvoiceNumber: true } }),
  ]);
  return { invoices, lines, activities, nextInvoiceNumber: business.nextInvoiceNumber };
}

function invoiceIdFrom(location: string | null) {
  const match = /^\/invoices\/([^/?#]+)$/.exec(location ?? "");
  if (!match) throw new Error(`expected a redirect to an invoice, got ${location}`);
  return match[1];
}

async function manualPayment(businessId: string, invoiceId: string, amountCents: number, key = crypto.randomUUID()) {
  return applyPayment({ businessId, invoiceId, amountCents, currency: "USD", method: "CASH", provider: "manual", providerPaymentId: `${businessId}:${key}` });
}

async function newInvoice(businessId: string, fields: DocumentFormFields) {
  return createInvoice(businessId, await documentInput(fields));
}

describe("creating an invoice over HTTP", () => {
  it("redirects to the new invoice with totals computed on the server", async () => {
    const { business, customer, browser } = await setup();
    const res = await browser.post(
      "/invoices/new",
      documentForm(
        {
          customerId: customer.id,
          taxRate: "8.875",
          // Totals typed into the request are ignored: the server computes them.
          lines: [{ description: "Drain repair", quantity: "1.5", unitPrice: "100.00" }],
        },
        { subtotalCents: "1", totalCents: "1", total: "1" },
      ),
    );
    expect(res.status).toBe(302);
    const id = invoiceIdFrom(res.headers.get("location"));
    const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id }, include: { lines: true } });
    expect(invoice).toMatchObject({
      businessId: business.id,
      customerId: customer.id,
      number: 1,
      status: "DRAFT",
      currency: "USD",
      taxRate: 8875,
      subtotalCents: 15000,
      discountCents: 0,
      taxCents: 1331,
      totalCents: 16331,
      amountPaidCents: 0,
      version: 1,
    });
    expect(invoice.lines).toHaveLength(1);
    expect(invoice.lines[0]).toMatchObject({ description: "Drain repair", quantityMilli: 1500, unitPriceCents: 10000, amountCents: 15000, position: 0 });

    const page = await browser.get(`/invoices/${id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("INV-0001");
    expect(html).toContain("$150.00");
    expect(html).toContain("$13.31");
    expect(html).toContain("$163.31");
    expect(html).toContain("Invoice created.");
  });

  it("adds a line item without JavaScript: 200, one more line, nothing written", async () => {
    const { business, customer, browser } = await setup();
    const form = await browser.get("/invoices/new");
    expect(form.status).toBe(200);
    const formHtml = await form.text();
    expect(formHtml.match(/data-testid="line-item"/g)).toHaveLength(1);
    const insert = intentButtons(formHtml).find((v) => JSON.parse(v).type === "insert");
    expect(insert, "the Add line item button carries a Conform intent").toBeTruthy();

    const before = await rowCounts(business.id);
    const res = await browser.post(
      "/invoices/new",
      documentForm(
        { customerId: customer.id, notes: "keep me", lines: [{ description: "First line", quantity: "2", unitPrice: "10" }] },
        { __intent__: insert! },
      ),
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.match(/data-testid="line-item"/g)).toHaveLength(2);
    // What was typed is kept.
    expect(html).toContain('value="First line"');
    expect(html).toContain("keep me");
    expect(html).not.toMatch(/class="errors"/);
    expect(await rowCounts(business.id)).toEqual(before);

    // Removing a line the same way: the button comes from the re-rendered form.
    const remove = intentButtons(html).find((v) => {
      const intent = JSON.parse(v);
      return intent.type === "remove" && intent.payload.index === 0;
    });
    expect(remove, "each line has a Remove button once there are two").toBeTruthy();
    const removed = await browser.post(
      "/invoices/new",
      documentForm(
        {
          customerId: customer.id,
          lines: [
            { description: "First line", quantity: "2", unitPrice: "10" },
            { description: "Second line", quantity: "3", unitPrice: "20" },
          ],
        },
        { __intent__: remove! },
      ),
    );
    expect(removed.status).toBe(200);
    const removedHtml = await removed.text();
    expect(removedHtml.match(/data-testid="line-item"/g)).toHaveLength(1);
    expect(removedHtml).toContain('value="Second line"');
    expect(removedHtml).not.toContain('value="First line"');
    expect(await rowCounts(business.id)).toEqual(before);
  });

  describe("bad input: 400 with the field error, no rows written", () => {
    const line = (overrides: Partial<{ description: string; quantity: string; unitPrice: string; taxRate: string }>) => [
      { description: "Work", quantity: "1", unitPrice: "50.00", ...overrides },
    ];
    const cases: { name: string; fields: Partial<DocumentFormFields>; message: string }[] = [
      { name: "negative quantity", fields: { lines: line({ quantity: "-1" }) }, message: "Enter a quantity above zero (up to 3 decimals)" },
      { name: "zero quantity", fields: { lines: line({ quantity: "0" }) }, message: "Enter a quantity above zero (up to 3 decimals)" },
      { name: "quantity with 4 decimals", fields: { lines: line({ quantity: "1.2345" }) }, message: "Enter a quantity above zero (up to 3 decimals)" },
      { name: "price -5", fields: { lines: line({ unitPrice: "-5" }) }, message: "Enter a price such as 120.50 (up to 2 decimals)" },
      { name: "price abc", fields: { lines: line({ unitPrice: "abc" }) }, message: "Enter a price such as 120.50 (up to 2 decimals)" },
      { name: "price above 1,000,000", fields: { lines: line({ unitPrice: "1000000.01" }) }, message: "Unit prices above 1,000,000 are not accepted" },
      {
        name: "101 line items",
        fields: { lines: Array.from({ length: 101 }, (_, i) => ({ description: `Line ${i + 1}`, quantity: "1", unitPrice: "1.00" })) },
        message: "At most 100 line items",
      },
      { name: "tax rate 75 %", fields: { taxRate: "75" }, message: "Tax rates above 50 % are not accepted" },
      { name: "line tax rate 75 %", fields: { taxMode: "PER_LINE", lines: line({ taxRate: "75" }) }, message: "Tax rates above 50 % are not accepted" },
      { name: "due date before issue date", fields: { issueDate: "2026-03-10", dueDate: "2026-03-09" }, message: "Must be on or after the issue date" },
      { name: "date 2026-02-30", fields: { issueDate: "2026-02-30", dueDate: "2026-03-30" }, message: "That date does not exist" },
      { name: "year 1990", fields: { issueDate: "1990-06-01", dueDate: "1990-06-15" }, message: "Pick a date between 2000-01-01 and 2100-12-31" },
      { name: "year 2200", fields: { issueDate: "2026-06-01", dueDate: "2200-06-15" }, message: "Pick a date between 2000-01-01 and 2100-12-31" },
      { name: "discount 150 %", fields: { discountType: "PERCENT", discountValue: "150" }, message: "Enter a discount between 0 and 100 %" },
      { name: "quantity above 100,000", fields: { lines: line({ quantity: "100000.001" }) }, message: "Quantities above 100,000 are not accepted" },
      { name: "line tax rate abc", fields: { taxMode: "PER_LINE", lines: line({ taxRate: "abc" }) }, message: "Enter a percentage such as 8.25" },
      { name: "empty description", fields: { lines: line({ description: "   " }) }, message: "Describe the work or item" },
      {
        name: "a total above 10,000,000",
        fields: { lines: Array.from({ length: 11 }, () => ({ description: "Big", quantity: "1", unitPrice: "1000000.00" })) },
        message: "The total is above 10,000,000: split the work into several invoices",
      },
      { name: "deposit above the total", fields: { deposit: "100.01" }, message: "The deposit cannot be more than the total" },
      { name: "discount amount abc", fields: { discountType: "AMOUNT", discountValue: "abc" }, message: "Enter the discount as an amount" },
      { name: "missing customer", fields: { customerId: "" }, message: "Choose a customer" },
      { name: "unknown customerId", fields: { customerId: "cm0000000000000000nope000" }, message: "Choose one of your customers" },
    ];

    let ctx: Awaited<ReturnType<typeof setup>>;
    beforeAll(async () => {
      ctx = await setup();
    });

    it.each(cases)("$name", async ({ fields, message }) => {
      const before = await rowCounts(ctx.business.id);
      const res = await ctx.browser.post("/invoices/new", documentForm({ customerId: ctx.customer.id, ...fields }));
      const html = await res.text();
      expect(res.status).toBe(400);
      // Shown in the markup, for a browser without JavaScript (not only in the hydration data).
      expect(visibleHtml(html)).toContain(message);
      expect(await rowCounts(ctx.business.id)).toEqual(before);
    });

    it("an archived customer", async () => {
      const archived = await makeCustomer(ctx.business.id, { name: "Gone Customer" });
      await prisma.customer.update({ where: { id: archived.id }, data: { archivedAt: new Date() } });
      const before = await rowCounts(ctx.business.id);
      const res = await ctx.browser.post("/invoices/new", documentForm({ customerId: archived.id }));
      expect(res.status).toBe(400);
      expect(visibleHtml(await res.text())).toContain("This customer is archived; restore them first");
      expect(await rowCounts(ctx.business.id)).toEqual(before);
    });

    it("another business's customerId: 400 without revealing that the customer exists", async () => {
      const other = await createAccount({ businessName: "Other Trades Ltd" });
      const theirs = await makeCustomer(other.business.id, { name: "Secret Neighbour Customer" });
      const before = await rowCounts(ctx.business.id);
      const otherBefore = await rowCounts(other.business.id);
      const res = await ctx.browser.post("/invoices/new", documentForm({ customerId: theirs.id }));
      const html = await res.text();
      expect(res.status).toBe(400);
      // The same answer as for an id that does not exist at all.
      expect(visibleHtml(html)).toContain("Choose one of your customers");
      expect(html).not.toContain("Secret Neighbour Customer");
      expect(html).not.toContain("Other Trades Ltd");
      expect(html).not.toContain("archived");
      expect(await rowCounts(ctx.business.id)).toEqual(before);
      expect(await rowCounts(other.business.id)).toEqual(otherBefore);
    });
  });

  it("renders HTML typed into descriptions and notes as text", async () => {
    const { customer, browser } = await setup();
    const res = await browser.post(
      "/invoices/new",
      documentForm({
        customerId: customer.id,
        notes: "<script>alert('notes')</script><img src=x onerror=alert(2)>",
        terms: "</textarea><script>alert('terms')</script>",
        lines: [{ description: "<script>alert('xss')</script><b>bold</b>", quantity: "1", unitPrice: "10" }],
      }),
    );
    expect(res.status).toBe(302);
    const id = invoiceIdFrom(res.headers.get("location"));
    const html = await (await browser.get(`/invoices/${id}`)).text();
    expect(html).toContain("&lt;script&gt;alert(");
    expect(html).toContain("&lt;b&gt;bold&lt;/b&gt;");
    expect(html).not.toMatch(/<script>alert/i);
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<b>bold</b>");
    // The stored text is what was typed: escaping happens on output.
    const line = await prisma.invoiceLine.findFirstOrThrow({ where: { invoiceId: id } });
    expect(line.description).toBe("<script>alert('xss')</script><b>bold</b>");

    const edit = await (await browser.get(`/invoices/${id}/edit`)).text();
    expect(edit).not.toMatch(/<script>alert/i);
    expect(edit).not.toContain("</textarea><script>");
  });
});

describe("numbering", () => {
  it("gives 20 concurrent creates the distinct consecutive numbers 1..20", async () => {
    const { business, customer } = await setup();
    const input = await documentInput({ customerId: customer.id });
    const created = await Promise.all(Array.from({ length: 20 }, () => createInvoice(business.id, input)));
    const numbers = created.map((i) => i.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const stored = await prisma.invoice.findMany({ where: { businessId: business.id }, select: { number: true }, orderBy: { number: "asc" } });
    expect(stored.map((i) => i.number)).toEqual(numbers);
    const { nextInvoiceNumber } = await prisma.business.findUniqueOrThrow({ where: { id: business.id } });
    expect(nextInvoiceNumber).toBe(21);

    // Voiding never frees a number.
    const last = created.find((i) => i.number === 20)!;
    await voidInvoice(business.id, last.id);
    const first = created.find((i) => i.number === 1)!;
    await voidInvoice(business.id, first.id);
    const next = await createInvoice(business.id, input);
    expect(next.number).toBe(21);
    expect(await prisma.invoice.count({ where: { businessId: business.id, number: 20 } })).toBe(1);
  });

  it("numbers each business on its own", async () => {
    const a = await setup();
    const b = await setup();
    const [ia, ib] = await Promise.all([newInvoice(a.business.id, { customerId: a.customer.id }), newInvoice(b.business.id, { customerId: b.customer.id })]);
    expect(ia.number).toBe(1);
    expect(ib.number).toBe(1);
  });
});

describe("editing", () => {
  const editBody = (customerId: string, description: string, unitPrice = "250.00") =>
    documentForm({ customerId, taxRate: "10", lines: [{ description, quantity: "2", unitPrice }] });

  it("edits a draft in place: version stays 1, no revision", async () => {
    const { customer, business, browser } = await setup();
    const { id } = await newInvoice(business.id, { customerId: customer.id, lines: [{ description: "Old", quantity: "1", unitPrice: "10" }] });
    const form = await browser.get(`/invoices/${id}/edit`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('value="Old"');
    const res = await browser.post(`/invoices/${id}/edit`, editBody(customer.id, "New work"));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/invoices/${id}`);
    const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id }, include: { lines: true, revisions: true } });
    expect(invoice.version).toBe(1);
    expect(invoice.revisions).toHaveLength(0);
    expect(invoice.lines.map((l) => l.description)).toEqual(["New work"]);
    expect(invoice).toMatchObject({ subtotalCents: 50000, taxCents: 5000, totalCents: 55000, status: "DRAFT" });
  });

  it("keeps the old version as a revision once the invoice was sent", async () => {
    const { customer, business, browser } = await setup();
    const { id } = await newInvoice(business.id, { customerId: customer.id, lines: [{ description: "Original", quantity: "1", unitPrice: "80.00" }] });
    const sent = await browser.post(`/invoices/${id}`, { intent: "mark-sent" });
    expect(sent.status).toBe(302);
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "SENT", version: 1 });

    const res = await browser.post(`/invoices/${id}/edit`, editBody(customer.id, "Revised"));
    expect(res.status).toBe(302);
    const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id }, include: { lines: true, revisions: true } });
    expect(invoice.version).toBe(2);
    expect(invoice.status).toBe("SENT");
    expect(invoice.lines.map((l) => l.description)).toEqual(["Revised"]);
    expect(invoice.revisions).toHaveLength(1);
    const revision = invoice.revisions[0];
    expect(revision.version).toBe(1);
    expect(revision.businessId).toBe(business.id);
    expect(revision.snapshot).toMatchObject({
      totalCents: 8000,
      subtotalCents: 8000,
      status: "SENT",
      lines: [{ description: "Original", unitPriceCents: 8000, quantityMilli: 1000 }],
    });

    // A second edit keeps version 2 too.
    await browser.post(`/invoices/${id}/edit`, editBody(customer.id, "Revised again", "300.00"));
    const after = await prisma.invoice.findUniqueOrThrow({ where: { id }, include: { revisions: { orderBy: { version: "asc" } } } });
    expect(after.version).toBe(3);
    expect(after.revisions.map((r) => r.version)).toEqual([1, 2]);
    expect(after.revisions[1].snapshot).toMatchObject({ lines: [{ description: "Revised" }], totalCents: 55000 });
    const page = await (await browser.get(`/invoices/${id}`)).text();
    expect(page).toContain("Current version: <!-- -->3");
  });

  it("refuses to edit a paid invoice: GET redirects, POST answers 400 with the reason", async () => {
    const { customer, business, browser } = await setup();
    const { id } = await newInvoice(business.id, { customerId: customer.id, lines: [{ description: "Paid work", quantity: "1", unitPrice: "40.00" }] });
    await markInvoiceSent(business.id, id);
    await manualPayment(business.id, id, 4000);
    const before = await prisma.invoice.findUniqueOrThrow({ where: { id }, include: { lines: true } });
    expect(before.status).toBe("PAID");

    const get = await browser.get(`/invoices/${id}/edit`);
    expect(get.status).toBe(302);
    expect(get.headers.get("location")).toBe(`/invoices/${id}`);

    const post = await browser.post(`/invoices/${id}/edit`, editBody(customer.id, "Sneaky change"));
    expect(post.status).toBe(400);
    expect(visibleHtml(await post.text())).toContain("A paid invoice cannot be edited");
    const after = await prisma.invoice.findUniqueOrThrow({ where: { id }, include: { lines: true } });
    expect(after).toEqual(before);
    expect(await prisma.invoiceRevision.count({ where: { invoiceId: id } })).toBe(0);
  });

  it("refuses to edit a void invoice", async () => {
    const { customer, business, browser } = await setup();
    const { id } = await newInvoice(business.id, { customerId: customer.id });
    const voided = await browser.post(`/invoices/${id}`, { intent: "void" });
    expect(voided.status).toBe(302);
    const before = await prisma.invoice.findUniqueOrThrow({ where: { id }, include: { lines: true } });
    expect(before.status).toBe("VOID");
    expect(before.voidedAt).not.toBeNull();

    const get = await browser.get(`/invoices/${id}/edit`);
    expect(get.status).toBe(302);
    expect(get.headers.get("location")).toBe(`/invoices/${id}`);
    const post = await browser.post(`/invoices/${id}/edit`, editBody(customer.id, "Sneaky change"));
    expect(post.status).toBe(400);
    expect(visibleHtml(await post.text())).toContain("A void invoice cannot be edited.");
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id }, include: { lines: true } })).toEqual(before);
  });

  it("adds a line on the edit page without JavaScript, writing nothing", async () => {
    const { customer, business, browser } = await setup();
    const { id } = await newInvoice(business.id, { customerId: customer.id, lines: [{ description: "Only line", quantity: "1", unitPrice: "10" }] });
    const before = await prisma.invoice.findUniqueOrThrow({ where: { id }, include: { lines: true } });
    const html = await (await browser.get(`/invoices/${id}/edit`)).text();
    const insert = intentButtons(html).find((v) => JSON.parse(v).type === "insert");
    expect(insert).toBeTruthy();
    const res = await browser.post(
      `/invoices/${id}/edit`,
      documentForm({ customerId: customer.id, lines: [{ description: "Only line", quantity: "1", unitPrice: "10" }] }, { __intent__: insert! }),
    );
    expect(res.status).toBe(200);
    expect((await res.text()).match(/data-testid="line-item"/g)).toHaveLength(2);
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id }, include: { lines: true } })).toEqual(before);
  });

  it("an edit down to exactly what was paid makes the invoice paid", async () => {
    const { customer, business, browser } = await setup();
    const { id } = await newInvoice(business.id, { customerId: customer.id, lines: [{ description: "Job", quantity: "1", unitPrice: "500.00" }] });
    await markInvoiceSent(business.id, id);
    await manualPayment(business.id, id, 30000);
    const res = await browser.post(
      `/invoices/${id}/edit`,
      documentForm({ customerId: customer.id, lines: [{ description: "Smaller job", quantity: "1", unitPrice: "300.00" }] }),
    );
    expect(res.status).toBe(302);
    const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id } });
    expect(invoice).toMatchObject({ status: "PAID", totalCents: 30000, amountPaidCents: 30000, version: 2 });
    expect(invoice.paidAt).not.toBeNull();
    expect(await prisma.invoiceRevision.count({ where: { invoiceId: id } })).toBe(1);
  });

  it("does not let an edit lower the total below what was already paid", async () => {
    const { customer, business, browser } = await setup();
    const { id } = await newInvoice(business.id, { customerId: customer.id, lines: [{ description: "Big job", quantity: "1", unitPrice: "500.00" }] });
    await markInvoiceSent(business.id, id);
    await manualPayment(business.id, id, 30000);
    const res = await browser.post(`/invoices/${id}/edit`, editBody(customer.id, "Smaller job", "10.00"));
    expect(res.status).toBe(400);
    expect(visibleHtml(await res.text())).toContain("The new total is less than what the customer has already paid.");
    const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id } });
    expect(invoice).toMatchObject({ totalCents: 50000, version: 1, status: "PARTIALLY_PAID" });
    expect(await prisma.invoiceRevision.count({ where: { invoiceId: id } })).toBe(0);
  });
});

describe("status", () => {
  it("moves draft → sent → viewed → partially paid → paid", async () => {
    const { customer, business, browser } = await setup();
    const { id } = await newInvoice(business.id, { customerId: customer.id, lines: [{ description: "Job", quantity: "1", unitPrice: "100.00" }] });
    const status = async () => (await prisma.invoice.findUniqueOrThrow({ where: { id } })).status;
    expect(await status()).toBe("DRAFT");
    expect(await (await browser.get(`/invoices/${id}`)).text()).toContain('class="badge badge-draft"');

    const sent = await browser.post(`/invoices/${id}`, { intent: "mark-sent" });
    expect(sent.status).toBe(302);
    expect(sent.headers.get("location")).toBe(`/invoices/${id}`);
    const afterSend = await prisma.invoice.findUniqueOrThrow({ where: { id } });
    expect(afterSend.status).toBe("SENT");
    expect(afterSend.sentAt).not.toBeNull();

    await markInvoiceViewed(business.id, id);
    const viewed = await prisma.invoice.findUniqueOrThrow({ where: { id } });
    expect(viewed.status).toBe("VIEWED");
    expect(viewed.viewedAt).not.toBeNull();
    // Viewing again changes nothing.
    await markInvoiceViewed(business.id, id);
    expect((await prisma.invoice.findUniqueOrThrow({ where: { id } })).viewedAt).toEqual(viewed.viewedAt);

    await manualPayment(business.id, id, 2500);
    expect(await status()).toBe("PARTIALLY_PAID");
    // A later view does not move a partially paid invoice back.
    await markInvoiceViewed(business.id, id);
    expect(await status()).toBe("PARTIALLY_PAID");
    expect(await (await browser.get(`/invoices/${id}`)).text()).toContain("Partially paid");

    await manualPayment(business.id, id, 7500);
    const paid = await prisma.invoice.findUniqueOrThrow({ where: { id } });
    expect(paid.status).toBe("PAID");
    expect(paid.amountPaidCents).toBe(10000);
    expect(paid.paidAt).not.toBeNull();
    const page = await (await browser.get(`/invoices/${id}`)).text();
    expect(page).toContain('class="badge badge-paid"');
    // A paid invoice offers no edit and no payment form.
    expect(page).not.toContain('href="/invoices/' + id + '/edit"');
    expect(page).not.toContain("Record a payment");

    // Marking a paid invoice sent again keeps it paid.
    await browser.post(`/invoices/${id}`, { intent: "mark-sent" });
    expect(await status()).toBe("PAID");

    const events = await prisma.activityEvent.findMany({ where: { invoiceId: id }, orderBy: { createdAt: "asc" }, select: { type: true } });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["invoice.created", "invoice.sent", "invoice.viewed", "payment.received"]));
  });

  it("derives overdue for open invoices past their due date, on the page and in the list filter", async () => {
    const { customer, business, browser } = await setup();
    const t = today();
    const pastDue = { customerId: customer.id, issueDate: shiftDays(t, -30), dueDate: shiftDays(t, -1) };
    const overdue = await newInvoice(business.id, pastDue);
    await markInvoiceSent(business.id, overdue.id);
    const overduePartial = await newInvoice(business.id, { ...pastDue, lines: [{ description: "Part", quantity: "1", unitPrice: "100" }] });
    await markInvoiceSent(business.id, overduePartial.id);
    await manualPayment(business.id, overduePartial.id, 1000);
    const dueToday = await newInvoice(business.id, { customerId: customer.id, issueDate: shiftDays(t, -30), dueDate: t });
    await markInvoiceSent(business.id, dueToday.id);
    const draftPastDue = await newInvoice(business.id, pastDue);
    const paidPastDue = await newInvoice(business.id, { ...pastDue, lines: [{ description: "Paid", quantity: "1", unitPrice: "10" }] });
    await markInvoiceSent(business.id, paidPastDue.id);
    await manualPayment(business.id, paidPastDue.id, 1000);
    const voidPastDue = await newInvoice(business.id, pastDue);
    await markInvoiceSent(business.id, voidPastDue.id);
    await voidInvoice(business.id, voidPastDue.id);

    // Nothing stores "overdue".
    expect((await prisma.invoice.findUniqueOrThrow({ where: { id: overdue.id } })).status).toBe("SENT");
    const page = await (await browser.get(`/invoices/${overdue.id}`)).text();
    expect(page).toContain('class="badge badge-overdue">Overdue');
    const notOverdue = await (await browser.get(`/invoices/${dueToday.id}`)).text();
    expect(notOverdue).not.toContain("Overdue");

    const list = await browser.get("/invoices?status=OVERDUE");
    expect(list.status).toBe(200);
    const html = await list.text();
    const listed = [...html.matchAll(/href="\/invoices\/([^"/]+)"/g)].map((m) => m[1]).filter((id) => id !== "new");
    expect(new Set(listed)).toEqual(new Set([overdue.id, overduePartial.id]));
    expect(html.match(/badge-overdue/g)).toHaveLength(2);
    for (const other of [dueToday, draftPastDue, paidPastDue, voidPastDue]) expect(listed).not.toContain(other.id);
  });
});

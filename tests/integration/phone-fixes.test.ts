// Issue 14's defects, as a browser with JavaScript off meets them, over real HTTP on the file's own
// Postgres: Enter in the editor saves and never removes a line, totals on every round trip, one
// payment per form render, void only after a confirmation page, estimates shared by text, and the
// customer's pages (no "Viewed" badge, tel:/mailto: links, tax-after-discount explained, stacked rows).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEstimate } from "~/models/estimate.server";
import { createInvoice, markInvoiceSent } from "~/models/invoice.server";
import { signLink, dayNumber } from "~/models/signed-link.server";
import { prisma } from "~/utils/db.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import { documentForm, documentInput, makeCustomer } from "../helpers/business-data";
import {
  attributesAt,
  contentOf,
  elementAt,
  elementsAt,
  fieldValue,
  formAt,
  hiddenValue,
  intentButtons,
  pageText,
  textAt,
  textsAt,
  type HTMLElement,
} from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer();
});
afterAll(() => server?.stop());

async function setup() {
  const { user, business } = await createAccount({ businessName: "Lone Star Plumbing" });
  await prisma.business.update({ where: { id: business.id }, data: { phone: "+1 (512) 555-0100", email: "office@lonestar.example" } });
  const customer = await makeCustomer(business.id, { name: "Dana Client" });
  await prisma.customer.update({ where: { id: customer.id }, data: { phone: "+1 512 555 0199" } });
  const browser = await signedInBrowser(server, user);
  return { user, business, customer, browser };
}

const text = (html: string) => pageText(html);

/** The editor's <form>: the one holding the line items. */
function editorForm(html: string) {
  return formAt(html, "form#invoice-form, form#estimate-form");
}

/** The first submit button of a form: the one Enter (a phone's "Go" key) presses. */
function firstSubmitButton(form: HTMLElement) {
  return form.querySelectorAll("button").find((button) => button.getAttribute("type") !== "button") ?? null;
}

/** The href of the page's first sms: link, decoded. */
const smsLink = (html: string) => decodeURIComponent(attributesAt(html, "a[href]", "href").find((href) => href.startsWith("sms:"))!);

const pay = (id: string) => {
  const day = dayNumber();
  return `/pay/${id}?t=${signLink("pay", id, day, server.payLinkSecret)}&d=${day}`;
};
const estimateLink = (id: string) => {
  const day = dayNumber();
  return `/estimate/${id}?t=${signLink("estimate", id, day, server.payLinkSecret)}&d=${day}`;
};

describe("Enter in the editor (defect 1)", () => {
  it("the form's first submit button saves, with one line and with several; it never adds or removes a line", async () => {
    const { customer, browser } = await setup();
    for (const path of ["/invoices/new", "/estimates/new"]) {
      const page = await (await browser.get(path)).text();
      const first = firstSubmitButton(editorForm(page));
      expect(first, `${path}: first submit button`).toBeTruthy();
      expect(first!.hasAttribute("name"), "a plain save: no name, so no intent").toBe(false);
      expect(first!.getAttribute("tabindex")).toBe("-1");
      expect(first!.getAttribute("aria-hidden")).toBe("true");
    }

    // With two lines (the Remove buttons appear), the save button is still first.
    const insert = intentButtons(await (await browser.get("/invoices/new")).text()).find((v) => JSON.parse(v).type === "insert")!;
    const twoLines = await browser.post(
      "/invoices/new",
      documentForm({ customerId: customer.id, lines: [{ description: "First line", quantity: "1", unitPrice: "10" }] }, { __intent__: insert }),
    );
    const html = await twoLines.text();
    expect(elementsAt(html, '[data-testid="line-item"]')).toHaveLength(2);
    expect(firstSubmitButton(editorForm(html))?.hasAttribute("name")).toBe(false);

    // What Enter sends (no submitter name) saves the invoice, one line or two.
    const saved = await browser.post(
      "/invoices/new",
      documentForm({
        customerId: customer.id,
        lines: [
          { description: "First line", quantity: "1", unitPrice: "10" },
          { description: "Second line", quantity: "2", unitPrice: "5" },
        ],
      }),
    );
    expect(saved.status).toBe(302);
    const id = saved.headers.get("location")!.split("/").pop()!;
    const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id }, include: { lines: { orderBy: { position: "asc" } } } });
    expect(invoice.lines.map((l) => l.description)).toEqual(["First line", "Second line"]);
  });

  it("Add line item lands on the new line by its fragment", async () => {
    const { browser } = await setup();
    const html = await (await browser.get("/invoices/new")).text();
    const button = elementsAt(html, "button").find((b) => (b.getAttribute("value") ?? "").includes("insert"))!;
    expect(button.getAttribute("formaction")).toBe("#line-2");
  });
});

describe("running totals without JavaScript (editor)", () => {
  it("every round trip re-renders subtotal, discount, tax and total with the saved document's rounding", async () => {
    const { customer, browser } = await setup();
    const page = await (await browser.get("/invoices/new")).text();
    const update = elementsAt(page, "button").filter((b) => contentOf(b).startsWith("Update totals"));
    expect(update, "an Update totals button without JavaScript").toHaveLength(1);
    const validate = intentButtons(page).find((v) => JSON.parse(v).type === "validate")!;
    const res = await browser.post(
      "/invoices/new",
      documentForm(
        {
          customerId: customer.id,
          taxMode: "PER_LINE",
          discountType: "AMOUNT",
          discountValue: "10",
          lines: [
            { description: "Faucet", quantity: "1", unitPrice: "189.99", taxRate: "8.25" },
            { description: "Labour", quantity: "1.5", unitPrice: "45", taxRate: "0" },
          ],
        },
        { __intent__: validate },
      ),
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    // Subtotal 189.99 + 67.50 = 257.49; the $10 discount splits 7.38 / 2.62; tax 8.25 % of 182.61 = 15.07.
    const expected = await documentInput({
      customerId: customer.id,
      taxMode: "PER_LINE",
      discountType: "AMOUNT",
      discountValue: "10",
      lines: [
        { description: "Faucet", quantity: "1", unitPrice: "189.99", taxRate: "8.25" },
        { description: "Labour", quantity: "1.5", unitPrice: "45", taxRate: "0" },
      ],
    });
    const { computeTotals } = await import("~/models/totals");
    const totals = computeTotals(expected);
    const money = (c: number) => `$${(c / 100).toFixed(2)}`;
    expect(totals.totalCents).toBe(25749 - 1000 + 1507);
    expect(textAt(html, '[data-testid="running-subtotal"]')).toBe(money(totals.subtotalCents));
    expect(textAt(html, '[data-testid="running-tax"]')).toBe(money(totals.taxCents));
    expect(textAt(html, '[data-testid="running-total"]')).toBe(money(totals.totalCents));
    // Per-line mode: the whole-invoice tax field is hidden and the tax-after-discount rule explained.
    expect(textsAt(html, "div[hidden] > div > label")).toContain("Tax %");
    expect(text(html)).toContain("Tax is calculated after the discount");
    // Nothing was saved.
    expect(await prisma.invoice.count({ where: { customerId: customer.id } })).toBe(0);
  });
});

describe("recording a payment (defect 2)", () => {
  it("a resubmission of the same form render is a no-op; each render has its own keys", async () => {
    const { business, customer, browser } = await setup();
    const invoice = await createInvoice(
      business.id,
      await documentInput({ customerId: customer.id, lines: [{ description: "Job", quantity: "1", unitPrice: "227.33" }] }),
    );
    await markInvoiceSent(business.id, invoice.id);
    const page = await (await browser.get(`/invoices/${invoice.id}`)).text();
    const key = hiddenValue(page, "key")!;
    const again = await (await browser.get(`/invoices/${invoice.id}`)).text();
    expect(hiddenValue(again, "key")).not.toBe(key);
    // "Mark paid" has a key of its own on the same render.
    const keys = attributesAt(page, 'input[type="hidden"][name="key"]', "value");
    expect(new Set(keys).size).toBe(2);

    const form = { intent: "record-payment", key, amount: "20.00", method: "CASH", receivedOn: new Date().toISOString().slice(0, 10), reference: "tap" };
    expect((await browser.post(`/invoices/${invoice.id}`, form)).status).toBe(302);
    expect((await browser.post(`/invoices/${invoice.id}`, form)).status).toBe(302);
    const payments = await prisma.payment.findMany({ where: { invoiceId: invoice.id } });
    expect(payments).toHaveLength(1);
    expect((await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).amountPaidCents).toBe(2000);
    // After a payment the amount starts empty, so a stray tap asks for an amount instead of paying again.
    const after = await (await browser.get(`/invoices/${invoice.id}`)).text();
    expect(elementAt(after, 'input[name="amount"]')).not.toBeNull();
    expect(fieldValue(after, "amount")).toBe("");
  });
});

describe("voiding (defect 6)", () => {
  it("the invoice page has no one-tap void; GET /void asks, POST /void voids; another business gets 404", async () => {
    const { business, customer, browser } = await setup();
    const invoice = await createInvoice(business.id, await documentInput({ customerId: customer.id }));
    await markInvoiceSent(business.id, invoice.id);
    const page = await (await browser.get(`/invoices/${invoice.id}`)).text();
    expect(attributesAt(page, '[name="intent"]', "value")).not.toContain("void");
    expect(attributesAt(page, "a[href]", "href")).toContain(`/invoices/${invoice.id}/void`);

    const confirm = await browser.get(`/invoices/${invoice.id}/void`);
    expect(confirm.status).toBe(200);
    const html = text(await confirm.text());
    expect(html).toContain("Void INV-0001?");
    expect(html).toContain("The customer's pay link stops working at once.");
    expect((await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status).toBe("SENT");

    const other = await setup();
    expect((await other.browser.get(`/invoices/${invoice.id}/void`)).status).toBe(404);
    expect((await other.browser.post(`/invoices/${invoice.id}/void`, {})).status).toBe(404);
    expect((await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status).toBe("SENT");

    const res = await browser.post(`/invoices/${invoice.id}/void`, {});
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/invoices/${invoice.id}`);
    expect((await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status).toBe("VOID");
    // A void invoice has nothing to confirm.
    expect((await browser.get(`/invoices/${invoice.id}/void`)).status).toBe(302);
  });

  it("estimates too: GET /estimates/:id/void asks, POST voids", async () => {
    const { business, customer, browser } = await setup();
    const estimate = await createEstimate(business.id, await documentInput({ customerId: customer.id }, "USD", "estimate"));
    const page = await (await browser.get(`/estimates/${estimate.id}`)).text();
    expect(page).not.toMatch(/name="intent" value="void"/);
    expect(text(await (await browser.get(`/estimates/${estimate.id}/void`)).text())).toContain("Void EST-0001?");
    expect((await browser.post(`/estimates/${estimate.id}/void`, {})).status).toBe(302);
    expect((await prisma.estimate.findUniqueOrThrow({ where: { id: estimate.id } })).status).toBe("VOID");
  });
});

describe("sharing by text (defects 5 and 7)", () => {
  it("an estimate can be marked as sent and then texted or copied, with the business name in the text", async () => {
    const { business, customer, browser } = await setup();
    const estimate = await createEstimate(
      business.id,
      await documentInput({ customerId: customer.id, lines: [{ description: "Heater", quantity: "1", unitPrice: "3200" }] }, "USD", "estimate"),
    );
    const draft = await (await browser.get(`/estimates/${estimate.id}`)).text();
    expect(draft).toMatch(/name="intent" value="mark-sent"/);
    const res = await browser.post(`/estimates/${estimate.id}`, { intent: "mark-sent" });
    expect(res.status).toBe(302);
    const row = await prisma.estimate.findUniqueOrThrow({ where: { id: estimate.id } });
    expect(row.status).toBe("SENT");
    expect(row.sentAt).not.toBeNull();
    const page = await (await browser.get(`/estimates/${estimate.id}`)).text();
    expect(elementAt(page, '[data-testid="estimate-link"]')).not.toBeNull();
    const sms = smsLink(page);
    expect(sms).toMatch(/^sms:\+15125550199\?&body=Lone Star Plumbing: estimate EST-0001 for \$3,200\.00\. View and approve: http/);
    const activity = await prisma.activityEvent.findFirst({ where: { estimateId: estimate.id, type: "estimate.sent" } });
    expect(activity?.message).toBe("Estimate EST-0001 marked as sent");
  });

  it("the invoice's text starts with the business name", async () => {
    const { business, customer, browser } = await setup();
    const invoice = await createInvoice(
      business.id,
      await documentInput({ customerId: customer.id, lines: [{ description: "Job", quantity: "1", unitPrice: "403.90" }] }),
    );
    await markInvoiceSent(business.id, invoice.id);
    const page = await (await browser.get(`/invoices/${invoice.id}`)).text();
    const sms = smsLink(page);
    expect(sms).toMatch(/body=Lone Star Plumbing: invoice INV-0001 for \$403\.90\. View and pay: http/);
  });
});

describe("the customer's pages (defects 4 and 7)", () => {
  it("pay page: no Viewed badge, tel: and mailto: links, stacked rows with labels, tax after discount explained", async () => {
    const { business, customer } = await setup();
    const invoice = await createInvoice(
      business.id,
      await documentInput({
        customerId: customer.id,
        taxMode: "PER_LINE",
        discountType: "AMOUNT",
        discountValue: "10",
        lines: [{ description: "Faucet", quantity: "1", unitPrice: "189.99", taxRate: "8.25" }],
      }),
    );
    await markInvoiceSent(business.id, invoice.id);
    const first = await fetch(`${server.url}${pay(invoice.id)}`);
    expect(first.status).toBe(200);
    await first.text();
    expect((await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).status).toBe("VIEWED");
    const html = await (await fetch(`${server.url}${pay(invoice.id)}`)).text();
    expect(html).not.toMatch(/badge-viewed|>Viewed</);
    expect(html).toContain('href="tel:+15125550100"');
    expect(html).toContain('href="mailto:office@lonestar.example"');
    expect(html).toContain('<table class="stacked">');
    expect(html).toMatch(/data-label="Amount">\$189\.99</);
    // 8.25 % of the discounted 179.99 = 14.85, shown on the line and explained.
    expect(text(html)).toContain("8.25 % · $14.85");
    expect(text(html)).toContain("Tax is calculated after the discount");
    expect(html).not.toMatch(/<script/);

    const activity = await prisma.activityEvent.findFirst({ where: { invoiceId: invoice.id, type: "invoice.viewed" } });
    expect(activity?.message).toBe("Customer opened invoice INV-0001");
  });

  it("estimate page: no Viewed badge and tel:/mailto: links", async () => {
    const { business, customer, browser } = await setup();
    const estimate = await createEstimate(business.id, await documentInput({ customerId: customer.id }, "USD", "estimate"));
    await browser.post(`/estimates/${estimate.id}`, { intent: "mark-sent" });
    const html = await (await fetch(`${server.url}${estimateLink(estimate.id)}`)).text();
    expect(html).not.toMatch(/badge-viewed|>Viewed</);
    expect(html).toContain('href="tel:+15125550100"');
    expect(html).toContain('href="mailto:office@lonestar.example"');
    expect(html).toMatch(/name="decision" value="approve"/);
    expect(html).not.toMatch(/<script/);
  });
});

describe("activity messages", () => {
  it("name documents by their formatted numbers", async () => {
    const { business, customer, browser } = await setup();
    const invoice = await createInvoice(business.id, await documentInput({ customerId: customer.id }));
    await browser.post(`/invoices/${invoice.id}`, { intent: "mark-sent" });
    await browser.post(`/invoices/${invoice.id}/void`, {});
    const messages = (await prisma.activityEvent.findMany({ where: { invoiceId: invoice.id }, orderBy: { createdAt: "asc" } })).map((e) => e.message);
    expect(messages).toEqual([`Invoice INV-0001 created for ${customer.name}`, "Invoice INV-0001 sent", "Invoice INV-0001 voided"]);
  });
});

// Issue 14, estimates the way contractors expect them: the customer approves by typing their name (kept
// with the time, IP and user agent, and shown on both estimate pages and the PDF), optional lines the
// customer ticks (the approved total and the converted invoice follow the choice), and the contractor is
// emailed when an estimate is approved or declined and when an invoice is paid. All over HTTP with
// JavaScript off, on real Postgres.
import { PDFParse } from "pdf-parse";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEstimate } from "~/models/estimate.server";
import { createInvoice } from "~/models/invoice.server";
import { applyPayment } from "~/models/payments/payment.server";
import { computeTotals } from "~/models/totals";
import { prisma } from "~/utils/db.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { documentForm, type DocumentFormFields, documentInput, makeCustomer } from "../helpers/business-data";
import { elementAt, elementsAt, pageText } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer();
});
afterAll(() => server?.stop());

const CLOSE = { Connection: "close" };

async function setup() {
  const { user, business, email } = await createAccount({ businessName: `Optional Roofing ${crypto.randomUUID().slice(0, 8)}` });
  const customer = await makeCustomer(business.id, { name: "Robin Homeowner", email: "robin@example.com" });
  const browser = await signedInBrowser(server, user);
  return { user, business, email, customer, browser };
}

const FIELDS = (customerId: string): DocumentFormFields => ({
  customerId,
  taxMode: "PER_LINE",
  discountType: "PERCENT",
  discountValue: "10",
  lines: [
    { description: "Replace water heater", quantity: "1", unitPrice: "1200.00", taxRate: "8.25" },
    { description: "Expansion tank", quantity: "1", unitPrice: "189.99", taxRate: "8.25", optional: true },
    { description: "Haul away old unit", quantity: "1", unitPrice: "75.00", optional: true },
  ],
});

async function sentEstimate(ctx: Awaited<ReturnType<typeof setup>>) {
  const { id } = await createEstimate(ctx.business.id, await documentInput(FIELDS(ctx.customer.id), "USD", "estimate"));
  expect((await ctx.browser.post(`/estimates/${id}`, { intent: "send" })).status).toBe(302);
  const message = await prisma.emailMessage.findFirstOrThrow({ where: { businessId: ctx.business.id, template: "estimate-sent", estimateId: id } });
  const match = /https?:\/\/[^\s/]+(\/estimate\/[^?\s]+\?t=([A-Za-z0-9_-]+)&d=(\d+))/.exec(message.textBody ?? "");
  if (!match) throw new Error("no link in the email");
  return { id, path: match[1], t: match[2], d: match[3] };
}

/** A browser's urlencoded POST with repeated fields (the tick boxes). */
function postForm(browser: Browser, path: string, pairs: [string, string][], headers: Record<string, string> = {}) {
  return browser.request(path, {
    method: "POST",
    body: new URLSearchParams(pairs),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: new URL(server.url).origin, "Sec-Fetch-Site": "same-origin", ...headers },
  });
}

/** The <input> tag whose value is `value`. */
/** Whether the tick box of the option `value` is ticked as rendered. */
const ticked = (html: string, value: string) => elementAt(html, `input[value="${value}"]`)!.hasAttribute("checked");

const lineTotals = (lines: { quantityMilli: number; unitPriceCents: number; taxRate: number }[], discountPercent = 10_000) =>
  computeTotals({ lines, taxMode: "PER_LINE", taxRate: 0, discountType: "PERCENT", discountValue: discountPercent });

describe("optional lines in the editor", () => {
  it("saves the optional flag from the no-JS form and leaves optional lines out of the total", async () => {
    const ctx = await setup();
    const res = await ctx.browser.post("/estimates/new", documentForm(FIELDS(ctx.customer.id)));
    expect(res.status).toBe(302);
    const estimate = await prisma.estimate.findFirstOrThrow({ where: { businessId: ctx.business.id }, include: { lines: { orderBy: { position: "asc" } } } });
    expect(estimate.lines.map((l) => [l.optional, l.selected])).toEqual([
      [false, false],
      [true, false],
      [true, false],
    ]);
    const expected = lineTotals([estimate.lines[0]]);
    expect(estimate.totalCents).toBe(expected.totalCents);
    expect(estimate.lines[1].amountCents).toBe(18_999);
    expect(estimate.lines[1].taxCents).toBe(0);

    // The edit form shows the tick box ticked; the contractor's page lists the extras apart.
    const edit = await (await ctx.browser.get(`/estimates/${estimate.id}/edit`)).text();
    const tickBox = (i: number) => elementAt(edit, `input[name="lines[${i}].optional"]`)!;
    expect(tickBox(1).hasAttribute("checked")).toBe(true);
    expect(tickBox(0).getAttribute("type")).toBe("checkbox");
    expect(tickBox(0).hasAttribute("checked")).toBe(false);
    const page = pageText(await (await ctx.browser.get(`/estimates/${estimate.id}`)).text());
    expect(page).toContain("Optional items");
    expect(page).toContain("Not chosen: Expansion tank");
  });
});

describe("approving by typed name, with optional items", () => {
  it("previews, refuses a missing name or a foreign option, then approves with the chosen extras", async () => {
    const ctx = await setup();
    const link = await sentEstimate(ctx);
    const customer = new Browser(server.url, CLOSE);
    const page = await customer.get(link.path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(elementsAt(html, "script")).toHaveLength(0);
    expect(pageText(html)).toContain("Type your full name to approve");
    const lines = await prisma.estimateLine.findMany({ where: { estimateId: link.id }, orderBy: { position: "asc" } });
    const [required, tank, haul] = lines;
    expect(elementAt(html, `input[value="${tank.id}"]`)).not.toBeNull();

    // "Update total" (no JavaScript): the page again, with the total for the ticked extras; nothing saved.
    const before = await prisma.estimate.findUniqueOrThrow({ where: { id: link.id } });
    const preview = await postForm(customer, link.path, [
      ["t", link.t],
      ["d", link.d],
      ["option", tank.id],
      ["decision", "preview"],
    ]);
    expect(preview.status).toBe(200);
    const withTank = lineTotals([required, tank]);
    const previewHtml = await preview.text();
    expect(pageText(previewHtml)).toContain(`$${(withTank.totalCents / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`);
    expect(ticked(previewHtml, tank.id)).toBe(true);
    expect(ticked(previewHtml, haul.id)).toBe(false);
    expect(await prisma.estimate.findUniqueOrThrow({ where: { id: link.id } })).toEqual(before);

    // No name: 400 with the field error, choices kept, nothing written, nobody emailed.
    const noName = await postForm(customer, link.path, [
      ["t", link.t],
      ["d", link.d],
      ["option", tank.id],
      ["name", "  "],
      ["decision", "approve"],
    ]);
    expect(noName.status).toBe(400);
    expect(pageText(await noName.text())).toContain("Type your full name to approve");
    const foreign = await postForm(customer, link.path, [
      ["t", link.t],
      ["d", link.d],
      ["option", required.id],
      ["name", "Robin Homeowner"],
      ["decision", "approve"],
    ]);
    expect(foreign.status).toBe(400);
    expect(pageText(await foreign.text())).toContain("Choose only from the optional items offered");
    const markup = await postForm(customer, link.path, [
      ["t", link.t],
      ["d", link.d],
      ["name", "<b>Robin</b>"],
      ["decision", "approve"],
    ]);
    expect(markup.status).toBe(400);
    expect(await prisma.estimate.findUniqueOrThrow({ where: { id: link.id } })).toMatchObject({ status: "VIEWED", approvedAt: null, approvedByName: null });
    expect(await prisma.emailMessage.count({ where: { estimateId: link.id, template: "estimate-approved" } })).toBe(0);

    // Approve with the tank: the typed name, time, IP and user agent are kept and the total follows the choice.
    const approve = await postForm(
      customer,
      `/estimate/${link.id}`,
      [
        ["t", link.t],
        ["d", link.d],
        ["option", tank.id],
        ["name", "  Robin   O’Homeowner "],
        ["decision", "approve"],
      ],
      { "User-Agent": "Mozilla/5.0 (Linux; Android 7.0; Moto G (4)) Test" },
    );
    expect(approve.status).toBe(302);
    const approved = await prisma.estimate.findUniqueOrThrow({ where: { id: link.id }, include: { lines: { orderBy: { position: "asc" } } } });
    expect(approved).toMatchObject({
      status: "APPROVED",
      approvedByName: "Robin O’Homeowner",
      approvedUserAgent: "Mozilla/5.0 (Linux; Android 7.0; Moto G (4)) Test",
    });
    expect(approved.approvedIp).toMatch(/127\.0\.0\.1|::1/);
    expect(approved.approvedAt).not.toBeNull();
    expect(approved.lines.map((l) => l.selected)).toEqual([false, true, false]);
    expect(approved.totalCents).toBe(withTank.totalCents);
    expect(approved.subtotalCents).toBe(withTank.subtotalCents);
    expect(approved.taxCents).toBe(withTank.taxCents);
    expect(approved.lines[2].taxCents).toBe(0);
    expect(haul.amountCents).toBe(7_500);

    // Shown to the customer, to the contractor (with where it came from) and in the PDF.
    const afterHtml = await (await customer.get(link.path)).text();
    expect(pageText(afterHtml)).toContain("Approved by Robin O’Homeowner on");
    expect(elementsAt(afterHtml, "script")).toHaveLength(0);
    const contractorPage = pageText(await (await ctx.browser.get(`/estimates/${link.id}`)).text());
    expect(contractorPage).toContain("Approved by Robin O’Homeowner on");
    expect(contractorPage).toContain("Moto G (4)");
    expect(contractorPage).toContain("✓ Chosen: Expansion tank");
    const pdf = await ctx.browser.get(`/estimates/${link.id}/pdf`, CLOSE);
    expect(pdf.status).toBe(200);
    const parser = new PDFParse({ data: new Uint8Array(await pdf.arrayBuffer()) });
    const text = (await parser.getText()).text;
    await parser.destroy();
    expect(text).toContain("Approved by Robin O");
    expect(text).toContain("Optional items not chosen");
    expect(text).toContain("Haul away old unit");

    // The contractor is emailed once, through the queued path.
    const notices = await prisma.emailMessage.findMany({ where: { estimateId: link.id, template: "estimate-approved" } });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ to: ctx.email, status: expect.stringMatching(/QUEUED|SENT/) });
    expect(notices[0].dedupeKey).toMatch(/^estimate-approved:/);
    expect(notices[0].textBody).toContain("Robin Homeowner approved estimate EST-0001");

    // A repeated approval is a no-op: no second email.
    expect(
      (
        await postForm(customer, link.path, [
          ["t", link.t],
          ["d", link.d],
          ["name", "Robin"],
          ["decision", "approve"],
        ])
      ).status,
    ).toBe(302);
    expect(await prisma.emailMessage.count({ where: { estimateId: link.id, template: "estimate-approved" } })).toBe(1);

    // The converted invoice holds only the approved lines, for the approved total.
    const convert = await ctx.browser.post(`/estimates/${link.id}`, { intent: "convert" });
    expect(convert.status).toBe(302);
    const invoice = await prisma.invoice.findFirstOrThrow({ where: { estimateId: link.id }, include: { lines: { orderBy: { position: "asc" } } } });
    expect(invoice.lines.map((l) => l.description)).toEqual(["Replace water heater", "Expansion tank"]);
    expect(invoice.totalCents).toBe(approved.totalCents);
  });

  it("refuses an approval with no line that counts (every line optional, none ticked)", async () => {
    const ctx = await setup();
    const fields = FIELDS(ctx.customer.id);
    fields.lines = fields.lines!.map((l) => ({ ...l, optional: true }));
    const { id } = await createEstimate(ctx.business.id, await documentInput(fields, "USD", "estimate"));
    await ctx.browser.post(`/estimates/${id}`, { intent: "send" });
    const message = await prisma.emailMessage.findFirstOrThrow({ where: { estimateId: id, template: "estimate-sent" } });
    const [path, t, d] = /\/estimate\/[^?\s]+\?t=([A-Za-z0-9_-]+)&d=(\d+)/.exec(message.textBody ?? "")!;
    const res = await postForm(new Browser(server.url), path, [
      ["t", t],
      ["d", d],
      ["name", "Robin Homeowner"],
      ["decision", "approve"],
    ]);
    expect(res.status).toBe(400);
    expect(pageText(await res.text())).toContain("Tick at least one item to approve");
    expect((await prisma.estimate.findUniqueOrThrow({ where: { id } })).status).not.toBe("APPROVED");
  });

  it("emails the contractor when the customer declines", async () => {
    const ctx = await setup();
    await prisma.business.update({ where: { id: ctx.business.id }, data: { email: "office@optional-roofing.example" } });
    const link = await sentEstimate(ctx);
    const res = await new Browser(server.url).post(`/estimate/${link.id}`, { t: link.t, d: link.d, decision: "decline" });
    expect(res.status).toBe(302);
    const notices = await prisma.emailMessage.findMany({ where: { estimateId: link.id, template: "estimate-declined" } });
    expect(notices).toHaveLength(1);
    expect(notices[0].to).toBe("office@optional-roofing.example");
    expect(notices[0].subject).toBe("Robin Homeowner declined estimate EST-0001");
  });

  it("another business's estimate is a 404 to a signed-in contractor", async () => {
    const ctx = await setup();
    const other = await setup();
    const link = await sentEstimate(other);
    expect((await ctx.browser.get(`/estimates/${link.id}`)).status).toBe(404);
    expect((await ctx.browser.get(`/estimates/${link.id}/pdf`)).status).toBe(404);
  });
});

describe("paid notice", () => {
  it("emails the contractor once when an invoice is paid in full, not for a part payment or a repeat", async () => {
    const ctx = await setup();
    const invoice = await createInvoice(
      ctx.business.id,
      await documentInput({ customerId: ctx.customer.id, lines: [{ description: "Drain", quantity: "1", unitPrice: "200.00" }] }),
    );
    const pay = (amountCents: number, key: string) =>
      applyPayment({
        businessId: ctx.business.id,
        invoiceId: invoice.id,
        amountCents,
        currency: "USD",
        method: "CASH",
        provider: "manual",
        providerPaymentId: key,
      });
    await pay(5_000, "part-1");
    expect(await prisma.emailMessage.count({ where: { invoiceId: invoice.id, template: "invoice-paid" } })).toBe(0);
    await pay(15_000, "rest-1");
    await pay(15_000, "rest-1");
    const notices = await prisma.emailMessage.findMany({ where: { invoiceId: invoice.id, template: "invoice-paid" } });
    expect(notices).toHaveLength(1);
    expect(notices[0].to).toBe(ctx.email);
    expect(notices[0].subject).toBe("Invoice INV-0001 is paid");
  });
});

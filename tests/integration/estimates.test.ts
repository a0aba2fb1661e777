// Estimates end to end on real Postgres: create over HTTP, send (dev outbox email with the signed
// link), the customer's public page (no JavaScript), approve / decline, link tampering and expiry,
// and converting to an invoice exactly once. No mocks.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { convertEstimateToInvoice, createEstimate, decideEstimate, sendEstimate } from "~/models/estimate.server";
import { dayNumber, signLink } from "~/models/signed-link.server";
import { prisma } from "~/utils/db.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { documentForm, type DocumentFormFields, documentInput, makeCustomer, shiftDays } from "../helpers/business-data";
import { visibleHtml } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer();
});
afterAll(() => server?.stop());

const pageText = (html: string) => html.replaceAll("<!-- -->", "");

async function setup(options: { customerEmail?: string | null } = {}) {
  const businessName = `Zephyr Roofing ${crypto.randomUUID().slice(0, 8)}`;
  const { user, business } = await createAccount({ businessName });
  const customer = await makeCustomer(business.id, { name: "Robin Homeowner", email: options.customerEmail });
  const browser = await signedInBrowser(server, user);
  return { user, business, businessName, customer, browser };
}

const ESTIMATE_FIELDS = (customerId: string): DocumentFormFields => ({
  customerId,
  taxMode: "PER_LINE",
  discountType: "PERCENT",
  discountValue: "10",
  notes: "Includes haul-away",
  terms: "Valid for 30 days",
  lines: [
    { description: "Tear-off and disposal", quantity: "12.5", unitPrice: "85.00", taxRate: "8.875" },
    { description: "Shingles", quantity: "30", unitPrice: "42.99", taxRate: "6" },
    { description: "Permit", quantity: "1", unitPrice: "150.00" },
  ],
});

/**
 * A sent estimate and the signed link from its email. Sent through the server (which holds the link
 * secret), not by calling sendEstimate here, where the test process's own secret would sign it.
 */
async function sentEstimate(ctx: Awaited<ReturnType<typeof setup>>, fields = ESTIMATE_FIELDS(ctx.customer.id)) {
  const { id } = await createEstimate(ctx.business.id, await documentInput(fields, "USD", "estimate"));
  const res = await ctx.browser.post(`/estimates/${id}`, { intent: "send" });
  expect(res.status).toBe(302);
  return { id, link: await linkFromOutbox(ctx.business.id, id) };
}

async function linkFromOutbox(businessId: string, estimateId: string) {
  const message = await prisma.emailMessage.findFirstOrThrow({ where: { businessId, template: "estimate-sent" }, orderBy: { createdAt: "desc" } });
  const match = /(https?:\/\/[^\s/]+)(\/estimate\/([^?\s]+)\?t=([A-Za-z0-9_-]+)&d=(\d+))/.exec(message.textBody ?? "");
  if (!match) throw new Error(`no signed link in the email:\n${message.textBody}`);
  expect(decodeURIComponent(match[3])).toBe(estimateId);
  return { origin: match[1], path: match[2], t: match[4], d: match[5] };
}

const customer = () => new Browser(server.url);
const estimatePath = (id: string, t: string, d: string | number) => `/estimate/${encodeURIComponent(id)}?t=${encodeURIComponent(t)}&d=${d}`;
const estimateRow = (id: string) => prisma.estimate.findUniqueOrThrow({ where: { id } });

describe("creating and sending", () => {
  it("creates an estimate via POST /estimates/new with server-side totals", async () => {
    const { business, customer: c, browser } = await setup();
    const fields = ESTIMATE_FIELDS(c.id);
    const res = await browser.post("/estimates/new", documentForm({ ...fields, issueDate: "2026-11-20", validUntil: "2026-12-20" }));
    expect(res.status).toBe(302);
    const id = /^\/estimates\/([^/]+)$/.exec(res.headers.get("location") ?? "")?.[1];
    expect(id).toBeTruthy();
    const estimate = await prisma.estimate.findUniqueOrThrow({ where: { id }, include: { lines: { orderBy: { position: "asc" } } } });
    // 12.5 × 85.00 = 1062.50; 30 × 42.99 = 1289.70; 150.00 → 2502.20. 10 % off = 250.22, shared by line size.
    expect(estimate).toMatchObject({
      businessId: business.id,
      number: 1,
      status: "DRAFT",
      taxMode: "PER_LINE",
      discountType: "PERCENT",
      discountValue: 10000,
      subtotalCents: 250220,
      discountCents: 25022,
      notes: "Includes haul-away",
    });
    expect(estimate.validUntil?.toISOString().slice(0, 10)).toBe("2026-12-20");
    expect(estimate.lines.map((l) => l.amountCents)).toEqual([106250, 128970, 15000]);
    expect(estimate.totalCents).toBe(estimate.subtotalCents - estimate.discountCents + estimate.taxCents);
    expect(estimate.taxCents).toBe(estimate.lines.reduce((sum, l) => sum + l.taxCents, 0));
    const page = await browser.get(`/estimates/${id}`);
    expect(page.status).toBe(200);
    expect(pageText(await page.text())).toContain("EST-0001");
  });

  it("rejects a valid-until date before the issue date with a visible field error", async () => {
    const { business, customer: c, browser } = await setup();
    const res = await browser.post("/estimates/new", documentForm({ customerId: c.id, issueDate: "2026-11-20", validUntil: "2026-11-19" }));
    expect(res.status).toBe(400);
    expect(visibleHtml(await res.text())).toContain("Must be on or after the issue date");
    expect(await prisma.estimate.count({ where: { businessId: business.id } })).toBe(0);
  });

  it("sends the estimate: an outbox email with the signed link, status SENT", async () => {
    const ctx = await setup();
    const { id } = await createEstimate(ctx.business.id, await documentInput(ESTIMATE_FIELDS(ctx.customer.id), "USD", "estimate"));
    const res = await ctx.browser.post(`/estimates/${id}`, { intent: "send" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/estimates/${id}`);

    const messages = await prisma.emailMessage.findMany({ where: { businessId: ctx.business.id } });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ to: ctx.customer.email, template: "estimate-sent", transport: "dev-outbox", estimateId: id });
    // The server's job worker delivers it (into the outbox) moments later.
    await vi.waitFor(async () => expect((await prisma.emailMessage.findUniqueOrThrow({ where: { id: messages[0].id } })).status).toBe("SENT"), {
      timeout: 20_000,
      interval: 200,
    });
    expect(messages[0].subject).toContain("EST-0001");
    const link = await linkFromOutbox(ctx.business.id, id);
    expect(link.origin).toBe(server.url);
    expect(link.t).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(Number(link.d)).toBe(dayNumber());
    expect(link.t).toBe(signLink("estimate", id, Number(link.d), server.payLinkSecret));
    const estimate = await estimateRow(id);
    expect(estimate.status).toBe("SENT");
    expect(estimate.sentAt).not.toBeNull();
  });

  it("refuses to send when the customer has no email address", async () => {
    const ctx = await setup({ customerEmail: null });
    const { id } = await createEstimate(ctx.business.id, await documentInput(ESTIMATE_FIELDS(ctx.customer.id), "USD", "estimate"));
    const res = await ctx.browser.post(`/estimates/${id}`, { intent: "send" });
    expect(res.status).toBe(302);
    expect(pageText(await (await ctx.browser.get(`/estimates/${id}`)).text())).toContain("Add an email address to the customer first.");
    expect(await prisma.emailMessage.count({ where: { businessId: ctx.business.id } })).toBe(0);
    expect((await estimateRow(id)).status).toBe("DRAFT");
  });
});

describe("editing", () => {
  it("edits an open estimate; a declined one goes back to draft", async () => {
    const ctx = await setup();
    const { id, link } = await sentEstimate(ctx);
    await customer().post(`/estimate/${id}`, { t: link.t, d: link.d, decision: "decline" });
    expect((await estimateRow(id)).status).toBe("DECLINED");
    const form = await ctx.browser.get(`/estimates/${id}/edit`);
    expect(form.status).toBe(200);
    const res = await ctx.browser.post(
      `/estimates/${id}/edit`,
      documentForm({ customerId: ctx.customer.id, lines: [{ description: "Cheaper option", quantity: "1", unitPrice: "900.00" }] }),
    );
    expect(res.status).toBe(302);
    const estimate = await prisma.estimate.findUniqueOrThrow({ where: { id }, include: { lines: true } });
    expect(estimate).toMatchObject({ status: "DRAFT", declinedAt: null, totalCents: 90000 });
    expect(estimate.lines.map((l) => l.description)).toEqual(["Cheaper option"]);
  });

  it.each([
    ["approved", "An approved estimate cannot be edited."],
    ["void", "A void estimate cannot be edited."],
  ])("refuses to edit a %s estimate: GET redirects, POST answers 400 with the reason", async (state, message) => {
    const ctx = await setup();
    const { id } = await sentEstimate(ctx);
    if (state === "approved") await decideEstimate(id, "approve");
    else expect((await ctx.browser.post(`/estimates/${id}`, { intent: "void" })).status).toBe(302);
    const before = await prisma.estimate.findUniqueOrThrow({ where: { id }, include: { lines: true } });

    const get = await ctx.browser.get(`/estimates/${id}/edit`);
    expect(get.status).toBe(302);
    expect(get.headers.get("location")).toBe(`/estimates/${id}`);
    const post = await ctx.browser.post(
      `/estimates/${id}/edit`,
      documentForm({ customerId: ctx.customer.id, lines: [{ description: "Changed", quantity: "1", unitPrice: "1.00" }] }),
    );
    expect(post.status).toBe(400);
    expect(visibleHtml(await post.text())).toContain(message);
    expect(await prisma.estimate.findUniqueOrThrow({ where: { id }, include: { lines: true } })).toEqual(before);
  });
});

describe("the customer's signed link", () => {
  it("shows the estimate without any JavaScript and marks it viewed", async () => {
    const ctx = await setup();
    const { id, link } = await sentEstimate(ctx);
    const res = await customer().get(link.path);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain("modulepreload");
    expect(html).toContain(ctx.businessName);
    expect(html).toContain("Tear-off and disposal");
    expect(html).toContain("Approve estimate");
    // The contractor's navigation is not on the customer's page.
    expect(html).not.toContain('href="/dashboard"');
    const estimate = await estimateRow(id);
    expect(estimate.status).toBe("VIEWED");
    expect(estimate.viewedAt).not.toBeNull();
  });

  it("renders markup typed into the estimate as text, still without any script tag", async () => {
    const ctx = await setup();
    const { link } = await sentEstimate(ctx, {
      ...ESTIMATE_FIELDS(ctx.customer.id),
      notes: "<script>alert('notes')</script>",
      lines: [{ description: "<script>alert('line')</script><img src=x onerror=alert(1)>", quantity: "1", unitPrice: "10.00" }],
    });
    const res = await customer().get(link.path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;alert(");
  });

  it("approves once; a second approve is a no-op and a decline afterwards is refused", async () => {
    const ctx = await setup();
    const { id, link } = await sentEstimate(ctx);
    const browser = customer();
    await browser.get(link.path);

    const approve = await browser.post(`/estimate/${id}`, { t: link.t, d: link.d, decision: "approve", name: "Robin Homeowner" });
    expect(approve.status).toBe(302);
    expect(approve.headers.get("location")).toBe(estimatePath(id, link.t, link.d));
    const approved = await estimateRow(id);
    expect(approved.status).toBe("APPROVED");
    expect(approved.approvedAt).not.toBeNull();

    const again = await browser.post(`/estimate/${id}`, { t: link.t, d: link.d, decision: "approve", name: "Robin Homeowner" });
    expect(again.status).toBe(302);
    expect(await estimateRow(id)).toEqual(approved);
    expect(await prisma.activityEvent.count({ where: { estimateId: id, type: "estimate.approved" } })).toBe(1);

    const decline = await browser.post(`/estimate/${id}`, { t: link.t, d: link.d, decision: "decline" });
    expect(decline.status).toBeGreaterThanOrEqual(400);
    expect(decline.status).toBeLessThan(500);
    expect(await estimateRow(id)).toEqual(approved);

    const page = await browser.get(link.path);
    expect(page.status).toBe(200);
    const html = pageText(await page.text());
    expect(html).toContain("You approved this estimate. Thank you!");
    expect(html).not.toContain("Approve estimate");
    expect(html).not.toMatch(/<script/i);
  });

  it("declines, and refuses an unknown decision", async () => {
    const ctx = await setup();
    const { id, link } = await sentEstimate(ctx);
    const bad = await customer().post(`/estimate/${id}`, { t: link.t, d: link.d, decision: "maybe" });
    expect(bad.status).toBe(400);
    expect((await estimateRow(id)).status).toBe("SENT");
    const decline = await customer().post(`/estimate/${id}`, { t: link.t, d: link.d, decision: "decline" });
    expect(decline.status).toBe(302);
    const declined = await estimateRow(id);
    expect(declined.status).toBe("DECLINED");
    expect(declined.declinedAt).not.toBeNull();
  });

  describe("bad links answer 401 without revealing the business", () => {
    let ctx: Awaited<ReturnType<typeof setup>>;
    let id: string;
    let link: Awaited<ReturnType<typeof linkFromOutbox>>;
    let tamperedBody: string;
    beforeAll(async () => {
      ctx = await setup();
      ({ id, link } = await sentEstimate(ctx));
    });

    const signed = (day: number, estimateId = id) => estimatePath(estimateId, signLink("estimate", estimateId, day, server.payLinkSecret), day);
    const flip = (t: string, i: number) => t.slice(0, i) + (t[i] === "A" ? "B" : "A") + t.slice(i + 1);

    async function expectRefused(path: string) {
      const res = await customer().get(path);
      const body = await res.text();
      expect(res.status).toBe(401);
      expect(body).not.toContain(ctx.businessName);
      expect(body).not.toContain("Zephyr");
      expect(body).not.toContain("Robin Homeowner");
      expect(body).not.toContain("Tear-off");
      return body;
    }

    it("a tampered signature (one character changed)", async () => {
      tamperedBody = await expectRefused(estimatePath(id, flip(link.t, 5), link.d));
      await expectRefused(estimatePath(id, flip(link.t, 0), link.d));
      await expectRefused(estimatePath(id, flip(link.t, 23), link.d));
      expect(tamperedBody).toContain("This link is not valid.");
      // The refusal neither views nor decides anything.
      const post = await customer().post(`/estimate/${id}`, { t: flip(link.t, 5), d: link.d, decision: "approve" });
      expect(post.status).toBe(401);
      expect((await estimateRow(id)).status).toBe("SENT");
    });

    it("a missing t, an empty t, a missing d", async () => {
      await expectRefused(`/estimate/${id}?d=${link.d}`);
      await expectRefused(`/estimate/${id}?t=&d=${link.d}`);
      await expectRefused(`/estimate/${id}?t=${link.t}`);
      await expectRefused(`/estimate/${id}`);
      const post = await customer().post(`/estimate/${id}`, { d: link.d, decision: "approve" });
      expect(post.status).toBe(401);
    });

    it("a wrong d, and a d in the future even when correctly signed", async () => {
      await expectRefused(estimatePath(id, link.t, Number(link.d) - 1));
      await expectRefused(estimatePath(id, link.t, Number(link.d) + 1));
      await expectRefused(signed(dayNumber() + 1));
      await expectRefused(signed(dayNumber() + 400));
    });

    it("61 days old is expired; 59 days old still works", async () => {
      const expired = await expectRefused(signed(dayNumber() - 61));
      expect(expired).toContain("This link has expired.");
      const post = await customer().post(`/estimate/${id}`, {
        t: signLink("estimate", id, dayNumber() - 61, server.payLinkSecret),
        d: String(dayNumber() - 61),
        decision: "approve",
      });
      expect(post.status).toBe(401);
      expect((await estimateRow(id)).status).toBe("SENT");

      const fresh = await customer().get(signed(dayNumber() - 59));
      expect(fresh.status).toBe(200);
      expect(await fresh.text()).toContain(ctx.businessName);
    });

    it("an unknown id with a well-formed but wrong signature looks exactly like a tampered link", async () => {
      const unknownId = "cm0000000000000000unknown";
      const body = await expectRefused(estimatePath(unknownId, flip(link.t, 5), link.d));
      expect(body).toBe(tamperedBody);
      // Even a correct signature for an id that does not exist gets the same answer.
      expect(await expectRefused(signed(dayNumber(), unknownId))).toBe(tamperedBody);
      // Another estimate's signature does not open this one.
      const other = await sentEstimate(await setup());
      await expectRefused(estimatePath(id, other.link.t, other.link.d));
    });

    it("a void estimate's link", async () => {
      const v = await sentEstimate(ctx);
      const ok = await customer().get(v.link.path);
      expect(ok.status).toBe(200);
      const voided = await ctx.browser.post(`/estimates/${v.id}`, { intent: "void" });
      expect(voided.status).toBe(302);
      expect((await estimateRow(v.id)).status).toBe("VOID");
      expect(await expectRefused(v.link.path)).toBe(tamperedBody);
      const post = await customer().post(`/estimate/${v.id}`, { t: v.link.t, d: v.link.d, decision: "approve" });
      expect(post.status).toBe(401);
      expect((await estimateRow(v.id)).status).toBe("VOID");
    });
  });
});

describe("converting to an invoice", () => {
  async function approvedEstimate(ctx: Awaited<ReturnType<typeof setup>>) {
    const { id } = await sentEstimate(ctx);
    await decideEstimate(id, "approve");
    return id;
  }

  it("turns an approved estimate into a draft invoice with the same lines and totals", async () => {
    const ctx = await setup();
    const id = await approvedEstimate(ctx);
    const res = await ctx.browser.post(`/estimates/${id}`, { intent: "convert" });
    expect(res.status).toBe(302);
    const invoiceId = /^\/invoices\/([^/]+)$/.exec(res.headers.get("location") ?? "")?.[1];
    expect(invoiceId).toBeTruthy();

    const estimate = await prisma.estimate.findUniqueOrThrow({ where: { id }, include: { lines: { orderBy: { position: "asc" } } } });
    const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId }, include: { lines: { orderBy: { position: "asc" } } } });
    expect(invoice).toMatchObject({
      businessId: ctx.business.id,
      customerId: estimate.customerId,
      estimateId: id,
      status: "DRAFT",
      number: 1,
      currency: estimate.currency,
      taxMode: estimate.taxMode,
      taxRate: estimate.taxRate,
      discountType: estimate.discountType,
      discountValue: estimate.discountValue,
      subtotalCents: estimate.subtotalCents,
      discountCents: estimate.discountCents,
      taxCents: estimate.taxCents,
      totalCents: estimate.totalCents,
      notes: estimate.notes,
      terms: estimate.terms,
    });
    const pick = (l: {
      position: number;
      description: string;
      quantityMilli: number;
      unitPriceCents: number;
      taxRate: number;
      amountCents: number;
      taxCents: number;
    }) => ({
      position: l.position,
      description: l.description,
      quantityMilli: l.quantityMilli,
      unitPriceCents: l.unitPriceCents,
      taxRate: l.taxRate,
      amountCents: l.amountCents,
      taxCents: l.taxCents,
    });
    expect(invoice.lines.map(pick)).toEqual(estimate.lines.map(pick));
    expect(invoice.lines).toHaveLength(3);

    // Converting again lands on the same invoice.
    const again = await ctx.browser.post(`/estimates/${id}`, { intent: "convert" });
    expect(again.status).toBe(302);
    expect(again.headers.get("location")).toBe(`/invoices/${invoiceId}`);
    expect(await prisma.invoice.count({ where: { businessId: ctx.business.id } })).toBe(1);
    const page = pageText(await (await ctx.browser.get(`/invoices/${invoiceId}`)).text());
    expect(page).toContain("From estimate");
    expect(page).toContain("EST-0001");
  });

  it("5 concurrent converts create exactly one invoice", async () => {
    const ctx = await setup();
    const id = await approvedEstimate(ctx);
    const results = await Promise.all(Array.from({ length: 5 }, () => convertEstimateToInvoice(ctx.business.id, id)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await prisma.invoice.count({ where: { businessId: ctx.business.id } })).toBe(1);
    expect(await prisma.invoice.count({ where: { estimateId: id } })).toBe(1);
    expect((await prisma.business.findUniqueOrThrow({ where: { id: ctx.business.id } })).nextInvoiceNumber).toBe(2);
    expect(await prisma.activityEvent.count({ where: { estimateId: id, type: "estimate.converted" } })).toBe(1);
  });

  it("refuses to convert an estimate that is not approved", async () => {
    const ctx = await setup();
    const { id } = await sentEstimate(ctx);
    const res = await ctx.browser.post(`/estimates/${id}`, { intent: "convert" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/estimates/${id}`);
    expect(pageText(await (await ctx.browser.get(`/estimates/${id}`)).text())).toContain("Only an approved estimate can become an invoice.");
    await expect(convertEstimateToInvoice(ctx.business.id, id)).rejects.toThrow("Only an approved estimate can become an invoice.");
    expect(await prisma.invoice.count({ where: { businessId: ctx.business.id } })).toBe(0);
  });

  it("keeps a converted estimate from being voided or sent again", async () => {
    const ctx = await setup();
    const id = await approvedEstimate(ctx);
    await convertEstimateToInvoice(ctx.business.id, id);
    const res = await ctx.browser.post(`/estimates/${id}`, { intent: "void" });
    expect(res.status).toBe(302);
    expect((await estimateRow(id)).status).toBe("APPROVED");
    await expect(sendEstimate(ctx.business.id, id)).rejects.toThrow("This estimate can no longer be sent.");
  });
});

describe("dates on the signed link", () => {
  it("uses the issue day of the link, not the estimate's dates", async () => {
    const ctx = await setup();
    const { link } = await sentEstimate(ctx, { ...ESTIMATE_FIELDS(ctx.customer.id), issueDate: shiftDays(new Date().toISOString().slice(0, 10), -300) });
    expect(Number(link.d)).toBe(dayNumber());
    expect((await customer().get(link.path)).status).toBe(200);
  });
});

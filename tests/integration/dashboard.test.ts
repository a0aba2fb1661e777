// The dashboard figures and the invoice list's filters and keyset pages, on real Postgres, through
// dashboardStats and over HTTP. No mocks.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readableActivityMessage } from "~/models/activity.server";
import { dashboardStats } from "~/models/dashboard.server";
import { todayIn } from "~/utils/dates";
import { createInvoice, markInvoiceSent, markInvoiceViewed, voidInvoice } from "~/models/invoice.server";
import { applyPayment } from "~/models/payments/payment.server";
import { prisma } from "~/utils/db.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import type { Browser } from "../helpers/browser";
import { type DocumentFormFields, documentInput, makeCustomer, shiftDays } from "../helpers/business-data";
import { contentOf, elementsAt, linkHref, pageText, textAt, textsAt } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

const TZ = "America/New_York";
let server: AppServer;
beforeAll(async () => {
  server = await startAppServer();
});
afterAll(() => server?.stop());

async function setup() {
  const { user, business } = await createAccount();
  const browser = await signedInBrowser(server, user);
  return { user, business, browser };
}

async function invoice(businessId: string, fields: DocumentFormFields, amount = "100.00") {
  return createInvoice(businessId, await documentInput({ lines: [{ description: "Job", quantity: "1", unitPrice: amount }], ...fields }));
}

async function sent(businessId: string, fields: DocumentFormFields, amount = "100.00") {
  const created = await invoice(businessId, fields, amount);
  await markInvoiceSent(businessId, created.id);
  return created;
}

function pay(businessId: string, invoiceId: string, amountCents: number, receivedAt = new Date()) {
  return applyPayment({
    businessId,
    invoiceId,
    amountCents,
    currency: "USD",
    method: "CASH",
    provider: "manual",
    providerPaymentId: `${businessId}:${crypto.randomUUID()}`,
    receivedAt,
  });
}

/** The UTC instant of a local wall-clock time in the business's zone (America/New_York). */
function localInstant(date: string, time: string) {
  for (const offset of ["-05:00", "-04:00"]) {
    const instant = new Date(`${date}T${time}${offset}`);
    const local = new Intl.DateTimeFormat("sv-SE", { timeZone: TZ, dateStyle: "short", timeStyle: "medium" }).format(instant);
    if (local === `${date} ${time}`) return instant;
  }
  throw new Error(`no such local time ${date} ${time}`);
}

/** Invoice ids of the rows of an /invoices page, in order. */
function listedIds(html: string) {
  return elementsAt(html, 'tr[data-testid="invoice-row"]').map((row) =>
    row.querySelector('a[href^="/invoices/"]')!.getAttribute("href")!.slice("/invoices/".length),
  );
}

describe("dashboard figures", () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  let today: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ctx = await setup();
    today = todayIn(TZ);
    const b = ctx.business.id;
    const c1 = await makeCustomer(b, { name: "Owen Outstanding" });
    const c2 = await makeCustomer(b, { name: "Olga Overdue" });
    const future = shiftDays(today, 10);
    const past = shiftDays(today, -5);
    const issued = shiftDays(today, -40);
    const monthStart = `${today.slice(0, 7)}-01`;

    // Open: 100.00 due later (SENT).
    ids.open = (await sent(b, { customerId: c1.id, issueDate: issued, dueDate: future }, "100.00")).id;
    // Open and overdue: 200.00 VIEWED, 50.00 paid today → 150.00 due.
    ids.partialOverdue = (await sent(b, { customerId: c2.id, issueDate: issued, dueDate: past }, "200.00")).id;
    await markInvoiceViewed(b, ids.partialOverdue);
    await pay(b, ids.partialOverdue, 5000);
    // Open and overdue: 300.00 due yesterday.
    ids.overdue = (await sent(b, { customerId: c2.id, issueDate: issued, dueDate: shiftDays(today, -1) }, "300.00")).id;
    // Open, due today: not overdue yet.
    ids.dueToday = (await sent(b, { customerId: c1.id, issueDate: issued, dueDate: today }, "70.00")).id;
    await markInvoiceViewed(b, ids.dueToday);
    // Not open: a draft, a paid one, a void one (all past due).
    ids.draft = (await invoice(b, { customerId: c1.id, issueDate: issued, dueDate: past }, "1000.00")).id;
    ids.paid = (await sent(b, { customerId: c1.id, issueDate: issued, dueDate: past }, "400.00")).id;
    await pay(b, ids.paid, 40000);
    ids.void = (await sent(b, { customerId: c1.id, issueDate: issued, dueDate: past }, "500.00")).id;
    await voidInvoice(b, ids.void);

    // Payments outside this month (still open invoices, so they count as outstanding balance).
    ids.lastMonth = (await sent(b, { customerId: c2.id, issueDate: issued, dueDate: future }, "90.00")).id;
    await pay(b, ids.lastMonth, 1000, new Date(`${shiftDays(monthStart, -10)}T15:00:00Z`));
    // 23:30 local on the last day of last month is already the 1st in UTC: not this month.
    await pay(b, ids.lastMonth, 700, localInstant(shiftDays(monthStart, -1), "23:30:00"));
    // 00:30 local on the 1st is this month.
    await pay(b, ids.lastMonth, 300, localInstant(monthStart, "00:30:00"));
    // A check dated next month is not paid this month.
    await pay(b, ids.lastMonth, 2000, new Date(`${shiftDays(monthStart, 45).slice(0, 7)}-05T15:00:00Z`));
    // Failed and refunded payments never count.
    for (const status of ["FAILED", "REFUNDED", "PENDING"] as const) {
      await prisma.payment.create({
        data: {
          businessId: b,
          invoiceId: ids.open,
          amountCents: 99900,
          currency: "USD",
          method: "CARD",
          provider: "stripe",
          providerPaymentId: `pi_${status}_${b}`,
          status,
          receivedAt: new Date(),
        },
      });
    }
  });

  it("outstanding is the balance of SENT, VIEWED and PARTIALLY_PAID invoices; overdue those due before today", async () => {
    const stats = await dashboardStats(ctx.business.id, today, TZ);
    // open 100 + partial 150 + overdue 300 + due today 70 + lastMonth (90 - 10 - 7 - 3 - 20 = 50)
    expect(stats.outstandingCents).toBe(10000 + 15000 + 30000 + 7000 + 5000);
    expect(stats.openCount).toBe(5);
    expect(stats.overdueCents).toBe(15000 + 30000);
    expect(stats.overdueCount).toBe(2);

    // The same figures straight from the rows.
    const open = await prisma.invoice.findMany({ where: { businessId: ctx.business.id, status: { in: ["SENT", "VIEWED", "PARTIALLY_PAID"] } } });
    expect(stats.outstandingCents).toBe(open.reduce((sum, i) => sum + i.totalCents - i.amountPaidCents, 0));
  });

  it("paid this month counts only this month's succeeded payments, in the business's time zone", async () => {
    const stats = await dashboardStats(ctx.business.id, today, TZ);
    // 50.00 + 400.00 today, 3.00 at 00:30 local on the 1st.
    expect(stats.paidThisMonthCents).toBe(5000 + 40000 + 300);
  });

  it("shows the figures and the latest activity on /dashboard", async () => {
    // One more thing happens; it must be first in the list.
    const res0 = await ctx.browser.post(`/invoices/${ids.draft}`, { intent: "mark-sent" });
    expect(res0.status).toBe(302);
    const stats = await dashboardStats(ctx.business.id, today, TZ);
    expect(stats.outstandingCents).toBe(67000 + 100000);

    const res = await ctx.browser.get("/dashboard");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(textAt(html, '[data-testid="outstanding"]')).toBe("$1,670.00");
    expect(textAt(html, '[data-testid="overdue"]')).toBe("$1,450.00");
    expect(textAt(html, '[data-testid="paid-this-month"]')).toBe("$453.00");
    expect(pageText(html)).toContain("6 open invoices");
    expect(pageText(html)).toContain("3 overdue");

    const events = await prisma.activityEvent.findMany({ where: { businessId: ctx.business.id }, orderBy: { createdAt: "desc" } });
    expect(events.length).toBeGreaterThan(10);
    const items = textsAt(html, "ul.activity > li > a");
    expect(items).toHaveLength(10);
    // Issue 14: document numbers as everywhere else (INV-0005, never "#5"), times in the business's zone.
    expect(items[0]).toMatch(/^Invoice INV-\d{4} sent$/);
    expect(stats.activity[0]).toMatchObject({ type: "invoice.sent", invoiceId: ids.draft });
    expect(items).toEqual(stats.activity.map((a) => readableActivityMessage(a.message, { invoicePrefix: "INV-", estimatePrefix: "EST-" })));
    expect(items.join("\n")).not.toMatch(/#\d/);
    const shownTimes = elementsAt(html, "time.muted[datetime]").map(contentOf);
    expect(shownTimes.join("\n")).not.toContain(" UTC");
    expect(shownTimes.some((time) => /^[a-z]{3} \d{1,2}, \d{1,2}:\d{2}\s[ap]m e[sd]t$/i.test(time))).toBe(true);
    // Which invoice the customer opened is said.
    expect(events.filter((e) => e.type === "invoice.viewed").map((e) => e.message)).toEqual([
      expect.stringMatching(/^Customer opened invoice INV-\d{4}$/),
      expect.stringMatching(/^Customer opened invoice INV-\d{4}$/),
    ]);
    // Newest first, and the oldest events are not shown.
    const times = stats.activity.map((a) => a.createdAt.getTime());
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    const oldest = events[events.length - 1];
    expect(stats.activity.map((a) => a.id)).not.toContain(oldest.id);
  });
});

describe("/invoices filters", () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  const inv: Record<string, { id: string; number: number }> = {};
  let alice: { id: string };
  let bob: { id: string };
  let browser: Browser;

  beforeAll(async () => {
    ctx = await setup();
    browser = ctx.browser;
    const b = ctx.business.id;
    alice = await makeCustomer(b, { name: "Alice Anderson" });
    bob = await makeCustomer(b, { name: "Bob Brown" });
    const today = todayIn(TZ);
    inv.a1 = await sent(b, { customerId: alice.id, issueDate: "2026-01-10", dueDate: shiftDays(today, 30) });
    inv.b2 = await invoice(b, { customerId: bob.id, issueDate: "2026-02-15", dueDate: "2026-03-15" });
    inv.a3 = await sent(b, { customerId: alice.id, issueDate: "2026-03-20", dueDate: "2026-04-20" });
    await pay(b, inv.a3.id, 10000);
    inv.b4 = await sent(b, { customerId: bob.id, issueDate: "2026-04-25", dueDate: "2026-05-25" });
    inv.a5 = await invoice(b, { customerId: alice.id, issueDate: "2026-05-30", dueDate: "2026-06-30" });
    await voidInvoice(b, inv.a5.id);
  });

  async function list(query: string) {
    const res = await browser.get(`/invoices${query}`);
    expect(res.status, query).toBe(200);
    return listedIds(await res.text());
  }

  it("lists everything newest number first", async () => {
    expect(await list("")).toEqual([inv.a5.id, inv.b4.id, inv.a3.id, inv.b2.id, inv.a1.id]);
  });

  it("filters by status, with overdue derived", async () => {
    expect(await list("?status=DRAFT")).toEqual([inv.b2.id]);
    expect(await list("?status=SENT")).toEqual([inv.b4.id, inv.a1.id]);
    expect(await list("?status=PAID")).toEqual([inv.a3.id]);
    expect(await list("?status=VOID")).toEqual([inv.a5.id]);
    expect(await list("?status=OVERDUE")).toEqual([inv.b4.id]);
    // An unknown status is ignored rather than failing the page.
    expect(await list("?status=BOGUS")).toHaveLength(5);
  });

  it("searches by customer name (any case) and by number", async () => {
    expect(await list("?q=alice")).toEqual([inv.a5.id, inv.a3.id, inv.a1.id]);
    expect(await list("?q=BROWN")).toEqual([inv.b4.id, inv.b2.id]);
    expect(await list("?q=INV-0002")).toEqual([inv.b2.id]);
    expect(await list("?q=3")).toEqual([inv.a3.id]);
    expect(await list("?q=nobody")).toEqual([]);
    // Typed % and _ are text, not wildcards.
    expect(await list("?q=%25")).toEqual([]);
    expect(await list("?q=_")).toEqual([]);
    expect(await list("?q=Al%25e")).toEqual([]);
  });

  it("filters by issue date range, inclusive", async () => {
    expect(await list("?from=2026-02-15&to=2026-04-25")).toEqual([inv.b4.id, inv.a3.id, inv.b2.id]);
    expect(await list("?from=2026-03-21")).toEqual([inv.a5.id, inv.b4.id]);
    expect(await list("?to=2026-01-10")).toEqual([inv.a1.id]);
    // A date that does not exist is ignored.
    expect(await list("?from=2026-02-30")).toHaveLength(5);
  });

  it("filters by customer, and combines filters", async () => {
    expect(await list(`?customerId=${bob.id}`)).toEqual([inv.b4.id, inv.b2.id]);
    expect(await list(`?customerId=${alice.id}&status=SENT`)).toEqual([inv.a1.id]);
    expect(await list(`?q=alice&from=2026-03-01&to=2026-12-31`)).toEqual([inv.a5.id, inv.a3.id]);
  });
});

describe("/invoices keyset pages", () => {
  it("follows 'Older invoices' through 60 invoices: each appears exactly once", async () => {
    const ctx = await setup();
    const b = ctx.business.id;
    const customer = await makeCustomer(b, { name: "Paige Pager" });
    const input = await documentInput({ customerId: customer.id });
    const created: { id: string; number: number }[] = [];
    for (let batch = 0; batch < 6; batch++) {
      created.push(...(await Promise.all(Array.from({ length: 10 }, () => createInvoice(b, input)))));
    }
    // Every other invoice is sent, to page through a filtered list too.
    const sentIds = new Set<string>();
    for (const i of created.filter((i) => i.number % 2 === 0)) {
      await markInvoiceSent(b, i.id);
      sentIds.add(i.id);
    }

    async function walk(start: string) {
      const seen: string[] = [];
      let url = new URL(start, server.url);
      for (let pages = 0; pages < 10; pages++) {
        const res = await ctx.browser.get(`${url.pathname}${url.search}`);
        expect(res.status).toBe(200);
        const html = await res.text();
        seen.push(...listedIds(html));
        const older = linkHref(html, "Older invoices");
        if (!older) return { seen, pages: pages + 1 };
        url = new URL(older, url);
      }
      throw new Error("too many pages");
    }

    const all = await walk("/invoices");
    expect(all.pages).toBe(3);
    expect(all.seen).toHaveLength(60);
    expect(new Set(all.seen).size).toBe(60);
    expect(new Set(all.seen)).toEqual(new Set(created.map((i) => i.id)));
    const numberOf = new Map(created.map((i) => [i.id, i.number]));
    expect(all.seen.map((id) => numberOf.get(id))).toEqual(Array.from({ length: 60 }, (_, i) => 60 - i));

    const filtered = await walk("/invoices?status=SENT");
    expect(filtered.seen).toHaveLength(30);
    expect(new Set(filtered.seen)).toEqual(sentIds);
    expect(filtered.pages).toBe(2);

    // A new invoice created mid-walk does not shift the older pages.
    const first = await ctx.browser.get("/invoices");
    const older = linkHref(await first.text(), "Older invoices");
    await createInvoice(b, input);
    const next = new URL(older!, `${server.url}/invoices`);
    const second = await ctx.browser.get(`${next.pathname}${next.search}`);
    expect(second.status).toBe(200);
    const page2 = listedIds(await second.text());
    expect(page2.map((id) => numberOf.get(id))).toEqual(Array.from({ length: 25 }, (_, i) => 35 - i));
  });
});

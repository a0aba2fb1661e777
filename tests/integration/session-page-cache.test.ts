// The contractor's kept pages (app/web/page-cache.server.ts, decision 029): the dashboard and the invoice and
// estimate lists, per session. Over HTTP against the production server: a repeat view is the page rendered
// before; a change to the business's data, written from outside the server by any path (the domain's functions,
// a plain UPDATE or DELETE, a transaction that was already running), is on the very next view; signing out,
// an expired session and a waiting flash message go through Remix. Against Postgres: every table with a
// businessId but Session notes its writes, one row per transaction and business, and the cleanup prunes them.
import { randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { createCookieSessionStorage } from "@remix-run/node";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PAGE_SNAPSHOT_WINDOW, pruneBusinessChanges } from "~/models/business-changes.server";
import { createInvoice, markInvoiceSent } from "~/models/invoice.server";
import { applyPayment } from "~/models/payments/payment.server";
import { prisma } from "~/utils/db.server";
import { MAX_PAGES_PER_SESSION } from "~/web/page-cache.server";
import { createAccount, sessionCookieFor } from "../helpers/accounts";
import { documentInput, makeCustomer } from "../helpers/business-data";
import { pageText } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";
import { rawGet } from "../helpers/raw-http";
import { requestLogLine } from "../helpers/request-log";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;
beforeAll(async () => {
  // Info: each request's log line, which says when a page was sent from the cache.
  server = await startAppServer({ LOG_LEVEL: "info" });
});
afterAll(() => server?.stop());

async function businessWithInvoice() {
  const { business, user } = await createAccount({ businessName: `Kept ${randomBytes(3).toString("hex")}` });
  const customer = await makeCustomer(business.id, { name: "Dana Whitfield" });
  const invoice = await createInvoice(
    business.id,
    await documentInput({ customerId: customer.id, lines: [{ description: "Rewire the garage", quantity: "1", unitPrice: "480.00" }] }),
  );
  await markInvoiceSent(business.id, invoice.id);
  const cookie = await sessionCookieFor(user, [server.sessionSecret]);
  return { business, user, customer, invoice, cookie };
}

type View = { status: number; headers: Record<string, string | string[] | undefined>; html: string; text: string; kept: boolean };

/** The log line of the request for `path` (a kept page's says keptPage). */
const logLineFor = (path: string, from: number) => requestLogLine(server, from, (url) => url === path);

async function view(path: string, cookie: string, headers: Record<string, string> = {}): Promise<View> {
  const from = server.output().length;
  const res = await rawGet(`${server.url}${path}`, { "accept-encoding": "gzip", cookie, ...headers });
  const html = res.headers["content-encoding"] === "gzip" ? gunzipSync(res.body).toString("utf8") : res.body.toString("utf8");
  const line = await logLineFor(path, from);
  return { status: res.status, headers: res.headers, html, text: pageText(html), kept: line.keptPage === true };
}

/** Views until one is sent from the cache (a page is kept just after its render's response went out). */
async function keptView(path: string, cookie: string) {
  for (let i = 0; i < 10; i++) {
    const seen = await view(path, cookie);
    expect(seen.status).toBe(200);
    if (seen.kept) return seen;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  throw new Error(`${path} was not sent from the cache`);
}

describe("a repeat view of a contractor page", () => {
  it("is the page rendered before, with the same headers, for the dashboard and both lists", async () => {
    const { cookie } = await businessWithInvoice();
    for (const path of ["/dashboard", "/invoices", "/invoices?status=OPEN&q=Dana", "/estimates"]) {
      const first = await view(path, cookie);
      expect(first.status).toBe(200);
      expect(first.kept).toBe(false);
      const kept = await keptView(path, cookie);
      expect(kept.html).toBe(first.html);
      const others = (v: View) => Object.fromEntries(Object.entries(v.headers).filter(([name]) => name !== "date" && name !== "content-security-policy"));
      expect(others(kept)).toEqual(others(first));
      expect(kept.headers["content-length"]).toBeDefined();
      expect(kept.headers["cache-control"]).toMatch(/\bno-store\b/);
      expect(kept.headers["set-cookie"]).toBeUndefined();
      // This request's own security headers: a fresh nonce in the same policy; the page names none.
      expect(String(kept.headers["content-security-policy"])).not.toBe(String(first.headers["content-security-policy"]));
      expect(kept.html).not.toContain("<script");
    }
    const dashboard = await keptView("/dashboard", cookie);
    expect(dashboard.text).toContain("$480.00");
    const list = await keptView("/invoices", cookie);
    expect(list.text).toContain("Dana Whitfield");
  });

  it("is never another session's page, even the same user's", async () => {
    const { user, cookie } = await businessWithInvoice();
    await keptView("/dashboard", cookie);
    const other = await sessionCookieFor(user, [server.sessionSecret]);
    expect((await view("/dashboard", other)).kept).toBe(false);
  });

  // Each change is written from this process, outside the web server, as another web process or the worker
  // would: the server learns of it only from Postgres.
  type Ids = { businessId: string; invoiceId: string; customerId: string; userId: string };
  const changes: { what: string; path: string; change: (ids: Ids) => Promise<unknown>; shows: string; hides?: string }[] = [
    {
      what: "a payment",
      path: "/dashboard",
      change: ({ businessId, invoiceId }) =>
        applyPayment({
          businessId,
          invoiceId,
          amountCents: 8_000,
          currency: "USD",
          method: "CASH",
          provider: "manual",
          providerPaymentId: `kept-${invoiceId}`,
        }),
      shows: "$400.00",
    },
    {
      what: "a new invoice",
      path: "/invoices",
      change: async ({ businessId }) => {
        const customer = await makeCustomer(businessId, { name: "Morgan Ellery" });
        await createInvoice(
          businessId,
          await documentInput({ customerId: customer.id, lines: [{ description: "Fit a socket", quantity: "1", unitPrice: "60.00" }] }),
        );
      },
      shows: "Morgan Ellery",
    },
    {
      what: "a plain UPDATE of an invoice's total that leaves updatedAt alone",
      path: "/dashboard",
      change: ({ invoiceId }) => prisma.$executeRaw`UPDATE "Invoice" SET "totalCents" = 51000 WHERE id = ${invoiceId}`,
      shows: "$510.00",
    },
    {
      what: "a customer renamed by a plain UPDATE",
      path: "/invoices",
      change: ({ customerId }) => prisma.$executeRaw`UPDATE "Customer" SET name = 'Dana Whitfield-Okafor' WHERE id = ${customerId}`,
      shows: "Dana Whitfield-Okafor",
    },
    {
      what: "an invoice deleted by a plain DELETE",
      path: "/invoices",
      change: ({ invoiceId }) => prisma.$executeRaw`DELETE FROM "Invoice" WHERE id = ${invoiceId}`,
      shows: "No invoices match.",
      hides: "Dana Whitfield",
    },
    {
      what: "the business renamed",
      path: "/dashboard",
      change: ({ businessId }) => prisma.business.update({ where: { id: businessId }, data: { name: "Okafor Electrical" } }),
      shows: "Okafor Electrical",
    },
    {
      what: "an estimate",
      path: "/estimates",
      change: async ({ businessId, customerId }) => {
        const { createEstimate } = await import("~/models/estimate.server");
        await createEstimate(businessId, {
          ...(await documentInput({ customerId, lines: [{ description: "Panel upgrade", quantity: "1", unitPrice: "1900.00" }] })),
          validUntil: null,
        });
      },
      shows: "$1,900.00",
    },
  ];
  for (const { what, path, change, shows, hides } of changes) {
    it(`shows ${what} on the next view`, async () => {
      const { business, customer, invoice, user, cookie } = await businessWithInvoice();
      const before = await keptView(path, cookie);
      expect(before.text).not.toContain(shows);
      await change({ businessId: business.id, invoiceId: invoice.id, customerId: customer.id, userId: user.id });
      const after = await view(path, cookie);
      expect(after.status).toBe(200);
      expect(after.kept).toBe(false);
      expect(after.text).toContain(shows);
      if (hides) expect(after.text).not.toContain(hides);
      // …and that page is kept in turn.
      expect((await keptView(path, cookie)).text).toContain(shows);
    });
  }

  // A transaction that wrote before the page was rendered and commits after it was kept, in both orders of
  // transaction ids: the writer's id older than the one that committed meanwhile (it is in the render's
  // snapshot as running), and younger (it is past the snapshot's xmax, so no list of running transactions
  // names it; found in review).
  for (const order of ["the writer's id first", "the writer's id second"] as const) {
    it(`shows a change committed later by a transaction that was already writing when the page was rendered (${order})`, async () => {
      const { business, invoice, customer, cookie } = await businessWithInvoice();
      const writer = new pg.Client({ connectionString: process.env.DATABASE_URL });
      const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await Promise.all([writer.connect(), other.connect()]);
      try {
        await writer.query("BEGIN");
        await other.query("BEGIN");
        const first = order === "the writer's id first" ? writer : other;
        const second = first === writer ? other : writer;
        await first.query("SELECT pg_current_xact_id()");
        await second.query("SELECT pg_current_xact_id()");
        await writer.query(`UPDATE "Invoice" SET "totalCents" = 77700 WHERE id = $1`, [invoice.id]);
        await other.query(`UPDATE "Customer" SET name = 'Dana W.' WHERE id = $1`, [customer.id]);
        await other.query("COMMIT");
        const kept = await keptView("/dashboard", cookie);
        expect(kept.text).toContain("$480.00");
        await writer.query("COMMIT");
        const after = await view("/dashboard", cookie);
        expect(after.kept).toBe(false);
        expect(after.text).toContain("$777.00");
        expect(await prisma.businessChange.count({ where: { businessId: business.id } })).toBeGreaterThan(1);
      } finally {
        await Promise.all([writer.end(), other.end()]);
      }
    });
  }

  it("keeps at most MAX_PAGES_PER_SESSION pages of one session, and others' pages stay", async () => {
    const { user, cookie } = await businessWithInvoice();
    const other = await sessionCookieFor(user, [server.sessionSecret]);
    await keptView("/dashboard", other);
    for (let i = 0; i < MAX_PAGES_PER_SESSION; i++) await keptView(`/invoices?page=${i}`, cookie);
    // One more URL of the same session is rendered every time…
    for (let i = 0; i < 3; i++) expect((await view(`/invoices?page=${MAX_PAGES_PER_SESSION}`, cookie)).kept).toBe(false);
    // …while the session's kept pages and the other session's are still sent.
    expect((await view("/invoices?page=0", cookie)).kept).toBe(true);
    expect((await view("/dashboard", other)).kept).toBe(true);
  });

  it("is not sent once the session is signed out or has expired: the login redirect is", async () => {
    const { user, cookie } = await businessWithInvoice();
    await keptView("/dashboard", cookie);
    const session = await prisma.session.findFirstOrThrow({ where: { userId: user.id } });
    await prisma.session.update({ where: { id: session.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const expired = await view("/dashboard", cookie);
    expect(expired.status).toBe(302);
    expect(expired.headers.location).toMatch(/^\/login\?redirectTo=/);

    const second = await sessionCookieFor(user, [server.sessionSecret]);
    await keptView("/invoices", second);
    await prisma.session.deleteMany({ where: { userId: user.id } });
    const signedOut = await view("/invoices", second);
    expect(signedOut.status).toBe(302);
  });

  it("goes through Remix while a flash message waits, which shows once", async () => {
    const { cookie } = await businessWithInvoice();
    await keptView("/dashboard", cookie);
    const flashes = createCookieSessionStorage({ cookie: { name: "__flash", secrets: [server.sessionSecret], path: "/", httpOnly: true, sameSite: "lax" } });
    const session = await flashes.getSession();
    session.flash("flash", { kind: "success", message: "Invoice INV-0042 sent" });
    const flash = (await flashes.commitSession(session)).split(";")[0];
    const withFlash = await view("/dashboard", `${cookie}; ${flash}`);
    expect(withFlash.kept).toBe(false);
    expect(withFlash.text).toContain("Invoice INV-0042 sent");
    // The browser keeps the emptied flash cookie: the next view is the kept page again.
    const emptied = String(withFlash.headers["set-cookie"]).split(";")[0];
    const next = await keptView("/dashboard", `${cookie}; ${emptied}`);
    expect(next.text).not.toContain("Invoice INV-0042 sent");
  });

  it("is only for GETs of the page itself: not Remix's data requests, a HEAD, or a page that ships JavaScript", async () => {
    const { cookie } = await businessWithInvoice();
    await keptView("/invoices", cookie);
    const data = await view("/invoices?_data=routes%2Finvoices%2B%2F_index", cookie);
    expect(data.status).toBe(200);
    expect(data.kept).toBe(false);
    for (let i = 0; i < 3; i++) expect((await view("/customers", cookie)).kept).toBe(false);
    const from = server.output().length;
    const head = await fetch(`${server.url}/invoices`, { method: "HEAD", headers: { cookie } });
    expect(head.status).toBe(200);
    expect((await logLineFor("/invoices", from)).keptPage).toBeUndefined();
  });
});

describe("noting a business's changes", () => {
  it("covers every table with a businessId but Session", async () => {
    const tables = await prisma.$queryRaw<{ table: string }[]>`
      SELECT table_name AS "table" FROM information_schema.columns
       WHERE table_schema = current_schema() AND column_name = 'businessId' AND table_name <> 'BusinessChange'`;
    const triggered = await prisma.$queryRaw<{ table: string }[]>`
      SELECT c.relname AS "table" FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       WHERE t.tgname = c.relname || '_note_business_change' AND NOT t.tgisinternal`;
    const names = tables.map((t) => t.table).sort();
    expect(names.length).toBeGreaterThan(20);
    expect(triggered.map((t) => t.table).sort()).toEqual(names.filter((name) => name !== "Session"));
  });

  it("adds one row per transaction and business, and the cleanup deletes only rows no kept page can need", async () => {
    const { business, customer } = await businessWithInvoice();
    const other = await businessWithInvoice();
    const count = () => prisma.businessChange.count({ where: { businessId: business.id } });
    const start = await count();
    await prisma.$transaction([
      prisma.customer.update({ where: { id: customer.id }, data: { name: "Dana One" } }),
      prisma.customer.update({ where: { id: customer.id }, data: { name: "Dana Two" } }),
      prisma.invoice.updateMany({ where: { businessId: business.id }, data: { notes: "Gate code 1234" } }),
    ]);
    expect(await count()).toBe(start + 1);
    await prisma.$executeRaw`UPDATE "Customer" SET name = 'Dana Three' WHERE id = ${customer.id}`;
    expect(await count()).toBe(start + 2);

    // The cleanup deletes the changes of transactions more than twice the window older than every running one,
    // and nothing younger: a kept page's snapshot is never older than the window.
    const [{ horizon }] = await prisma.$queryRaw<{ horizon: bigint }[]>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon`;
    const old = horizon - BigInt(2 * PAGE_SNAPSHOT_WINDOW) - 1n;
    await prisma.businessChange.createMany({
      data: [
        { businessId: business.id, xid: old },
        { businessId: other.business.id, xid: old },
      ],
    });
    await prisma.business.delete({ where: { id: other.business.id } });
    expect(await count()).toBe(start + 3);
    expect(await pruneBusinessChanges()).toBeGreaterThanOrEqual(2);
    expect(await count()).toBe(start + 2);
    expect(await prisma.businessChange.count({ where: { xid: { lte: old } } })).toBe(0);
  });
});

// The pay page's kept copy (app/web/page-cache.server.ts, decision 028). Over HTTP against the production
// server: a repeat view is the page rendered before, sent without rendering it again; a change to anything the
// page shows, written by any process and any path (the app's own functions or a plain UPDATE from here), is on
// the very next view; views that must write, a contractor's preview and a link with more in its query always
// go through Remix. In this process, against the same Postgres: an expired link, the loader's before and after
// reads, what is never kept, and the bound.
import { randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createInvoice, markInvoiceSent, voidInvoice } from "~/models/invoice.server";
import { applyPayment } from "~/models/payments/payment.server";
import { LINK_LIFETIME_DAYS, signedPath, signLink } from "~/models/signed-link.server";
import { prisma } from "~/utils/db.server";
import { forgetKeptPages, keepRenderedPage, MAX_BYTES, MAX_PAGES, sendKeptPage, startPayPageRender } from "~/web/page-cache.server";
import { createAccount } from "../helpers/accounts";
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

const day = () => Math.floor(Date.now() / 86_400_000);
const payPath = (id: string) => `/pay/${id}?t=${signLink("pay", id, day(), server.payLinkSecret)}&d=${day()}`;

async function sentInvoice() {
  const { business } = await createAccount({ businessName: `Kept ${randomBytes(3).toString("hex")}` });
  const customer = await makeCustomer(business.id, { name: "Dana Whitfield" });
  const invoice = await createInvoice(
    business.id,
    await documentInput({ customerId: customer.id, lines: [{ description: "Replace kitchen faucet", quantity: "1", unitPrice: "120.00" }] }),
  );
  await markInvoiceSent(business.id, invoice.id);
  return { business, customer, id: invoice.id };
}

type View = { status: number; headers: Record<string, string | string[] | undefined>; html: string; text: string; kept: boolean };

/** The request's log line (a kept page's says keptPage). */
const logLineFor = (id: string, from: number) => requestLogLine(server, from, (url) => url.startsWith(`/pay/${id}?`));

async function view(id: string, options: { headers?: Record<string, string>; path?: string } = {}): Promise<View> {
  const from = server.output().length;
  const res = await rawGet(`${server.url}${options.path ?? payPath(id)}`, { "accept-encoding": "gzip", ...options.headers });
  const html = res.headers["content-encoding"] === "gzip" ? gunzipSync(res.body).toString("utf8") : res.body.toString("utf8");
  const line = await logLineFor(id, from);
  return { status: res.status, headers: res.headers, html, text: pageText(html), kept: line.keptPage === true };
}

/** Views until the page is kept: the first view records it (a write), the second renders and keeps it. */
async function keptView(id: string, options: { headers?: Record<string, string> } = {}) {
  for (let i = 0; i < 3; i++) {
    const seen = await view(id, options);
    expect(seen.status).toBe(200);
    if (seen.kept) return seen;
  }
  throw new Error("the page was not sent from the cache on the third view");
}

describe("a repeat view of a pay link", () => {
  it("is the page rendered before, with the same headers, sent without rendering it again", async () => {
    const { id } = await sentInvoice();
    const first = await view(id);
    expect(first.kept).toBe(false);
    const second = await view(id);
    expect(second.kept).toBe(false);
    const third = await view(id);
    expect(third.kept).toBe(true);
    expect(third.html).toBe(second.html);
    expect(third.text).toContain("Dana Whitfield");
    expect(third.text).toContain("Replace kitchen faucet");
    // Every header as Remix sent it, but the date and the policy's nonce (below); the length too, in one write.
    const others = (view: View) => Object.fromEntries(Object.entries(view.headers).filter(([name]) => name !== "date" && name !== "content-security-policy"));
    expect(others(third)).toEqual(others(second));
    expect(third.headers["content-length"]).toBeDefined();
    expect(third.headers["transfer-encoding"]).toBeUndefined();
    expect(third.headers["cache-control"]).toMatch(/\bno-store\b/);
    expect(third.headers["x-robots-tag"]).toBe("noindex");
    expect(third.headers.vary).toMatch(/Accept-Encoding/i);
    // The security headers are this request's own: a fresh nonce, the same policy.
    const policy = (view: View) => String(view.headers["content-security-policy"]);
    expect(policy(third)).toContain("frame-ancestors 'none'");
    expect(policy(third)).not.toBe(policy(second));
    expect(policy(third).replace(/'nonce-[^']+'/, "")).toBe(policy(second).replace(/'nonce-[^']+'/, ""));
    expect(third.html).not.toContain("<script");

    // Each encoding has its own copy: a client that takes no compression gets the page as it is.
    const plain = await keptView(id, { headers: { "accept-encoding": "identity" } });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.html).toBe(second.html);

    // Nothing was written by the repeat views: one recorded view.
    expect(await prisma.activityEvent.count({ where: { invoiceId: id, type: "invoice.viewed" } })).toBe(1);
  });

  // Each change is written from this process, outside the web server, as another web process or the worker
  // would: the server learns of it only from Postgres.
  const changes: { what: string; change: (ids: { id: string; businessId: string; customerId: string }) => Promise<unknown>; shows: string | RegExp }[] = [
    {
      what: "a payment",
      change: ({ id, businessId }) =>
        applyPayment({ businessId, invoiceId: id, amountCents: 2_000, currency: "USD", method: "CASH", provider: "manual", providerPaymentId: `kept-${id}` }),
      shows: "$100.00",
    },
    {
      what: "a bank payment still processing",
      change: ({ id, businessId }) =>
        applyPayment({
          businessId,
          invoiceId: id,
          amountCents: 3_000,
          currency: "USD",
          method: "ACH",
          provider: "stripe",
          providerPaymentId: `pi_${id}`,
          status: "PENDING",
        }),
      shows: "Your bank payment of $30.00 is processing",
    },
    {
      what: "a line's description",
      change: ({ id }) => prisma.invoiceLine.updateMany({ where: { invoiceId: id }, data: { description: "Replace bathroom tap" } }),
      shows: "Replace bathroom tap",
    },
    {
      what: "the customer's name",
      change: ({ customerId }) => prisma.customer.update({ where: { id: customerId }, data: { name: "Dana Okafor" } }),
      shows: "Dana Okafor",
    },
    {
      what: "the business's name",
      change: ({ businessId }) => prisma.business.update({ where: { id: businessId }, data: { name: "Okafor Electric" } }),
      shows: "Okafor Electric",
    },
    {
      what: "the business's phone",
      change: ({ businessId }) => prisma.business.update({ where: { id: businessId }, data: { phone: "+1 555 0100 77" } }),
      shows: "+1 555 0100 77",
    },
    {
      what: "the brand's accent colour, by a plain UPDATE",
      change: ({ businessId }) => prisma.$executeRaw`UPDATE "Business" SET "accentColor" = '#123abc' WHERE id = ${businessId}`,
      shows: /#123abc|123abc/,
    },
    {
      what: "the invoice's notes, by a plain UPDATE that leaves updatedAt alone",
      change: ({ id }) => prisma.$executeRaw`UPDATE "Invoice" SET notes = 'Gate code 4471' WHERE id = ${id}`,
      shows: "Gate code 4471",
    },
    {
      what: "a job photo",
      change: ({ id, businessId }) =>
        prisma.jobPhoto.create({ data: { businessId, invoiceId: id, bytes: Buffer.from("x"), mimeType: "image/jpeg", byteSize: 1, width: 640, height: 480 } }),
      shows: /photos\//,
    },
  ];

  for (const { what, change, shows } of changes) {
    it(`shows ${what} on the next view`, async () => {
      const { id, business, customer } = await sentInvoice();
      const before = await keptView(id);
      const matches = (html: string) => (typeof shows === "string" ? pageText(html).includes(shows) : shows.test(html));
      expect(matches(before.html)).toBe(false);
      await change({ id, businessId: business.id, customerId: customer.id });
      const after = await view(id);
      expect(after.status).toBe(200);
      expect(after.kept).toBe(false);
      expect(matches(after.html)).toBe(true);
      // And the new page is the one kept from then on.
      const again = await keptView(id);
      expect(again.html).toBe(after.html);
    });
  }

  it("answers 401 at once when the invoice is voided or the account closed", async () => {
    const voided = await sentInvoice();
    await keptView(voided.id);
    await voidInvoice(voided.business.id, voided.id);
    expect((await view(voided.id)).status).toBe(401);

    const closed = await sentInvoice();
    await keptView(closed.id);
    await prisma.business.update({ where: { id: closed.business.id }, data: { closedAt: new Date() } });
    expect((await view(closed.id)).status).toBe(401);
  });

  it("goes through Remix when the view must be recorded, for a contractor's preview and for a link with more in its query", async () => {
    const { id } = await sentInvoice();
    await keptView(id);

    // The last view was recorded over a minute ago: this one records it again (and is not sent from the cache).
    const stale = new Date(Date.now() - 5 * 60_000);
    await prisma.invoice.update({ where: { id }, data: { lastViewedAt: stale } });
    const recorded = await view(id);
    expect(recorded.kept).toBe(false);
    expect((await prisma.invoice.findUniqueOrThrow({ where: { id } })).lastViewedAt!.getTime()).toBeGreaterThan(stale.getTime());

    await keptView(id);
    expect((await view(id, { headers: { cookie: "__session=anything" } })).kept).toBe(false);
    const returned = await view(id, { path: `${payPath(id)}&checkout=stripe` });
    expect(returned.kept).toBe(false);
    expect(returned.text).toContain("We are confirming your payment");
    expect((await view(id, { path: payPath(id).replace(/t=[^&]+/, "t=AAAAAAAAAAAAAAAAAAAAAAAA") })).status).toBe(401);

    // Another spelling of the same link (the day with a leading zero, the parameters the other way round, the
    // signature percent-encoded) is a valid link, rendered every time: only the app's own spelling is kept, so
    // a link cannot be made into a thousand keys.
    const t = signLink("pay", id, day(), server.payLinkSecret);
    const spellings = [
      `/pay/${id}?t=${t}&d=0${day()}`,
      `/pay/${id}?d=${day()}&t=${t}`,
      `/pay/${id}?t=%${t.charCodeAt(0).toString(16)}${t.slice(1)}&d=${day()}`,
    ];
    for (const path of spellings) {
      for (let i = 0; i < 3; i++) {
        const seen = await view(id, { path });
        expect(seen.status, path).toBe(200);
        expect(seen.kept, path).toBe(false);
      }
    }
  });

  it("answers a HEAD from Remix, with no body", async () => {
    const { id } = await sentInvoice();
    await keptView(id);
    const res = await fetch(`${server.url}${payPath(id)}`, { method: "HEAD", headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });
});

// ---- in this process: the module itself, with a real invoice in Postgres

type SentPage = { status: number; headers: Record<string, string>; body: string };

function fakeExchange(path: string, headers: Record<string, string> = { "accept-encoding": "gzip" }) {
  const sent: SentPage = { status: 0, headers: {}, body: "" };
  const req = { method: "GET", originalUrl: path, url: path, headers };
  const res = {
    statusCode: 0,
    locals: {} as Record<string, unknown>,
    setHeader(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
    },
    end(body: Uint8Array) {
      sent.status = this.statusCode;
      sent.body = Buffer.from(body).toString("utf8");
    },
  };
  return { req, res, sent };
}

const send = async (path: string, headers?: Record<string, string>) => {
  const { req, res, sent } = fakeExchange(path, headers);
  const answered = await sendKeptPage(req as never, res as never);
  return answered ? sent : null;
};

async function viewedInvoice() {
  const { id } = await sentInvoice();
  await prisma.invoice.update({ where: { id }, data: { status: "VIEWED", lastViewedAt: new Date() } });
  return id;
}

/** Renders nothing: marks and keeps `html` as the page for `path`, as the loader and handleRequest do. */
async function keep(id: string, path: string, html: string, options: { status?: number; nonce?: string; setCookie?: boolean } = {}) {
  const render = await startPayPageRender(new Request(`http://localhost${path}`, { headers: { "accept-encoding": "gzip" } }), id);
  expect(render).not.toBeNull();
  const context = { cspNonce: options.nonce ?? "a-nonce", clientIp: "127.0.0.1" } as Parameters<typeof keepRenderedPage>[0];
  await render!.keepIfUnchanged(context);
  const headers = new Headers({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  if (options.setCookie) headers.set("Set-Cookie", "__flash=; Max-Age=0");
  keepRenderedPage(context, { status: options.status ?? 200, headers, html, body: html });
  return context;
}

describe("the page cache module", () => {
  it("does not send a kept page once its link has expired", async () => {
    forgetKeptPages();
    const id = await viewedInvoice();
    const path = signedPath("pay", id);
    await keep(id, path, "<p>kept</p>");
    expect(await send(path)).toMatchObject({ status: 200, body: "<p>kept</p>", headers: { "cache-control": "no-store" } });
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + (LINK_LIFETIME_DAYS + 1) * 86_400_000);
      expect(await send(path)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps a page only when the loader's reads before and after agree, and only a plain 200 without the nonce", async () => {
    forgetKeptPages();
    const id = await viewedInvoice();
    const path = signedPath("pay", id);

    const render = await startPayPageRender(new Request(`http://localhost${path}`, { headers: { "accept-encoding": "gzip" } }), id);
    await prisma.invoice.update({ where: { id }, data: { notes: "changed while the loader read" } });
    const context = { cspNonce: "n", clientIp: "127.0.0.1" } as Parameters<typeof keepRenderedPage>[0];
    await render!.keepIfUnchanged(context);
    expect(context.pageToKeep).toBeUndefined();

    await keep(id, path, "<p>an error page</p>", { status: 404 });
    expect(await send(path)).toBeNull();
    await keep(id, path, `<script nonce="nonce-123">x</script>`, { nonce: "nonce-123" });
    expect(await send(path)).toBeNull();
    await keep(id, path, "<p>with a cookie</p>", { setCookie: true });
    expect(await send(path)).toBeNull();
    await keep(id, path, "<p>kept</p>");
    expect((await send(path))?.body).toBe("<p>kept</p>");
    // Another encoding, a HEAD, a cookie: not this copy.
    expect(await send(path, { "accept-encoding": "br" })).toBeNull();
    expect(await send(path, { "accept-encoding": "gzip", cookie: "__session=x" })).toBeNull();
    const { req, res } = fakeExchange(path);
    expect(await sendKeptPage({ ...req, method: "HEAD" } as never, res as never)).toBe(false);
  });

  it("keeps at most MAX_PAGES pages, dropping the least recently sent", async () => {
    forgetKeptPages();
    const first = await viewedInvoice();
    const second = await viewedInvoice();
    await keep(first, signedPath("pay", first), "<p>first</p>");
    await keep(second, signedPath("pay", second), "<p>second</p>");
    // The first is sent again, so the second is now the least recently used.
    expect((await send(signedPath("pay", first)))?.body).toBe("<p>first</p>");
    const headers = new Headers({ "Content-Type": "text/html" });
    for (let i = 0; i < MAX_PAGES - 1; i++) {
      const context = { cspNonce: "n", clientIp: "", pageToKeep: { key: `gzip /pay/filler-${i}?t=x`, fingerprint: "f" } };
      keepRenderedPage(context, { status: 200, headers, html: "<p>filler</p>", body: "<p>filler</p>" });
    }
    expect((await send(signedPath("pay", first)))?.body).toBe("<p>first</p>");
    expect(await send(signedPath("pay", second))).toBeNull();
  });

  it("keeps at most MAX_BYTES of pages", async () => {
    forgetKeptPages();
    const first = await viewedInvoice();
    await keep(first, signedPath("pay", first), "<p>first</p>");
    expect((await send(signedPath("pay", first)))?.body).toBe("<p>first</p>");
    const big = "x".repeat(MAX_BYTES / 4);
    const headers = new Headers({ "Content-Type": "text/html" });
    for (let i = 0; i < 4; i++) {
      const context = { cspNonce: "n", clientIp: "", pageToKeep: { key: `identity /pay/big-${i}?t=x`, fingerprint: "f" } };
      keepRenderedPage(context, { status: 200, headers, html: big, body: big });
    }
    expect(await send(signedPath("pay", first))).toBeNull();
  });
});

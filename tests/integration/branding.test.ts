// Branding (issue 14) over HTTP against the production server: the accent colour set on Settings →
// Business profile (bad values are a 400 field error with nothing written; another business is never
// touched), then seen where customers see it: the pay and estimate pages (through the per-colour brand
// stylesheet, still no JavaScript and at most 14 KB), the public logo route, the emails and the PDF.
import zlib, { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { issueTokens } from "~/models/api-token.server";
import { setLogo } from "~/models/business.server";
import { createEstimate } from "~/models/estimate.server";
import { createInvoice } from "~/models/invoice.server";
import { renderInvoicePdfFile } from "~/models/pdf.server";
import { prisma } from "~/utils/db.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { businessProfileForm, type DocumentFormFields, documentInput, makeCustomer } from "../helpers/business-data";
import { attributesAt, elementAt, textAt } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

// The test process signs API access tokens (issueTokens) with the same secret the server verifies with.
const JWT_SECRET = vi.hoisted(() => {
  const secret = `branding-${Math.random().toString(36).slice(2)}`.padEnd(48, "b");
  process.env.JWT_SECRET = secret;
  return secret;
});

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer({ JWT_SECRET });
});
afterAll(async () => {
  const output = server?.output() ?? "";
  await server?.stop();
  // A 500 is a bug: no request in this file may have produced one.
  expect(output).not.toMatch(/"statusCode":5\d\d/);
});

/** A real 2×1 RGB PNG (signature, IHDR, IDAT, IEND with CRCs). */
function png() {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(Buffer.from([0, 0x1d, 0x4e, 0xd8, 0xff, 0xff, 0xff]))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const FIELDS = (customerId: string): DocumentFormFields => ({
  customerId,
  lines: [{ description: "Replace faucet", quantity: "1", unitPrice: "120.00" }],
});

async function setup(name = "Brand Plumbing") {
  const { user, business } = await createAccount({ businessName: `${name} ${crypto.randomUUID().slice(0, 8)}` });
  const customer = await makeCustomer(business.id, { name: "Robin Homeowner", email: "robin@example.com" });
  const browser = await signedInBrowser(server, user);
  return { user, business, customer, browser };
}
type Ctx = Awaited<ReturnType<typeof setup>>;

const saveProfile = (ctx: Ctx, overrides: Record<string, string>) =>
  ctx.browser.post("/settings/business", businessProfileForm({ name: ctx.business.name, ...overrides }));

/** Sends the invoice by email as the contractor does; returns the pay link's path and the email. */
async function emailedInvoice(ctx: Ctx) {
  const { id } = await createInvoice(ctx.business.id, await documentInput(FIELDS(ctx.customer.id)));
  expect((await ctx.browser.post(`/invoices/${id}`, { intent: "send-email" })).status).toBe(302);
  const email = await prisma.emailMessage.findFirstOrThrow({ where: { businessId: ctx.business.id, template: "invoice-sent", invoiceId: id } });
  const path = /https?:\/\/[^\s/]+(\/pay\/[^\s]+)/.exec(email.textBody ?? "")![1];
  return { id, path, email };
}

async function emailedEstimate(ctx: Ctx) {
  const { id } = await createEstimate(ctx.business.id, await documentInput(FIELDS(ctx.customer.id), "USD", "estimate"));
  expect((await ctx.browser.post(`/estimates/${id}`, { intent: "send" })).status).toBe(302);
  const email = await prisma.emailMessage.findFirstOrThrow({ where: { businessId: ctx.business.id, template: "estimate-sent", estimateId: id } });
  const path = /https?:\/\/[^\s/]+(\/estimate\/[^\s]+)/.exec(email.textBody ?? "")![1];
  return { id, path, email };
}

const stylesheetsOf = (html: string) => attributesAt(html, 'link[rel="stylesheet"]', "href");

const fieldError = (html: string, field: string) => textAt(html, `#business-profile-${field}-error`);

describe("the accent colour on Settings → Business profile", () => {
  it("saves a #rrggbb colour lower-case, shows it, and leaves another business alone; empty clears it", async () => {
    const other = await setup("Other Roofing");
    const before = await prisma.business.findUniqueOrThrow({ where: { id: other.business.id } });
    const ctx = await setup();

    const res = await saveProfile(ctx, { accentColor: " #1D4ED8 " });
    expect(res.status).toBe(302);
    expect((await prisma.business.findUniqueOrThrow({ where: { id: ctx.business.id } })).accentColor).toBe("#1d4ed8");
    expect(await prisma.business.findUniqueOrThrow({ where: { id: other.business.id } })).toEqual(before);

    const page = await (await ctx.browser.get("/settings/business")).text();
    expect(page).toMatch(/<input[^>]*id="business-profile-accentColor"[^>]*value="#1d4ed8"/);
    expect(stylesheetsOf(page)).toContain("/brand/accent/1d4ed8.css");
    expect(page).toContain('data-testid="accent-preview"');

    expect((await saveProfile(ctx, { accentColor: "" })).status).toBe(302);
    expect((await prisma.business.findUniqueOrThrow({ where: { id: ctx.business.id } })).accentColor).toBeNull();
  });

  it.each(["#fff", "red", "1d4ed8", "#1d4ed8;}body{display:none}", "#12345g", "rgb(0,0,0)"])("refuses %j: 400, a field error, nothing written", async (bad) => {
    const ctx = await setup();
    expect((await saveProfile(ctx, { accentColor: "#0f766e" })).status).toBe(302);
    const row = await prisma.business.findUniqueOrThrow({ where: { id: ctx.business.id } });

    const res = await saveProfile(ctx, { accentColor: bad, city: "Should Not Stick" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(fieldError(html, "accentColor")).toMatch(/six hex digits/);
    expect(await prisma.business.findUniqueOrThrow({ where: { id: ctx.business.id } })).toEqual(row);
  });

  it("is in the API's business profile, and PATCH sets it, keeps it when absent, refuses a bad one", async () => {
    const ctx = await setup();
    const { accessToken } = await issueTokens(ctx.user);
    const api = (method: string, body?: unknown) =>
      fetch(`${server.url}/api/v1/business`, {
        method,
        headers: { Authorization: `Bearer ${accessToken}`, ...(body ? { "Content-Type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    const set = await api("PATCH", { accentColor: "#FACC15" });
    expect(set.status).toBe(200);
    expect((await set.json()).data.accentColor).toBe("#facc15");
    expect((await (await api("PATCH", { city: "Racine" })).json()).data.accentColor).toBe("#facc15");
    const bad = await api("PATCH", { accentColor: "yellow" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.fields).toHaveProperty("accentColor");
    expect((await prisma.business.findUniqueOrThrow({ where: { id: ctx.business.id } })).accentColor).toBe("#facc15");
    expect((await (await api("PATCH", { accentColor: null })).json()).data.accentColor).toBeNull();
  });
});

describe("what customers see", () => {
  it("the pay page links the brand stylesheet and the logo, ships no JavaScript and stays under 14 KB", async (testCtx) => {
    const ctx = await setup();
    await setLogo(ctx.business.id, new Uint8Array(png()), "image/png");
    expect((await saveProfile(ctx, { accentColor: "#1d4ed8" })).status).toBe(302);
    const { path } = await emailedInvoice(ctx);

    const res = await new Browser(server.url).get(path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\sstyle=/i);
    const sheets = stylesheetsOf(html);
    expect(sheets).toContain("/brand/accent/1d4ed8.css");
    expect(sheets).toHaveLength(2);

    const css = await fetch(new URL("/brand/accent/1d4ed8.css", server.url));
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
    expect(css.headers.get("cache-control")).toContain("immutable");
    const cssText = await css.text();
    expect(cssText).toContain(".brand-band{background:#1d4ed8;color:#ffffff");

    // The logo: an <img> with a versioned, business-keyed URL; a separate, lazy request.
    const img = elementAt(html, "img.brand-logo")!;
    expect(img.getAttribute("loading")).toBe("lazy");
    const src = img.getAttribute("src")!;
    expect(src).toMatch(new RegExp(`^/brand/logo/${ctx.business.id}\\?v=\\d+$`));
    const logo = await fetch(new URL(src, server.url));
    expect(logo.status).toBe(200);
    expect(logo.headers.get("content-type")).toBe("image/png");
    expect(logo.headers.get("x-content-type-options")).toContain("nosniff");
    expect(logo.headers.get("cache-control")).toContain("immutable");
    expect(Buffer.from(await logo.arrayBuffer()).equals(png())).toBe(true);

    let total = gzipSync(Buffer.from(html)).byteLength;
    for (const sheet of sheets) total += gzipSync(Buffer.from(await (await fetch(new URL(sheet, server.url))).arrayBuffer())).byteLength;
    const report = `branded pay page gzipped, HTML plus both stylesheets: ${total} B of ${14 * 1024} B`;
    await testCtx.annotate(report);
    Object.assign(testCtx.task.meta, { brandedTotalGzipBytes: total });
    expect(total, report).toBeLessThanOrEqual(14 * 1024);
  });

  it("the estimate page carries the same branding; a business without any keeps today's page", async () => {
    const ctx = await setup();
    expect((await saveProfile(ctx, { accentColor: "#facc15" })).status).toBe(302);
    const { path } = await emailedEstimate(ctx);
    const html = await (await new Browser(server.url).get(path)).text();
    expect(stylesheetsOf(html)).toContain("/brand/accent/facc15.css");
    expect(html).not.toContain("brand-logo");
    // Yellow takes black text.
    expect(await (await fetch(new URL("/brand/accent/facc15.css", server.url))).text()).toContain("color:#000000");

    const plain = await setup("Plain Painting");
    const plainHtml = await (await new Browser(server.url).get((await emailedInvoice(plain)).path)).text();
    expect(stylesheetsOf(plainHtml)).toHaveLength(1);
    expect(plainHtml).not.toContain("/brand/");
  });

  it("the brand routes answer 404 for anything else, and show no logo of a closed account", async () => {
    for (const bad of ["/brand/accent/zzzzzz.css", "/brand/accent/1d4ed8", "/brand/accent/1D4ED8.css", "/brand/logo/nobody", "/brand/logo/x%27%3B"]) {
      expect((await fetch(new URL(bad, server.url))).status, bad).toBe(404);
    }
    const ctx = await setup();
    await setLogo(ctx.business.id, new Uint8Array(png()), "image/png");
    expect((await fetch(new URL(`/brand/logo/${ctx.business.id}`, server.url))).status).toBe(200);
    await prisma.business.update({ where: { id: ctx.business.id }, data: { closedAt: new Date() } });
    expect((await fetch(new URL(`/brand/logo/${ctx.business.id}`, server.url))).status).toBe(404);
  });
});

describe("emails and the PDF", () => {
  it("the invoice and estimate emails carry the logo's absolute URL and the accent band", async () => {
    const ctx = await setup();
    await setLogo(ctx.business.id, new Uint8Array(png()), "image/png");
    expect((await saveProfile(ctx, { accentColor: "#1d4ed8" })).status).toBe(302);
    const logoUrl = new RegExp(`^${server.url.replace(/[.]/g, "\\.")}/brand/logo/${ctx.business.id}\\?v=\\d+$`);
    for (const { email } of [await emailedInvoice(ctx), await emailedEstimate(ctx)]) {
      expect(attributesAt(email.htmlBody!, "img", "src").some((src) => logoUrl.test(src))).toBe(true);
      expect(email.htmlBody).toContain("background:#1d4ed8;color:#ffffff");
    }
    // Without branding the email is as before: no wrapper.
    const plain = await setup("Plain Painting");
    const { email } = await emailedInvoice(plain);
    expect(email.htmlBody).not.toContain("/brand/");
    expect(email.htmlBody).not.toContain("background:");
  });

  it("the PDF fills its column header with the accent and still embeds the logo", async () => {
    const ctx = await setup();
    await setLogo(ctx.business.id, new Uint8Array(png()), "image/png");
    const { id } = await createInvoice(ctx.business.id, await documentInput(FIELDS(ctx.customer.id)));
    const fill = (hex: string) => `${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).join(" ")} scn`;

    const plain = (await renderInvoicePdfFile(ctx.business.id, id, { compress: false })).buffer.toString("latin1");
    expect(plain).not.toContain(fill("#1d4ed8"));
    expect(plain).toContain("/Subtype /Image");

    await prisma.business.update({ where: { id: ctx.business.id }, data: { accentColor: "#1d4ed8" } });
    const branded = (await renderInvoicePdfFile(ctx.business.id, id, { compress: false })).buffer.toString("latin1");
    expect(branded).toContain(fill("#1d4ed8"));
    expect(branded).toContain(fill("#ffffff")); // white header text on the blue
    expect(branded).toContain("/Subtype /Image");
  });
});

// PDFs of invoices and estimates and the CSV exports, over HTTP against the production server.
import zlib from "node:zlib";
import { PDFParse } from "pdf-parse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/production-server";

const { prisma } = await import("~/utils/db.server");

// A 1x1 red PNG and the first bytes of a WebP file (pdfkit cannot embed WebP; the PDF must still render).
const PNG_1X1 = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==", "base64");
const WEBP_STUB = Buffer.from("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00", "latin1");

/** A 4x4 RGBA PNG whose pixel data is `idat`: pdfkit decodes such images itself and must never see bad data. */
function rgbaPng(idat: Buffer) {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(4, 0);
  ihdr.writeUInt32BE(4, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return new Uint8Array(
    Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", idat), chunk("IEND", Buffer.alloc(0))]),
  );
}

const hasImage = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1").includes("/Subtype /Image");

const XSS = "<script>alert(1)</script>";
const day = (d: string) => new Date(`${d}T00:00:00Z`);

let server: TestServer;

type Line = { description: string; quantityMilli: number; unitPriceCents: number; taxRate?: number };

async function addCustomer(businessId: string, name: string, extra: Record<string, string> = {}) {
  return prisma.customer.create({ data: { businessId, name, ...extra } });
}

/** Writes an invoice with consistent totals (no tax, no discount unless given). */
async function addInvoice(
  businessId: string,
  customerId: string,
  number: number,
  lines: Line[],
  extra: {
    taxCents?: number;
    discountCents?: number;
    amountPaidCents?: number;
    taxMode?: "PER_LINE" | "INVOICE";
    taxRate?: number;
    status?: "DRAFT" | "SENT" | "PARTIALLY_PAID" | "PAID";
    notes?: string;
    terms?: string;
  } = {},
) {
  const rows = lines.map((l, position) => {
    const amountCents = Math.round((l.quantityMilli * l.unitPriceCents) / 1000);
    return {
      businessId,
      position,
      description: l.description,
      quantityMilli: l.quantityMilli,
      unitPriceCents: l.unitPriceCents,
      taxRate: l.taxRate ?? 0,
      amountCents,
      taxCents: 0,
    };
  });
  const subtotalCents = rows.reduce((s, r) => s + r.amountCents, 0);
  const discountCents = extra.discountCents ?? 0;
  const taxCents = extra.taxCents ?? 0;
  return prisma.invoice.create({
    data: {
      businessId,
      customerId,
      number,
      status: extra.status ?? "SENT",
      currency: "USD",
      issueDate: day("2025-03-01"),
      dueDate: day("2099-03-15"),
      taxMode: extra.taxMode ?? "INVOICE",
      taxRate: extra.taxRate ?? 0,
      subtotalCents,
      discountCents,
      taxCents,
      totalCents: subtotalCents - discountCents + taxCents,
      amountPaidCents: extra.amountPaidCents ?? 0,
      notes: extra.notes,
      terms: extra.terms,
      lines: { createMany: { data: rows } },
    },
  });
}

async function addEstimate(businessId: string, customerId: string, number: number, lines: Line[]) {
  const rows = lines.map((l, position) => {
    const amountCents = Math.round((l.quantityMilli * l.unitPriceCents) / 1000);
    return {
      businessId,
      position,
      description: l.description,
      quantityMilli: l.quantityMilli,
      unitPriceCents: l.unitPriceCents,
      taxRate: 0,
      amountCents,
      taxCents: 0,
    };
  });
  const subtotalCents = rows.reduce((s, r) => s + r.amountCents, 0);
  return prisma.estimate.create({
    data: {
      businessId,
      customerId,
      number,
      status: "SENT",
      currency: "USD",
      issueDate: day("2025-04-02"),
      validUntil: day("2025-05-02"),
      subtotalCents,
      discountCents: 0,
      taxCents: 0,
      totalCents: subtotalCents,
      lines: { createMany: { data: rows } },
    },
  });
}

async function signIn(email: string, password: string) {
  const browser = newBrowser();
  const res = await browser.post("/login", { email, password });
  expect(res.status).toBe(302);
  return browser;
}

async function pdfText(bytes: Uint8Array) {
  const parser = new PDFParse({ data: bytes });
  try {
    return await parser.getText();
  } finally {
    await parser.destroy();
  }
}

// One connection per request: pdf-parse keeps this process busy for seconds, long enough for the
// server's keep-alive timeout to close a pooled socket before the client notices, and the next
// request on it would fail with ECONNRESET.
const CLOSE = { Connection: "close" };
const newBrowser = () => new Browser(server.url, CLOSE);

async function fetchPdf(browser: Browser, path: string) {
  const res = await browser.get(path);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/pdf");
  expect(res.headers.get("cache-control")).toBe("private, no-store");
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect(Buffer.from(bytes.subarray(0, 5)).toString("latin1")).toBe("%PDF-");
  return { res, bytes };
}

/** RFC 4180 parser for the assertions: quoted fields, doubled quotes, CRLF, newlines inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const src = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') ((field += '"'), i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") (row.push(field), (field = ""));
    else if (c === "\r" && src[i + 1] === "\n") {
      (row.push(field), rows.push(row), (row = []), (field = ""), i++);
    } else field += c;
  }
  if (field !== "" || row.length) (row.push(field), rows.push(row));
  return rows;
}

let owner: Awaited<ReturnType<typeof createAccount>>;
let other: Awaited<ReturnType<typeof createAccount>>;
let browser: Browser;
let invoiceId: string;
let perLineInvoiceId: string;
let longInvoiceId: string;
let estimateId: string;
let otherInvoiceId: string;
let otherEstimateId: string;

beforeAll(async () => {
  server = await startServer();
  [owner, other] = await Promise.all([createAccount({ businessName: "Acme <b>Plumbing</b>" }), createAccount({ businessName: "Rival Roofing" })]);
  await prisma.business.update({
    where: { id: owner.business.id },
    data: {
      email: "office@acme.test",
      phone: "555-0100",
      addressLine1: "1 Pipe Street",
      city: "Springfield",
      region: "IL",
      postalCode: "62701",
      logo: PNG_1X1,
      logoMimeType: "image/png",
      logoUpdatedAt: new Date(),
    },
  });
  const jane = await addCustomer(owner.business.id, "Jane Doe", { addressLine1: "42 Elm Road", city: "Shelbyville", email: "jane@example.com" });
  const invoice = await addInvoice(
    owner.business.id,
    jane.id,
    7,
    [
      {
        description: "Replace kitchen faucet, including the shut-off valves and a new flexible supply line on both sides of the sink",
        quantityMilli: 2000,
        unitPriceCents: 12345,
      },
      { description: XSS, quantityMilli: 1000, unitPriceCents: 10000 },
    ],
    { taxCents: 3079, taxRate: 8875, amountPaidCents: 10000, status: "PARTIALLY_PAID", notes: "Thanks! <img src=x onerror=alert(2)>", terms: "Net 14" },
  );
  invoiceId = invoice.id;
  const perLine = await addInvoice(owner.business.id, jane.id, 8, [{ description: "Taxed part", quantityMilli: 1500, unitPriceCents: 2000, taxRate: 6250 }], {
    taxMode: "PER_LINE",
    taxCents: 188,
  });
  perLineInvoiceId = perLine.id;
  const long = await addInvoice(
    owner.business.id,
    jane.id,
    9,
    Array.from({ length: 100 }, (_, i) => ({
      description: `Line ${i + 1}: ${"copper pipe fitting and labour ".repeat((i % 6) + 1).trim()}`,
      quantityMilli: 1000 + i,
      unitPriceCents: 500 + i,
    })),
  );
  longInvoiceId = long.id;
  const estimate = await addEstimate(owner.business.id, jane.id, 3, [
    { description: "Bathroom remodel", quantityMilli: 1000, unitPriceCents: 450000 },
    { description: XSS, quantityMilli: 3000, unitPriceCents: 2500 },
  ]);
  estimateId = estimate.id;

  const rivalCustomer = await addCustomer(other.business.id, "Rival Customer");
  otherInvoiceId = (await addInvoice(other.business.id, rivalCustomer.id, 1, [{ description: "Roof", quantityMilli: 1000, unitPriceCents: 99900 }])).id;
  otherEstimateId = (await addEstimate(other.business.id, rivalCustomer.id, 1, [{ description: "Roof", quantityMilli: 1000, unitPriceCents: 99900 }])).id;

  browser = await signIn(owner.email, owner.password);
}, 180_000);

afterAll(() => server?.stop());

describe("invoice and estimate PDFs", { timeout: 60_000 }, () => {
  it("renders an invoice as a downloadable PDF with its number, customer, lines and totals", async () => {
    const { res, bytes } = await fetchPdf(browser, `/invoices/${invoiceId}/pdf`);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="INV-0007.pdf"');
    expect(hasImage(bytes)).toBe(true);
    const { text, total } = await pdfText(bytes);
    expect(total).toBe(1);
    expect(text).toContain("INVOICE");
    expect(text).toContain("INV-0007");
    expect(text).toContain("Acme <b>Plumbing</b>");
    expect(text).toContain("office@acme.test");
    expect(text).toContain("1 Pipe Street");
    expect(text).toContain("Jane Doe");
    expect(text).toContain("42 Elm Road");
    expect(text).toContain("Partially paid");
    expect(text).toContain("Mar 1, 2025");
    expect(text).toContain(XSS);
    expect(text).toContain("<img src=x onerror=alert(2)>");
    expect(text).toContain("Net 14");
    // 2 x 123.45 + 100.00 = 346.90, tax 30.79, total 377.69, paid 100.00, balance 277.69.
    expect(text).toContain("$246.90");
    expect(text).toContain("$346.90");
    expect(text).toContain("Tax (8.875%)");
    expect(text).toContain("$377.69");
    expect(text).toContain("Balance due");
    expect(text).toContain("$277.69");
    expect(text).not.toContain("Tax %");
  });

  it("shows the per-line tax column when the invoice taxes each line", async () => {
    const { bytes } = await fetchPdf(browser, `/invoices/${perLineInvoiceId}/pdf`);
    const { text } = await pdfText(bytes);
    expect(text).toContain("Tax %");
    expect(text).toContain("6.25");
    expect(text).toContain("1.5");
  });

  it("paginates a 100-line invoice, repeating the header on every page and losing no line", async () => {
    const { bytes } = await fetchPdf(browser, `/invoices/${longInvoiceId}/pdf`);
    const result = await pdfText(bytes);
    expect(result.total).toBeGreaterThan(1);
    result.pages.forEach((page, i) => {
      expect(page.text).toContain(`Page ${i + 1} of ${result.total}`);
      expect(page.text).toContain("Description");
      expect(page.text).toContain("Unit price");
      if (i > 0) expect(page.text).toContain("INV-0009 (continued)");
    });
    const positions = Array.from({ length: 100 }, (_, i) => {
      const matches = result.text.match(new RegExp(`Line ${i + 1}:`, "g")) ?? [];
      expect(matches).toHaveLength(1);
      return result.text.indexOf(`Line ${i + 1}:`);
    });
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(result.pages.at(-1)!.text).toContain("Balance due");
  });

  it("renders an estimate PDF", async () => {
    const { res, bytes } = await fetchPdf(browser, `/estimates/${estimateId}/pdf`);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="EST-0003.pdf"');
    const { text } = await pdfText(bytes);
    expect(text).toContain("ESTIMATE");
    expect(text).toContain("EST-0003");
    expect(text).toContain("Jane Doe");
    expect(text).toContain("Valid until");
    expect(text).toContain("May 2, 2025");
    expect(text).toContain(XSS);
    expect(text).toContain("$4,575.00");
    expect(text).not.toContain("Balance due");
  });

  it("leaves out a logo pdfkit cannot embed (WebP, corrupt PNG) and still renders", async () => {
    const logos: [string, Uint8Array<ArrayBuffer>, string][] = [
      ["webp", WEBP_STUB, "image/webp"],
      ["png, not zlib", rgbaPng(Buffer.from("not zlib data")), "image/png"],
      ["png, bad filter", rgbaPng(zlib.deflateSync(Buffer.alloc(4 * 17, 9))), "image/png"],
      ["png, short data", rgbaPng(zlib.deflateSync(Buffer.alloc(3))), "image/png"],
      ["jpeg, truncated", new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00]), "image/jpeg"],
    ];
    try {
      for (const [label, logo, logoMimeType] of logos) {
        await prisma.business.update({ where: { id: owner.business.id }, data: { logo, logoMimeType } });
        const { bytes } = await fetchPdf(browser, `/invoices/${invoiceId}/pdf`);
        expect(hasImage(bytes), label).toBe(false);
        expect((await pdfText(bytes)).text, label).toContain("INV-0007");
      }
      // A well-formed RGBA PNG still goes in.
      await prisma.business.update({
        where: { id: owner.business.id },
        data: { logo: rgbaPng(zlib.deflateSync(Buffer.alloc(4 * 17, 0))), logoMimeType: "image/png" },
      });
      expect(hasImage((await fetchPdf(browser, `/invoices/${invoiceId}/pdf`)).bytes)).toBe(true);
    } finally {
      await prisma.business.update({ where: { id: owner.business.id }, data: { logo: PNG_1X1, logoMimeType: "image/png" } });
    }
  });

  it("keeps the filename safe whatever the prefix", async () => {
    await prisma.business.update({ where: { id: owner.business.id }, data: { invoicePrefix: 'A/"b"\r\n; x=' } });
    try {
      const res = await browser.get(`/invoices/${invoiceId}/pdf`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="[A-Za-z0-9._-]+\.pdf"$/);
      await res.arrayBuffer();
    } finally {
      await prisma.business.update({ where: { id: owner.business.id }, data: { invoicePrefix: "INV-" } });
    }
  });

  it("answers 404 for another business's invoice or estimate, and for unknown ids", async () => {
    for (const path of [`/invoices/${otherInvoiceId}/pdf`, `/estimates/${otherEstimateId}/pdf`, "/invoices/nope/pdf", "/estimates/nope/pdf"]) {
      const res = await browser.get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type")).not.toBe("application/pdf");
      await res.arrayBuffer();
    }
  });

  it("sends anonymous visitors to the login page", async () => {
    const anonymous = newBrowser();
    for (const path of [`/invoices/${invoiceId}/pdf`, `/estimates/${estimateId}/pdf`]) {
      const res = await anonymous.get(path);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
    }
  });
});

describe("CSV exports", () => {
  let csvOwner: Awaited<ReturnType<typeof createAccount>>;
  let csvBrowser: Browser;

  beforeAll(async () => {
    csvOwner = await createAccount({ businessName: "Export Electric" });
    const businessId = csvOwner.business.id;
    const formula = await addCustomer(businessId, '=HYPERLINK("http://evil.example","click")');
    const tricky = await addCustomer(businessId, 'Smith, "Bob"\nJunior');
    const plain = await addCustomer(businessId, "Plain Customer");
    const i1 = await addInvoice(businessId, formula.id, 1, [{ description: "a", quantityMilli: 1000, unitPriceCents: 12345 }], {
      amountPaidCents: 2345,
      status: "PARTIALLY_PAID",
    });
    const i2 = await addInvoice(businessId, tricky.id, 2, [{ description: "b", quantityMilli: 1000, unitPriceCents: 100000 }], {
      discountCents: 5000,
      taxCents: 7600,
      amountPaidCents: 110000,
      status: "PAID",
    });
    await addInvoice(businessId, plain.id, 3, [{ description: "c", quantityMilli: 500, unitPriceCents: 99 }], { status: "DRAFT" });
    await prisma.payment.createMany({
      data: [
        {
          businessId,
          invoiceId: i1.id,
          amountCents: 2345,
          currency: "USD",
          method: "CASH",
          provider: "manual",
          providerPaymentId: `${businessId}:p1`,
          reference: "+SUM(A1:A9)",
          receivedAt: new Date("2025-03-02T12:00:00Z"),
        },
        {
          businessId,
          invoiceId: i2.id,
          amountCents: 110000,
          currency: "USD",
          method: "CHECK",
          provider: "manual",
          providerPaymentId: `${businessId}:p2`,
          reference: 'Check #1001, "memo"',
          overpaymentCents: 2400,
          receivedAt: new Date("2025-03-05T12:00:00Z"),
        },
      ],
    });
    // Another business's payment on its own invoice must never show up.
    await prisma.payment.create({
      data: {
        businessId: other.business.id,
        invoiceId: otherInvoiceId,
        amountCents: 500,
        currency: "USD",
        method: "CARD",
        provider: "stripe",
        providerPaymentId: "pi_other",
        receivedAt: new Date("2025-03-03T12:00:00Z"),
      },
    });
    csvBrowser = await signIn(csvOwner.email, csvOwner.password);
  }, 120_000);

  async function fetchCsv(b: Browser, path: string, name: string) {
    const res = await b.get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="${name}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`));
    const text = await res.text();
    return { text, rows: parseCsv(text) };
  }

  it("exports invoices with decimal amounts, escaping and the formula guard", async () => {
    const { text, rows } = await fetchCsv(csvBrowser, "/export/invoices.csv", "invoices");
    expect(rows[0]).toEqual(["Number", "Status", "Customer", "Issue date", "Due date", "Currency", "Subtotal", "Discount", "Tax", "Total", "Paid", "Balance"]);
    expect(rows).toHaveLength(4);
    expect(rows[1]).toEqual([
      "INV-0001",
      "PARTIALLY_PAID",
      `'=HYPERLINK("http://evil.example","click")`,
      "2025-03-01",
      "2099-03-15",
      "USD",
      "123.45",
      "0.00",
      "0.00",
      "123.45",
      "23.45",
      "100.00",
    ]);
    expect(rows[2]).toEqual([
      "INV-0002",
      "PAID",
      'Smith, "Bob"\nJunior',
      "2025-03-01",
      "2099-03-15",
      "USD",
      "1000.00",
      "50.00",
      "76.00",
      "1026.00",
      "1100.00",
      "0.00",
    ]);
    expect(rows[3]).toEqual(["INV-0003", "DRAFT", "Plain Customer", "2025-03-01", "2099-03-15", "USD", "0.50", "0.00", "0.00", "0.50", "0.00", "0.50"]);
    // The raw text: quotes doubled, the multi-line name quoted, nothing from another business.
    expect(text).toContain('"Smith, ""Bob""\nJunior"');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(text).not.toContain("Rival");
    expect(text).not.toContain("Jane Doe");
  });

  it("exports payments of the caller's business only", async () => {
    const { text, rows } = await fetchCsv(csvBrowser, "/export/payments.csv", "payments");
    expect(rows[0]).toEqual(["Date", "Invoice number", "Customer", "Method", "Provider", "Amount", "Currency", "Overpayment", "Reference", "Status"]);
    expect(rows.slice(1)).toEqual([
      ["2025-03-02", "INV-0001", `'=HYPERLINK("http://evil.example","click")`, "CASH", "manual", "23.45", "USD", "0.00", "'+SUM(A1:A9)", "SUCCEEDED"],
      ["2025-03-05", "INV-0002", 'Smith, "Bob"\nJunior', "CHECK", "manual", "1100.00", "USD", "24.00", 'Check #1001, "memo"', "SUCCEEDED"],
    ]);
    expect(text).not.toContain("pi_other");
    expect(text).not.toContain("stripe");
  });

  it("streams every row of a 2,500-invoice and a 1,500-payment export", { timeout: 120_000 }, async () => {
    const bulk = await createAccount({ businessName: "Bulk Builders" });
    const customer = await addCustomer(bulk.business.id, "Bulk Customer");
    await prisma.invoice.createMany({
      data: Array.from({ length: 2_500 }, (_, i) => ({
        businessId: bulk.business.id,
        customerId: customer.id,
        number: i + 1,
        status: "SENT" as const,
        currency: "USD",
        issueDate: day("2025-01-01"),
        dueDate: day("2099-01-15"),
        subtotalCents: 1000 + i,
        discountCents: 0,
        taxCents: 0,
        totalCents: 1000 + i,
      })),
    });
    const bulkBrowser = await signIn(bulk.email, bulk.password);
    const { rows } = await fetchCsv(bulkBrowser, "/export/invoices.csv", "invoices");
    expect(rows).toHaveLength(2_501);
    const numbers = rows.slice(1).map((r) => r[0]);
    expect(new Set(numbers).size).toBe(2_500);
    expect(numbers[0]).toBe("INV-0001");
    expect(numbers[999]).toBe("INV-1000");
    expect(numbers[1000]).toBe("INV-1001");
    expect(numbers[2_499]).toBe("INV-2500");
    expect(rows[2_500][9]).toBe("34.99");

    // Payments page on (receivedAt, id): 1,200 share one timestamp, so ties span a batch boundary.
    const first = await prisma.invoice.findFirstOrThrow({ where: { businessId: bulk.business.id, number: 1 }, select: { id: true } });
    await prisma.payment.createMany({
      data: Array.from({ length: 1_500 }, (_, i) => ({
        businessId: bulk.business.id,
        invoiceId: first.id,
        amountCents: 1,
        currency: "USD",
        method: "CASH" as const,
        provider: "manual",
        providerPaymentId: `${bulk.business.id}:bulk-${i}`,
        reference: `ref-${i}`,
        receivedAt: i < 1_200 ? new Date("2025-02-01T12:00:00Z") : new Date(Date.UTC(2025, 1, 2 + i - 1_200, 12)),
      })),
    });
    const payments = (await fetchCsv(bulkBrowser, "/export/payments.csv", "payments")).rows.slice(1);
    expect(payments).toHaveLength(1_500);
    expect(new Set(payments.map((r) => r[8])).size).toBe(1_500);
    expect(payments.slice(0, 1_200).every((r) => r[0] === "2025-02-01")).toBe(true);
    expect(payments[1_200][0]).toBe("2025-02-02");
  });

  it("answers an empty export with just the header", async () => {
    const empty = await createAccount({ businessName: "Empty Eaves" });
    const emptyBrowser = await signIn(empty.email, empty.password);
    expect((await fetchCsv(emptyBrowser, "/export/invoices.csv", "invoices")).rows).toHaveLength(1);
    expect((await fetchCsv(emptyBrowser, "/export/payments.csv", "payments")).rows).toHaveLength(1);
  });

  it("sends anonymous visitors to the login page", async () => {
    const anonymous = newBrowser();
    for (const path of ["/export/invoices.csv", "/export/payments.csv"]) {
      const res = await anonymous.get(path);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
    }
  });
});

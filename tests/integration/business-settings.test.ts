// The business profile and logo settings over HTTP against the production server, the way a browser
// without JavaScript uses them: plain form posts, redirects with a flash on success, 400 with the error
// next to the field (and nothing written) on bad input, and one business never reaching another's data.
import http from "node:http";
import { randomBytes } from "node:crypto";
import zlib from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createAccount } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { businessProfileForm as profileForm } from "../helpers/business-data";
import { attributesAt, elementAt, elementsAt, textAt } from "../helpers/html";
import { startServer, type TestServer } from "../helpers/production-server";
import { JPEG, multipart, WEBP } from "../helpers/uploads";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  // A 500 is a bug: no request in this file may have produced one.
  const output = server?.output() ?? "";
  await server?.stop();
  await prisma.$disconnect();
  expect(output).not.toMatch(/"statusCode":5\d\d/);
});
// Every test logs in; the login rate limit is per IP and all requests here come from 127.0.0.1.
beforeEach(async () => {
  await prisma.rateLimitHit.deleteMany();
});

// Images -------------------------------------------------------------------------------------------

/** A real 1×1 RGB PNG, built chunk by chunk (signature, IHDR, IDAT, IEND, each with its CRC). */
function tinyPng(rgb: [number, number, number] = [0x1e, 0x40, 0xaf]) {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0); // width
  header.writeUInt32BE(1, 4); // height
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const pixels = zlib.deflateSync(Buffer.from([0, ...rgb])); // filter byte, then one pixel
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", pixels),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script></svg>');

// HTTP helpers ---------------------------------------------------------------------------------------

function browserHeaders(contentType: string) {
  return { "Content-Type": contentType, Origin: server.url, "Sec-Fetch-Site": "same-origin" };
}

function uploadLogo(browser: Browser, file: { data: Buffer; filename: string; contentType: string }) {
  const { body, contentType } = multipart([
    { name: "intent", value: "upload-logo" },
    { name: "logo", ...file },
  ]);
  return browser.request("/settings/business", { method: "POST", body, headers: browserHeaders(contentType) });
}

/**
 * A raw upload of a body the server refuses on its declared length: the body goes out in 64 KB pieces
 * and stops once the answer arrives; errors after the answer are expected and ignored.
 */
function rawUpload(path: string, headers: Record<string, string>, body: Buffer) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    let answered = false;
    let bytesSent = 0;
    // Keep-alive, as browsers do: the server then discards the unread body instead of closing the socket.
    const agent = new http.Agent({ keepAlive: true });
    const done = (result: { status: number; body: string }) => {
      agent.destroy();
      resolve(result);
    };
    const req = http.request(`${server.url}${path}`, { method: "POST", headers, agent }, (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => done({ status: res.statusCode ?? 0, body: text }));
      res.on("error", () => done({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", (error) => {
      agent.destroy();
      if (!answered) reject(error);
    });
    const writeMore = () => {
      while (!answered && bytesSent < body.length) {
        const piece = body.subarray(bytesSent, bytesSent + 64 * 1024);
        bytesSent += piece.length;
        if (!req.write(piece)) return void req.once("drain", writeMore);
      }
      if (!answered) req.end();
    };
    req.flushHeaders();
    writeMore();
  });
}

async function signIn(businessName?: string) {
  const account = await createAccount({ businessName });
  const browser = new Browser(server.url);
  const res = await browser.post("/login", { email: account.email, password: account.password });
  expect(res.status).toBe(302);
  return { ...account, businessId: account.business.id, browser };
}

const row = (businessId: string) => prisma.business.findUniqueOrThrow({ where: { id: businessId } });

/** The error list rendered next to a field (Conform ids: <form id>-<field>-error). */
const fieldError = (html: string, field: string) => textAt(html, `#business-profile-${field}-error`);

function inputValue(html: string, field: string) {
  const input = elementAt(html, `input#business-profile-${field}`);
  return input ? (input.getAttribute("value") ?? "") : null;
}

async function createInvoiceRow(businessId: string) {
  const customer = await prisma.customer.create({ data: { businessId, name: "Carla Customer" } });
  return prisma.invoice.create({
    data: {
      businessId,
      customerId: customer.id,
      number: 1,
      currency: "USD",
      issueDate: new Date("2025-01-10T00:00:00Z"),
      dueDate: new Date("2025-01-24T00:00:00Z"),
      subtotalCents: 10_000,
      discountCents: 0,
      taxCents: 0,
      totalCents: 10_000,
    },
  });
}

// Profile -------------------------------------------------------------------------------------------

describe("business profile", () => {
  it("needs a signed-in user", async () => {
    const anonymous = new Browser(server.url);
    const page = await anonymous.get("/settings/business");
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    const post = await anonymous.post("/settings/business", profileForm({ name: "Hijacked" }));
    expect(post.status).toBe(302);
    expect(post.headers.get("location")).toMatch(/^\/login/);
    const logo = await anonymous.get("/settings/logo");
    expect(logo.status).toBe(302);
  });

  it("is linked from the settings page and shows the form prefilled", async () => {
    const { browser } = await signIn("Rivera Electric");
    const settings = await browser.get("/settings");
    expect(await settings.text()).toContain('href="/settings/business"');

    const page = await browser.get("/settings/business");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(inputValue(html, "name")).toBe("Rivera Electric");
    expect(inputValue(html, "timeZone")).toBe("America/New_York");
    expect(inputValue(html, "invoicePrefix")).toBe("INV-");
    expect(inputValue(html, "nextInvoiceNumber")).toBe("1");
    expect(inputValue(html, "paymentTermsDays")).toBe("14");
    expect(attributesAt(html, "option[selected]", "value")).toContain("USD");
    expect(attributesAt(html, "form", "enctype")).toContain("multipart/form-data");
    expect(html).toContain("No logo yet.");
  });

  it("saves the profile: 302 with a flash, every value stored, and the page shows them", async () => {
    const { browser, businessId } = await signIn();
    const res = await browser.post(
      "/settings/business",
      profileForm({
        name: "  Rivera & Sons Plumbing ",
        email: "Office@Rivera.example",
        phone: "+1 (312) 555-0100",
        website: "https://rivera.example",
        addressLine1: "12 Canal St",
        addressLine2: "Unit 4",
        city: "Chicago",
        region: "IL",
        postalCode: "60601",
        country: "USA",
        currency: "CAD",
        timeZone: "america/chicago",
        defaultTaxRate: "8.875",
        invoicePrefix: "RS/",
        nextInvoiceNumber: "1001",
        estimatePrefix: "Q-",
        nextEstimateNumber: "50",
        paymentTermsDays: "30",
        reviewUrl: "https://g.page/r/rivera/review",
        reviewRequestsEnabled: "on",
      }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/settings/business");
    expect(res.headers.getSetCookie().some((c) => c.startsWith("__flash="))).toBe(true);

    expect(await row(businessId)).toMatchObject({
      name: "Rivera & Sons Plumbing",
      email: "office@rivera.example",
      phone: "+1 (312) 555-0100",
      website: "https://rivera.example",
      addressLine1: "12 Canal St",
      addressLine2: "Unit 4",
      city: "Chicago",
      region: "IL",
      postalCode: "60601",
      country: "USA",
      currency: "CAD",
      timeZone: "America/Chicago",
      defaultTaxRate: 8875,
      invoicePrefix: "RS/",
      nextInvoiceNumber: 1001,
      estimatePrefix: "Q-",
      nextEstimateNumber: 50,
      paymentTermsDays: 30,
      reviewUrl: "https://g.page/r/rivera/review",
      reviewRequestsEnabled: true,
    });

    const page = await browser.get("/settings/business");
    const html = await page.text();
    expect(html).toContain("Business profile saved.");
    expect(inputValue(html, "defaultTaxRate")).toBe("8.875");
    expect(inputValue(html, "name")).toBe("Rivera & Sons Plumbing");
    expect(attributesAt(html, "option[selected]", "value")).toContain("CAD");
    // The flash is shown once.
    expect(await (await browser.get("/settings/business")).text()).not.toContain("Business profile saved.");
  });

  it("clears optional fields that are submitted empty", async () => {
    const { browser, businessId } = await signIn();
    await prisma.business.update({
      where: { id: businessId },
      data: { phone: "555 123 4567", city: "Austin", website: "https://old.example", reviewUrl: "https://g.page/x", reviewRequestsEnabled: true },
    });
    const res = await browser.post("/settings/business", profileForm());
    expect(res.status).toBe(302);
    expect(await row(businessId)).toMatchObject({ phone: null, city: null, website: null, reviewUrl: null, reviewRequestsEnabled: false });
  });

  const badFields: [string, Record<string, string>, string, RegExp][] = [
    ["an empty name", { name: "   " }, "name", /Enter your business name/],
    ["a name over 100 characters", { name: "x".repeat(101) }, "name", /at most 100/],
    ["a NUL byte in the name", { name: "Pat\u0000s" }, "name", /control characters/],
    ["a bad email", { email: "office@" }, "email", /valid email/],
    ["a phone with letters", { phone: "call 555-0100" }, "phone", /digits, spaces/],
    ["a phone with too few digits", { phone: "555-01" }, "phone", /at least 7 digits/],
    ["a website without a scheme", { website: "rivera.example" }, "website", /https:\/\//],
    ["a javascript: website", { website: "javascript:alert(1)" }, "website", /https:\/\//],
    ["a postal code over 20 characters", { postalCode: "1".repeat(21) }, "postalCode", /at most 20/],
    ["an unknown currency", { currency: "XYZ" }, "currency", /supported currency/],
    ["an unknown time zone", { timeZone: "Mars/Olympus_Mons" }, "timeZone", /time zone/i],
    ["a tax rate above 50 %", { defaultTaxRate: "50.5" }, "defaultTaxRate", /above 50/],
    ["a negative tax rate", { defaultTaxRate: "-5" }, "defaultTaxRate", /tax rate/],
    ["a tax rate with 4 decimals", { defaultTaxRate: "8.8755" }, "defaultTaxRate", /3 decimals/],
    ["an invoice prefix over 10 characters", { invoicePrefix: "INVOICE-NO-" }, "invoicePrefix", /10 characters/],
    ["an estimate prefix with markup", { estimatePrefix: "<b>" }, "estimatePrefix", /letters, digits/],
    ["a next invoice number of 0", { nextInvoiceNumber: "0" }, "nextInvoiceNumber", /1 to 999,999,999/],
    ["a next invoice number over 999,999,999", { nextInvoiceNumber: "1000000000" }, "nextInvoiceNumber", /1 to 999,999,999/],
    ["a fractional next estimate number", { nextEstimateNumber: "2.5" }, "nextEstimateNumber", /whole number/],
    ["payment terms over 365 days", { paymentTermsDays: "400" }, "paymentTermsDays", /0 to 365/],
    ["an http review link", { reviewUrl: "http://g.page/r/x" }, "reviewUrl", /https:\/\//],
    ["review requests without a review link", { reviewRequestsEnabled: "on" }, "reviewUrl", /review link/],
  ];

  describe("bad input", () => {
    // Nothing is written on bad input, so one account serves every case.
    let account: Awaited<ReturnType<typeof signIn>>;
    beforeAll(async () => {
      await prisma.rateLimitHit.deleteMany();
      account = await signIn();
    });

    it.each(badFields)("refuses %s with 400, the error next to the field, the values kept, and nothing changed", async (_, overrides, field, message) => {
      const { browser, businessId } = account;
      const before = await row(businessId);
      const form = profileForm({ city: "Kept City", ...overrides });
      const res = await browser.post("/settings/business", form);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(fieldError(html, field)).toMatch(message);
      expect(html).toMatch(new RegExp(`aria-invalid="true"[^>]*id="business-profile-${field}"|id="business-profile-${field}"[^>]*aria-invalid="true"`));
      expect(inputValue(html, "city")).toBe("Kept City");
      expect(res.headers.getSetCookie().some((c) => c.startsWith("__flash="))).toBe(false);
      expect(await row(businessId)).toEqual(before);
    });
  });

  it("refuses a currency change once an invoice exists, but saves other changes in the same currency", async () => {
    const { browser, businessId } = await signIn();
    // With no documents yet, the currency can change.
    expect((await browser.post("/settings/business", profileForm({ currency: "EUR" }))).status).toBe(302);
    expect((await row(businessId)).currency).toBe("EUR");
    expect((await browser.post("/settings/business", profileForm({ currency: "USD" }))).status).toBe(302);

    await createInvoiceRow(businessId);
    const before = await row(businessId);
    const res = await browser.post("/settings/business", profileForm({ currency: "GBP", city: "Leeds" }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(fieldError(html, "currency")).toMatch(/cannot change once you have invoices or estimates.*USD/);
    expect(await row(businessId)).toEqual(before);

    // The page now offers only the stored currency and says why.
    const page = await (await browser.get("/settings/business")).text();
    expect(page).not.toContain('<option value="GBP"');
    expect(page).toContain("Fixed: your invoices and estimates are stored in this currency.");

    const ok = await browser.post("/settings/business", profileForm({ currency: "USD", city: "Leeds" }));
    expect(ok.status).toBe(302);
    expect(await row(businessId)).toMatchObject({ currency: "USD", city: "Leeds" });
  });

  it("never lowers the next invoice or estimate number, and says numbers are never reused", async () => {
    const { browser, businessId } = await signIn();
    await prisma.business.update({ where: { id: businessId }, data: { nextInvoiceNumber: 120, nextEstimateNumber: 30 } });
    const before = await row(businessId);

    const lower = await browser.post(
      "/settings/business",
      profileForm({ nextInvoiceNumber: "100", nextInvoiceNumberWas: "120", nextEstimateNumber: "29", nextEstimateNumberWas: "30" }),
    );
    expect(lower.status).toBe(400);
    const html = await lower.text();
    expect(fieldError(html, "nextInvoiceNumber")).toMatch(/never reused.*120 or higher/);
    expect(fieldError(html, "nextEstimateNumber")).toMatch(/never reused.*30 or higher/);
    expect(inputValue(html, "nextInvoiceNumber")).toBe("100");
    expect(await row(businessId)).toEqual(before);

    // Without the rendered value (a hand-made post) a lower number is refused just the same.
    const { nextInvoiceNumberWas: _, ...handMade } = profileForm({ nextInvoiceNumber: "1", nextEstimateNumber: "30" });
    expect((await browser.post("/settings/business", handMade)).status).toBe(400);
    expect(await row(businessId)).toEqual(before);

    // Raising works.
    const raise = await browser.post("/settings/business", profileForm({ nextInvoiceNumber: "500", nextInvoiceNumberWas: "120", nextEstimateNumber: "30" }));
    expect(raise.status).toBe(302);
    expect(await row(businessId)).toMatchObject({ nextInvoiceNumber: 500, nextEstimateNumber: 30 });
  });

  it("keeps numbers taken while the form was open when the field was left as rendered", async () => {
    const { browser, businessId } = await signIn();
    const page = await (await browser.get("/settings/business")).text();
    expect(inputValue(page, "nextInvoiceNumberWas")).toBe("1");
    // Meanwhile, invoices 1–3 are created (numbering moves the counter on).
    await prisma.business.update({ where: { id: businessId }, data: { nextInvoiceNumber: 4 } });
    const res = await browser.post("/settings/business", profileForm({ nextInvoiceNumber: "1", nextInvoiceNumberWas: "1", phone: "555 010 0200" }));
    expect(res.status).toBe(302);
    expect(await row(businessId)).toMatchObject({ nextInvoiceNumber: 4, phone: "555 010 0200" });
  });

  it("waits for a number being taken at the same moment instead of writing back a used one", async () => {
    const { browser, businessId } = await signIn();
    // Numbering takes the next number with an UPDATE on the business row inside the document's
    // transaction; hold such a transaction open while the profile is saved.
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const numbering = prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`UPDATE "Business" SET "nextInvoiceNumber" = "nextInvoiceNumber" + 1 WHERE id = ${businessId}`;
        locked();
        await released;
      },
      { timeout: 20_000 },
    );
    await isLocked;
    const save = browser.post("/settings/business", profileForm({ nextInvoiceNumber: "1", nextInvoiceNumberWas: "1", city: "Racine" }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await numbering;
    const res = await save;
    expect(res.status).toBe(302);
    // Number 1 went to the document; the counter stays past it.
    expect(await row(businessId)).toMatchObject({ nextInvoiceNumber: 2, city: "Racine" });
  });

  it("stores markup in the name as text and renders it escaped", async () => {
    const { browser, businessId } = await signIn();
    const name = `<script>alert("pwned")</script><img src=x onerror=alert(1)> & Co`;
    const res = await browser.post("/settings/business", profileForm({ name }));
    expect(res.status).toBe(302);
    expect((await row(businessId)).name).toBe(name);

    for (const path of ["/settings/business", "/settings"]) {
      const html = await (await browser.get(path)).text();
      expect(html).not.toContain('<script>alert("pwned")</script>');
      expect(html).not.toContain("<img src=x");
      expect(html).toContain("&lt;script&gt;");
    }
    const page = await (await browser.get("/settings/business")).text();
    expect(inputValue(page, "name")).toBe(name);
  });

  it("ignores a business id smuggled into the form: B cannot change A's profile", async () => {
    const a = await signIn("Alpha Roofing");
    const b = await signIn("Bravo Painting");
    const aBefore = await row(a.businessId);

    const res = await b.browser.post("/settings/business", profileForm({ name: "Owned by B", id: a.businessId, businessId: a.businessId }));
    expect(res.status).toBe(302);
    expect(await row(a.businessId)).toEqual(aBefore);
    expect((await row(b.businessId)).name).toBe("Owned by B");

    const bPage = await (await b.browser.get("/settings/business")).text();
    expect(bPage).not.toContain("Alpha Roofing");
  });

  it("answers a malformed multipart body with 400, not 500", async () => {
    const { browser, businessId } = await signIn();
    const before = await row(businessId);
    const truncated = await browser.request("/settings/business", {
      method: "POST",
      body: '--XyZ\r\nContent-Disposition: form-data; name="intent"\r\n\r\nupload-lo',
      headers: browserHeaders("multipart/form-data; boundary=XyZ"),
    });
    expect(truncated.status).toBe(400);
    const garbage = await browser.request("/settings/business", {
      method: "POST",
      body: randomBytes(2048),
      headers: browserHeaders("multipart/form-data; boundary=----nothing-matches"),
    });
    expect(garbage.status).toBe(400);
    expect(await row(businessId)).toEqual(before);
  });

  it.each([
    ["no content type and no body", {}, undefined],
    ["invalid percent-encoding", { "Content-Type": "application/x-www-form-urlencoded" }, "name=%E0%A4%A&currency=%%%&%00=%ZZ"],
    ["an empty urlencoded body", { "Content-Type": "application/x-www-form-urlencoded" }, ""],
    ["garbage multipart on a client-side (?_data) submission", { "Content-Type": "multipart/form-data; boundary=----x1" }, randomBytes(1024)],
  ] as [string, Record<string, string>, BodyInit | undefined][])("answers %s with a 4xx, never a 500, and writes nothing", async (label, headers, body) => {
    const { browser, businessId } = await signIn();
    const before = await row(businessId);
    const path = label.includes("_data") ? "/settings/business?_data=routes%2Fsettings.business" : "/settings/business";
    const res = await browser.request(path, { method: "POST", body, headers: { Origin: server.url, "Sec-Fetch-Site": "same-origin", ...headers } });
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBeGreaterThanOrEqual(400);
    expect(res.status, text.slice(0, 300)).toBeLessThan(500);
    expect(await row(businessId)).toEqual(before);
  });
});

// Logo ----------------------------------------------------------------------------------------------

describe("logo", () => {
  // helmet sets the header on every response and the Remix adapter appends the route's own, so the
  // value may arrive as "nosniff, nosniff"; browsers read the first value.
  function expectNosniff(res: Response) {
    const values = (res.headers.get("x-content-type-options") ?? "").split(/,\s*/);
    expect(values[0]).toBe("nosniff");
    expect(values.every((v) => v === "nosniff")).toBe(true);
  }

  async function expectLogo(browser: Browser, bytes: Buffer, contentType: string) {
    const res = await browser.get("/settings/logo");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(contentType);
    expectNosniff(res);
    expect(res.headers.get("cache-control")).toMatch(/\bprivate\b/);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  }

  it.each([
    ["PNG", tinyPng(), "logo.png", "image/png"],
    ["JPEG", JPEG, "logo.jpg", "image/jpeg"],
    ["WebP", WEBP, "logo.webp", "image/webp"],
  ])("accepts a %s and serves it back byte for byte with its type", async (_, data, filename, type) => {
    const { browser, businessId } = await signIn();
    const res = await uploadLogo(browser, { data, filename, contentType: type });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/settings/business");
    expect(res.headers.getSetCookie().some((c) => c.startsWith("__flash="))).toBe(true);
    await expectLogo(browser, data, type);

    const stored = await row(businessId);
    expect(stored.logoMimeType).toBe(type);
    const page = await (await browser.get("/settings/business")).text();
    expect(page).toContain("Logo updated.");
    expect(page).toContain(`src="/settings/logo?v=${stored.logoUpdatedAt!.getTime()}"`);
    const versioned = await browser.get(`/settings/logo?v=${stored.logoUpdatedAt!.getTime()}`);
    expect(versioned.headers.get("cache-control")).toMatch(/^private\b/);
    await versioned.arrayBuffer();
  });

  it("decides the type by the bytes, not by the file name or the browser's Content-Type", async () => {
    const { browser } = await signIn();
    const res = await uploadLogo(browser, { data: JPEG, filename: "logo.png", contentType: "image/png" });
    expect(res.status).toBe(302);
    await expectLogo(browser, JPEG, "image/jpeg");
  });

  const refused: [string, { data: Buffer; filename: string; contentType: string }, RegExp][] = [
    ["an SVG", { data: SVG, filename: "logo.svg", contentType: "image/svg+xml" }, /SVG logos are not accepted/],
    ["an SVG named .png", { data: SVG, filename: "logo.png", contentType: "image/png" }, /SVG logos are not accepted/],
    [
      "a text file renamed .png",
      { data: Buffer.from("Not an image, just text.\n"), filename: "logo.png", contentType: "image/png" },
      /not a PNG, JPEG or WebP/,
    ],
    [
      "a GIF",
      { data: Buffer.from("GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;", "latin1"), filename: "logo.gif", contentType: "image/gif" },
      /not a PNG, JPEG or WebP/,
    ],
    [
      "a PNG over 1 MB",
      { data: Buffer.concat([tinyPng(), Buffer.alloc(1_000_001 - tinyPng().length + 10)]), filename: "big.png", contentType: "image/png" },
      /Logo must be 1 MB or smaller/,
    ],
    ["an empty file", { data: Buffer.alloc(0), filename: "", contentType: "application/octet-stream" }, /Choose an image/],
  ];

  it.each(refused)("refuses %s with 400 and a message, keeping the previous logo", async (_, file, message) => {
    const { browser, businessId } = await signIn();
    const previous = tinyPng([0xff, 0, 0]);
    expect((await uploadLogo(browser, { data: previous, filename: "old.png", contentType: "image/png" })).status).toBe(302);
    await (await browser.get("/settings/business")).text(); // shows (and so clears) the "Logo updated." flash
    const before = await row(businessId);

    const res = await uploadLogo(browser, file);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(textAt(html, "ul#logo-error") ?? "").toMatch(message);
    expect(elementsAt(html, '[aria-invalid="true"]')).not.toHaveLength(0);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("__flash="))).toBe(false);
    expect(html).not.toContain("Logo updated.");

    expect(await row(businessId)).toEqual(before);
    await expectLogo(browser, previous, "image/png");
  });

  it("refuses a multipart body over 6 MB with 413 and keeps the logo", async () => {
    const { browser, businessId } = await signIn();
    const previous = tinyPng();
    expect((await uploadLogo(browser, { data: previous, filename: "old.png", contentType: "image/png" })).status).toBe(302);
    const before = await row(businessId);
    const { body, contentType } = multipart([
      { name: "intent", value: "upload-logo" },
      { name: "logo", filename: "huge.png", contentType: "image/png", data: Buffer.concat([tinyPng(), Buffer.alloc(6 * 1024 * 1024)]) },
    ]);
    expect(body.length).toBeGreaterThan(6 * 1024 * 1024);
    const res = await rawUpload(
      "/settings/business",
      { ...browserHeaders(contentType), Cookie: browser.cookieHeader(), "Content-Length": String(body.length) },
      body,
    );
    expect(res.status).toBe(413);
    expect(res.body).toMatch(/too large/i);
    expect(await row(businessId)).toEqual(before);
    await expectLogo(browser, previous, "image/png");
  });

  it("removes the logo; then /settings/logo is 404", async () => {
    const { browser, businessId } = await signIn();
    expect((await uploadLogo(browser, { data: WEBP, filename: "a.webp", contentType: "image/webp" })).status).toBe(302);
    const page = await (await browser.get("/settings/business")).text();
    expect(page).toContain('value="remove-logo"');

    const res = await browser.post("/settings/business", { intent: "remove-logo" });
    expect(res.status).toBe(302);
    expect(await row(businessId)).toMatchObject({ logo: null, logoMimeType: null, logoUpdatedAt: null });
    const logo = await browser.get("/settings/logo");
    expect(logo.status).toBe(404);
    expectNosniff(logo);
    await logo.text();
    expect(await (await browser.get("/settings/business")).text()).toContain("No logo yet.");
  });

  it("keeps each business's logo to itself", async () => {
    const a = await signIn("Alpha Roofing");
    const b = await signIn("Bravo Painting");
    const aLogo = tinyPng([0, 0xff, 0]);
    expect((await uploadLogo(a.browser, { data: aLogo, filename: "a.png", contentType: "image/png" })).status).toBe(302);

    // B has no logo: B's /settings/logo is 404, whatever is in the query string.
    const aVersion = (await row(a.businessId)).logoUpdatedAt!.getTime();
    for (const path of ["/settings/logo", `/settings/logo?v=${aVersion}`, `/settings/logo?businessId=${a.businessId}`]) {
      const res = await b.browser.get(path);
      expect(res.status).toBe(404);
      await res.text();
    }

    // B uploads its own; each sees only its own.
    expect((await uploadLogo(b.browser, { data: JPEG, filename: "b.jpg", contentType: "image/jpeg" })).status).toBe(302);
    await expectLogo(b.browser, JPEG, "image/jpeg");
    await expectLogo(a.browser, aLogo, "image/png");

    // B removing its logo leaves A's alone.
    expect((await b.browser.post("/settings/business", { intent: "remove-logo", businessId: a.businessId })).status).toBe(302);
    expect((await b.browser.get("/settings/logo")).status).toBe(404);
    await expectLogo(a.browser, aLogo, "image/png");
  });
});

// Expenses and receipt photos over HTTP against the production server, the way a browser with JavaScript
// off uses them; and the optional integrations switched off (no keys): every page still works, the
// optional buttons are absent and their endpoints refuse cleanly. Quick line items work without any key.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "~/utils/db.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import type { Browser } from "../helpers/browser";
import { documentForm, makeCustomer } from "../helpers/business-data";
import { attributesAt, elementsAt, fieldValue, pageText, renderedLines, textsAt } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";
import { HEIC, JPEG, PNG, postMultipart, TEXT, WEBP } from "../helpers/uploads";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;
beforeAll(async () => {
  // Empty values win over a developer's .env: every optional integration is off.
  server = await startAppServer({ GOOGLE_MAPS_API_KEY: "", RENTCAST_API_KEY: "", AI_API_KEY: "", AI_VISION_MODEL: "" });
});
afterAll(async () => {
  await server?.stop();
  await prisma.$disconnect();
});

async function account(businessName = "Test Plumbing") {
  const { user, business } = await createAccount({ businessName });
  return { browser: await signedInBrowser(server, user), businessId: business.id, user };
}

const expenseFields = (overrides: Record<string, string> = {}) => ({
  intent: "save",
  vendor: "Ferguson Supply",
  amount: "123.45",
  spentOn: "2026-11-03",
  category: "MATERIALS",
  customerId: "",
  invoiceId: "",
  notes: "",
  receiptId: "",
  ...overrides,
});

async function createExpense(browser: Browser, overrides: Record<string, string> = {}, file?: Parameters<typeof postMultipart>[3]) {
  const res = await postMultipart(browser, "/expenses/new", expenseFields(overrides), file);
  expect(res.status, await res.clone().text()).toBe(302);
  const id = /^\/expenses\/([A-Za-z0-9_-]+)$/.exec(res.headers.get("Location") ?? "")?.[1];
  expect(id).toBeTruthy();
  return id!;
}

describe("expenses", () => {
  it("records an expense in integer cents of the business currency and shows it", async () => {
    const { browser, businessId } = await account();
    const customer = await makeCustomer(businessId, { name: "Robin Homeowner" });
    const id = await createExpense(browser, { customerId: customer.id, notes: "Shutoff valves\nfor the kitchen" });
    const row = await prisma.expense.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({
      businessId,
      vendor: "Ferguson Supply",
      amountCents: 12345,
      currency: "USD",
      category: "MATERIALS",
      customerId: customer.id,
      notes: "Shutoff valves\nfor the kitchen",
    });
    expect(row.spentOn.toISOString().slice(0, 10)).toBe("2026-11-03");

    const page = await (await browser.get(`/expenses/${id}`)).text();
    expect(fieldValue(page, "vendor")).toBe("Ferguson Supply");
    expect(fieldValue(page, "amount")).toBe("123.45");
    expect(fieldValue(page, "spentOn")).toBe("2026-11-03");
    expect(fieldValue(page, "category")).toBe("MATERIALS");
    expect(fieldValue(page, "customerId")).toBe(customer.id);

    const list = pageText(await (await browser.get("/expenses")).text());
    expect(list).toContain("Ferguson Supply");
    expect(list).toContain("$123.45");
    expect(list).toContain("Robin Homeowner");
  });

  it("refuses bad input with 400, field messages and nothing saved", async () => {
    const { browser, businessId } = await account();
    const cases: [Record<string, string>, string][] = [
      [{ vendor: "" }, "Enter who you paid"],
      [{ amount: "abc" }, "Enter an amount above zero"],
      [{ amount: "0" }, "Enter an amount above zero"],
      [{ amount: "12.345" }, "Enter an amount above zero"],
      [{ amount: "20000000" }, "Amounts above 10,000,000 are not accepted"],
      [{ spentOn: "2026-02-30" }, "That date does not exist"],
      [{ category: "YACHTS" }, "Choose a category"],
      [{ vendor: "x".repeat(101) }, "Use at most 100 characters"],
    ];
    for (const [overrides, message] of cases) {
      const res = await postMultipart(browser, "/expenses/new", expenseFields({ vendor: "Kept Vendor", ...overrides }));
      expect(res.status, JSON.stringify(overrides)).toBe(400);
      const html = await res.text();
      expect(pageText(html)).toContain(message);
      if (!("vendor" in overrides)) expect(fieldValue(html, "vendor")).toBe("Kept Vendor");
    }
    expect(await prisma.expense.count({ where: { businessId } })).toBe(0);
  });

  it("edits and deletes an expense", async () => {
    const { browser, businessId } = await account();
    const id = await createExpense(browser);
    const edit = await postMultipart(
      browser,
      `/expenses/${id}`,
      expenseFields({ vendor: "Home Depot", amount: "9.99", category: "TOOLS", spentOn: "2026-10-31" }),
    );
    expect(edit.status).toBe(302);
    expect(await prisma.expense.findUniqueOrThrow({ where: { id } })).toMatchObject({ vendor: "Home Depot", amountCents: 999, category: "TOOLS" });

    const del = await browser.post(`/expenses/${id}`, { intent: "delete" });
    expect(del.status).toBe(302);
    expect(del.headers.get("Location")).toBe("/expenses");
    expect(await prisma.expense.count({ where: { businessId } })).toBe(0);
    expect((await browser.get(`/expenses/${id}`)).status).toBe(404);
  });

  it("filters by month, category, customer and vendor, with totals per month", async () => {
    const { browser, businessId } = await account();
    const customer = await makeCustomer(businessId, { name: "Filter Customer" });
    await prisma.expense.createMany({
      data: [
        { businessId, vendor: "Lumber Yard", amountCents: 10_000, currency: "USD", spentOn: new Date("2026-10-02"), category: "MATERIALS" },
        {
          businessId,
          vendor: "Lumber Yard",
          amountCents: 2_550,
          currency: "USD",
          spentOn: new Date("2026-10-30"),
          category: "MATERIALS",
          customerId: customer.id,
        },
        { businessId, vendor: "Shell", amountCents: 6_000, currency: "USD", spentOn: new Date("2026-11-01"), category: "FUEL" },
        { businessId, vendor: "100%_Odd Vendor", amountCents: 1, currency: "USD", spentOn: new Date("2026-11-15"), category: "OTHER" },
      ],
    });
    const totals = async (query: string) => {
      const html = await (await browser.get(`/expenses${query}`)).text();
      const rows = textsAt(html, 'tr[data-testid="month-total"]');
      const vendors = elementsAt(html, 'tr[data-testid="expense-row"]').map((row) => row.querySelector('a[href^="/expenses/"]')!.text);
      return { rows, vendors };
    };
    expect(await totals("")).toEqual({
      rows: ["November 2026 2 $60.01", "October 2026 2 $125.50"],
      vendors: ["100%_Odd Vendor", "Shell", "Lumber Yard", "Lumber Yard"],
    });
    expect((await totals("?month=2026-10")).rows).toEqual(["October 2026 2 $125.50"]);
    expect((await totals("?category=FUEL")).vendors).toEqual(["Shell"]);
    expect((await totals(`?customerId=${customer.id}`)).rows).toEqual(["October 2026 1 $25.50"]);
    expect((await totals("?q=lumber")).rows).toEqual(["October 2026 2 $125.50"]);
    // LIKE wildcards typed into the search are literal characters.
    expect((await totals("?q=%25_")).vendors).toEqual(["100%_Odd Vendor"]);
    // Nonsense filters are ignored rather than failing the page.
    expect((await browser.get("/expenses?month=2026-13&category=YACHTS&after=garbage")).status).toBe(200);
  });

  it("pages through many expenses newest first", async () => {
    const { browser, businessId } = await account();
    await prisma.expense.createMany({
      data: Array.from({ length: 55 }, (_, i) => ({
        businessId,
        vendor: `Vendor ${String(i).padStart(2, "0")}`,
        amountCents: 100 + i,
        currency: "USD",
        spentOn: new Date(Date.UTC(2026, 9, 1 + (i % 28))),
        category: "OTHER" as const,
      })),
    });
    const first = await (await browser.get("/expenses")).text();
    const next = /href="(\/expenses\?after=[^"]+)"/.exec(first)?.[1];
    expect(next).toBeTruthy();
    const second = await (await browser.get(next!.replaceAll("&amp;", "&"))).text();
    const count = (html: string) => [...html.matchAll(/data-testid="expense-row"/g)].length;
    expect(count(first)).toBe(50);
    expect(count(second)).toBe(5);
  });

  it("only links customers and invoices of the same business", async () => {
    const { browser, businessId } = await account();
    const other = await account("Other Business");
    const foreignCustomer = await makeCustomer(other.businessId);
    const mine = await makeCustomer(businessId);
    const res = await postMultipart(browser, "/expenses/new", expenseFields({ customerId: foreignCustomer.id }));
    expect(res.status).toBe(400);
    expect(pageText(await res.text())).toContain("Choose one of your customers");
    const foreignInvoice = await prisma.invoice.create({
      data: {
        businessId: other.businessId,
        customerId: foreignCustomer.id,
        number: 1,
        currency: "USD",
        issueDate: new Date(),
        dueDate: new Date(),
        subtotalCents: 100,
        discountCents: 0,
        taxCents: 0,
        totalCents: 100,
      },
    });
    const res2 = await postMultipart(browser, "/expenses/new", expenseFields({ customerId: mine.id, invoiceId: foreignInvoice.id }));
    expect(res2.status).toBe(400);
    expect(pageText(await res2.text())).toContain("Choose one of your invoices");
    expect(await prisma.expense.count({ where: { businessId } })).toBe(0);
  });

  it("keeps another business's expenses out of reach (404) and unchanged", async () => {
    const owner = await account("Owner Co");
    const intruder = await account("Intruder Co");
    const id = await createExpense(owner.browser, {}, { filename: "r.png", contentType: "image/png", data: PNG });
    expect((await intruder.browser.get(`/expenses/${id}`)).status).toBe(404);
    expect((await intruder.browser.get(`/expenses/${id}/receipt`)).status).toBe(404);
    expect((await intruder.browser.post(`/expenses/${id}`, { intent: "delete" })).status).toBe(404);
    expect((await intruder.browser.post(`/expenses/${id}`, { intent: "remove-receipt" })).status).toBe(404);
    expect((await postMultipart(intruder.browser, `/expenses/${id}`, expenseFields({ vendor: "Hijacked" }))).status).toBe(404);
    const list = await (await intruder.browser.get("/expenses")).text();
    expect(list).not.toContain(id);
    const row = await prisma.expense.findUniqueOrThrow({ where: { id }, include: { receipt: { select: { id: true } } } });
    expect(row.vendor).toBe("Ferguson Supply");
    expect(row.receipt).not.toBeNull();
    // Signed out: the login page, not the photo.
    const anonymous = await fetch(`${server.url}/expenses/${id}/receipt`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toMatch(/^\/login/);
  });
});

describe("receipt photos", () => {
  it.each([
    ["receipt.jpg", "image/jpeg", JPEG],
    ["receipt.png", "image/png", PNG],
    // The declared type is ignored: the bytes decide.
    ["IMG_0001.webp", "application/octet-stream", WEBP],
  ])("stores %s and serves it only to its business, with its sniffed type and nosniff", async (filename, declared, data) => {
    const { browser } = await account();
    const id = await createExpense(browser, {}, { filename, contentType: declared, data });
    const page = await (await browser.get(`/expenses/${id}`)).text();
    const src = attributesAt(page, "img", "src").find((s) => /^\/expenses\/[^/]+\/receipt\?v=\d+$/.test(s));
    expect(src).toBeTruthy();
    const res = await browser.get(src!);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe(data === JPEG ? "image/jpeg" : data === PNG ? "image/png" : "image/webp");
    expect(res.headers.get("X-Content-Type-Options")).toMatch(/^nosniff/);
    expect(res.headers.get("Cache-Control")).toMatch(/^private/);
    expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);
  });

  it.each([
    ["a .txt renamed .jpg", { filename: "receipt.jpg", contentType: "image/jpeg", data: TEXT }, "That file is not a JPEG, PNG or WebP photo"],
    ["an HEIC photo", { filename: "IMG_1234.HEIC", contentType: "image/heic", data: HEIC }, "HEIC photos are not accepted"],
    ["a PDF", { filename: "receipt.pdf", contentType: "application/pdf", data: Buffer.from("%PDF-1.7\n%âãÏÓ\n1 0 obj") }, "PDF receipts are not accepted"],
    [
      "an SVG",
      { filename: "r.svg", contentType: "image/svg+xml", data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') },
      "That file is not a JPEG, PNG or WebP photo",
    ],
    [
      "a photo over 5 MB",
      { filename: "big.jpg", contentType: "image/jpeg", data: Buffer.concat([JPEG, Buffer.alloc(5 * 1024 * 1024)]) },
      "Receipt photos must be 5 MB or smaller",
    ],
  ])("refuses %s with 400, keeps the typed values and saves nothing", async (_name, file, message) => {
    const { browser, businessId } = await account();
    const res = await postMultipart(browser, "/expenses/new", expenseFields({ vendor: "Typed Vendor" }), file);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(pageText(html)).toContain(message);
    expect(fieldValue(html, "vendor")).toBe("Typed Vendor");
    expect(await prisma.expense.count({ where: { businessId } })).toBe(0);
    expect(await prisma.expenseReceipt.count({ where: { businessId } })).toBe(0);
  });

  it("refuses a body over the server's 6 MB cap with 413", async () => {
    const { browser, businessId } = await account();
    const res = await postMultipart(browser, "/expenses/new", expenseFields(), {
      filename: "huge.jpg",
      contentType: "image/jpeg",
      data: Buffer.concat([JPEG, Buffer.alloc(7 * 1024 * 1024)]),
    }).catch((error: Error) => ({ status: 413, error }));
    expect(res.status).toBe(413);
    expect(await prisma.expense.count({ where: { businessId } })).toBe(0);
  });

  it("replaces and removes the photo; a bad replacement keeps the old one", async () => {
    const { browser, businessId } = await account();
    const id = await createExpense(browser, {}, { filename: "a.png", contentType: "image/png", data: PNG });
    const bad = await postMultipart(browser, `/expenses/${id}`, expenseFields(), { filename: "b.jpg", contentType: "image/jpeg", data: TEXT });
    expect(bad.status).toBe(400);
    expect((await prisma.expenseReceipt.findFirstOrThrow({ where: { expenseId: id } })).mimeType).toBe("image/png");
    expect((await postMultipart(browser, `/expenses/${id}`, expenseFields(), { filename: "b.jpg", contentType: "image/jpeg", data: JPEG })).status).toBe(302);
    expect(await prisma.expenseReceipt.findMany({ where: { businessId }, select: { mimeType: true } })).toEqual([{ mimeType: "image/jpeg" }]);
    // Saving without choosing a file keeps the photo.
    expect((await postMultipart(browser, `/expenses/${id}`, expenseFields({ vendor: "Renamed" }))).status).toBe(302);
    expect(await prisma.expenseReceipt.count({ where: { expenseId: id } })).toBe(1);
    expect((await browser.post(`/expenses/${id}`, { intent: "remove-receipt" })).status).toBe(302);
    expect(await prisma.expenseReceipt.count({ where: { businessId } })).toBe(0);
    expect((await browser.get(`/expenses/${id}/receipt`)).status).toBe(404);
  });

  it("does not attach another business's draft photo, and cleanup removes stale drafts", async () => {
    const { browser, businessId } = await account();
    const other = await account("Drafts Elsewhere");
    const draft = await prisma.expenseReceipt.create({ data: { businessId: other.businessId, bytes: PNG, mimeType: "image/png", byteSize: PNG.length } });
    const res = await postMultipart(browser, "/expenses/new", expenseFields({ receiptId: draft.id }));
    expect(res.status).toBe(400);
    expect(pageText(await res.text())).toContain("The receipt photo that was read is no longer available");
    expect(await prisma.expense.count({ where: { businessId } })).toBe(0);
    expect((await prisma.expenseReceipt.findUniqueOrThrow({ where: { id: draft.id } })).expenseId).toBeNull();

    const { cleanupExpired } = await import("~/models/cleanup.server");
    await prisma.expenseReceipt.update({ where: { id: draft.id }, data: { createdAt: new Date(Date.now() - 25 * 3600_000) } });
    const summary = await cleanupExpired();
    expect(summary.draftReceipts).toBeGreaterThanOrEqual(1);
    expect(await prisma.expenseReceipt.count({ where: { id: draft.id } })).toBe(0);
  });
});

describe("optional integrations switched off", () => {
  it("renders every page without the optional buttons", async () => {
    const { browser, businessId } = await account();
    const customer = await prisma.customer.create({
      data: { businessId, name: "Casey", addressLine1: "5500 Grand Lake Dr", city: "San Antonio", region: "TX", postalCode: "78244" },
    });
    const expenseId = await createExpense(browser, {}, { filename: "a.png", contentType: "image/png", data: PNG });
    const pages = {
      customer: `/customers/${customer.id}`,
      streetView: `/customers/${customer.id}?streetView=1`,
      newInvoice: "/invoices/new",
      newEstimate: "/estimates/new",
      newExpense: "/expenses/new",
      expense: `/expenses/${expenseId}`,
      newCustomer: "/customers/new",
      business: "/settings/business",
    };
    for (const [name, path] of Object.entries(pages)) {
      const res = await browser.get(path);
      expect(res.status, name).toBe(200);
      const text = pageText(await res.text());
      expect(text, name).not.toMatch(/Look up property details|Show Street View|Add lines with AI|Read receipt|suggestions \(powered by Google\)/);
    }
    expect(pageText(await (await browser.get("/invoices/new")).text())).toContain("Add lines from text");
    expect(await browser.get(`/customers/${customer.id}?streetView=1`).then((r) => r.text())).not.toContain("/street-view");
  });

  it("answers the optional endpoints and intents with clear refusals", async () => {
    const { browser, businessId } = await account();
    const customer = await prisma.customer.create({
      data: { businessId, name: "Casey", addressLine1: "5500 Grand Lake Dr", city: "San Antonio", region: "TX", postalCode: "78244" },
    });
    const suggest = await browser.post("/address/suggest", { q: "5500 Grand", session: "0123456789abcdef0123" });
    expect(suggest.status).toBe(404);
    expect(await suggest.json()).toEqual({ error: "Google Maps is not set up on this server." });
    expect((await browser.get(`/customers/${customer.id}/street-view`)).status).toBe(404);

    const lookup = await browser.post(`/customers/${customer.id}`, { intent: "property-lookup" });
    expect(lookup.status).toBe(503);
    expect(pageText(await lookup.text())).toContain("Rentcast is not set up on this server.");
    expect(await prisma.propertyLookupUsage.count({ where: { businessId } })).toBe(0);

    const ai = await browser.post("/invoices/new", documentForm({ customerId: customer.id }, { intent: "quick-lines-ai", quickText: "2x p-trap $12" }));
    expect(ai.status).toBe(400);
    expect(pageText(await ai.text())).toContain("The AI assistant is not set up on this server");

    const read = await postMultipart(browser, "/expenses/new", expenseFields({ intent: "read-receipt" }), {
      filename: "r.jpg",
      contentType: "image/jpeg",
      data: JPEG,
    });
    expect(read.status).toBe(400);
    expect(pageText(await read.text())).toContain("Reading receipts is not set up on this server");
    expect(await prisma.expenseReceipt.count({ where: { businessId } })).toBe(0);
  });
});

describe("quick line items without a key (JavaScript off)", () => {
  it("adds the parsed lines to the form, replacing the empty one, and saves nothing", async () => {
    const { browser, businessId } = await account();
    const customer = await makeCustomer(businessId);
    const form = documentForm(
      { customerId: customer.id, lines: [{ description: "", quantity: "1", unitPrice: "" }] },
      { intent: "quick-lines", quickText: "3 hours labor @ $45/hr, kitchen sink install, 2x p-trap $12" },
    );
    const res = await browser.post("/invoices/new", form);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(renderedLines(html)).toEqual([
      { description: "Labor (hours)", quantity: "3", unitPrice: "45.00" },
      { description: "Kitchen sink install", quantity: "1", unitPrice: "" },
      { description: "P-trap", quantity: "2", unitPrice: "12.00" },
    ]);
    expect(pageText(html)).toContain("Added 3 lines: check them, fill in the missing price, then save the invoice. Nothing is saved yet.");
    // The rest of the form is kept; the text box is emptied.
    expect(fieldValue(html, "customerId")).toBe(customer.id);
    expect(fieldValue(html, "quickText")).toBe("");
    expect(await prisma.invoice.count({ where: { businessId } })).toBe(0);

    // The contractor fills in the missing price and saves the form as rendered.
    const save = await browser.post(
      "/invoices/new",
      documentForm({
        customerId: customer.id,
        lines: [
          { description: "Labor (hours)", quantity: "3", unitPrice: "45.00" },
          { description: "Kitchen sink install", quantity: "1", unitPrice: "150.00" },
          { description: "P-trap", quantity: "2", unitPrice: "12.00" },
        ],
      }),
    );
    expect(save.status).toBe(302);
    const invoice = await prisma.invoice.findFirstOrThrow({ where: { businessId }, include: { lines: { orderBy: { position: "asc" } } } });
    expect(invoice.totalCents).toBe(13_500 + 15_000 + 2_400);
    expect(invoice.lines.map((l) => [l.description, l.quantityMilli, l.unitPriceCents])).toEqual([
      ["Labor (hours)", 3000, 4500],
      ["Kitchen sink install", 1000, 15000],
      ["P-trap", 2000, 1200],
    ]);
  });

  it("appends to lines already there, on estimates too", async () => {
    const { browser, businessId } = await account();
    const customer = await makeCustomer(businessId);
    const form = documentForm(
      { customerId: customer.id, lines: [{ description: "Site visit", quantity: "1", unitPrice: "80.00" }] },
      { intent: "quick-lines", quickText: "wax ring $4" },
    );
    const res = await browser.post("/estimates/new", form);
    expect(res.status).toBe(200);
    expect(renderedLines(await res.text())).toEqual([
      { description: "Site visit", quantity: "1", unitPrice: "80.00" },
      { description: "Wax ring", quantity: "1", unitPrice: "4.00" },
    ]);
    expect(await prisma.estimate.count({ where: { businessId } })).toBe(0);
  });

  it("explains text it cannot read with 400 and keeps the form as it was", async () => {
    const { browser, businessId } = await account();
    const customer = await makeCustomer(businessId);
    const form = documentForm(
      { customerId: customer.id, lines: [{ description: "Site visit", quantity: "1", unitPrice: "80.00" }] },
      { intent: "quick-lines", quickText: "p-trap $12, $45" },
    );
    const res = await browser.post("/invoices/new", form);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(pageText(html)).toContain("Could not tell what “$45” is");
    expect(renderedLines(html)).toEqual([{ description: "Site visit", quantity: "1", unitPrice: "80.00" }]);
    expect(fieldValue(html, "quickText")).toBe("p-trap $12, $45");
    // Only the text box is flagged, not the half-filled rest of the form.
    expect(pageText(html)).not.toContain("Enter a date");
    expect(await prisma.invoice.count({ where: { businessId } })).toBe(0);
  });

  it("works on the edit form of a draft invoice and saves nothing until Save", async () => {
    const { browser, businessId } = await account();
    const customer = await makeCustomer(businessId);
    expect((await browser.post("/invoices/new", documentForm({ customerId: customer.id }))).status).toBe(302);
    const invoice = await prisma.invoice.findFirstOrThrow({ where: { businessId } });
    const res = await browser.post(
      `/invoices/${invoice.id}/edit`,
      documentForm({ customerId: customer.id }, { intent: "quick-lines", quickText: "2 hrs labor @ 90" }),
    );
    expect(res.status).toBe(200);
    expect(renderedLines(await res.text())).toEqual([
      { description: "Labour", quantity: "1", unitPrice: "100.00" },
      { description: "Labor (hours)", quantity: "2", unitPrice: "90.00" },
    ]);
    expect((await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).totalCents).toBe(10_000);
  });
});

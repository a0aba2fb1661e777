// Issue 14's price book and customer picker, as a browser with JavaScript off uses them, over real HTTP
// against the production server and the file's own Postgres: Settings → Items (CRUD, tenancy, bad
// input), the JSON searches the type-ahead uses, and the editor's picker intents, which must keep
// everything typed in the invoice or estimate and save nothing of it.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "~/utils/db.server";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import { documentForm, makeCustomer } from "../helpers/business-data";
import { buttonValues, elementAt, pageText, visibleHtml } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer();
});
afterAll(() => server?.stop());

async function setup(businessName = "Price Book Plumbing") {
  const { user, business } = await createAccount({ businessName });
  const customer = await makeCustomer(business.id, { name: "Dana Client" });
  const browser = await signedInBrowser(server, user);
  return { user, business, customer, browser, businessId: business.id };
}

const text = (html: string) => pageText(html);

/** The value attribute of the input named `name` ("" when valueless, undefined when absent). */
function inputValue(html: string, name: string) {
  const input = elementAt(html, `input[name="${name}"]`);
  return input ? (input.getAttribute("value") ?? "") : undefined;
}

function selectedCustomer(html: string) {
  return elementAt(html, 'select[name="customerId"] option[selected]')?.getAttribute("value") ?? null;
}

const intentsStartingWith = (html: string, prefix: string) => buttonValues(html, "intent").filter((v) => v.startsWith(prefix));

describe("Settings → Items", () => {
  it("adds, lists, searches, edits and deletes items; another business's item is a 404; bad input is a 400 that writes nothing", async () => {
    const { browser, businessId } = await setup();
    let res = await browser.post("/settings/items", { name: "Drain clearing", description: "Clear one drain", unitPrice: "89.50", taxable: "on" });
    expect(res.status).toBe(302);
    res = await browser.post("/settings/items", { name: "Permit fee", unitPrice: "25" });
    expect(res.status).toBe(302);
    const items = await prisma.savedItem.findMany({ where: { businessId }, orderBy: { name: "asc" } });
    expect(items.map((i) => [i.name, i.unitPriceCents, i.taxable, i.description])).toEqual([
      ["Drain clearing", 8950, true, "Clear one drain"],
      ["Permit fee", 2500, false, null],
    ]);

    const page = text(await (await browser.get("/settings/items")).text());
    expect(page).toContain("Item Permit fee saved.");
    expect(page).toContain("Drain clearing");
    const found = await (await browser.get("/settings/items?q=PERMIT")).text();
    expect(text(found)).toContain("Permit fee");
    expect(visibleHtml(found)).not.toContain("Drain clearing");

    // Bad input: 400, field errors, values kept, nothing written.
    for (const bad of [
      { name: "", unitPrice: "10" },
      { name: "Thing", unitPrice: "abc" },
      { name: "Thing", unitPrice: "-5" },
      { name: "Thing", unitPrice: "99999999" },
      { name: "x".repeat(101), unitPrice: "1" },
      { name: "Nul\u0000byte", unitPrice: "1" },
      { name: "Drain clearing", unitPrice: "1" }, // duplicate name
    ]) {
      res = await browser.post("/settings/items", bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    const dup = text(await (await browser.post("/settings/items", { name: "Drain clearing", unitPrice: "1" })).text());
    expect(dup).toContain("You already have an item named “Drain clearing”");
    expect(await prisma.savedItem.count({ where: { businessId } })).toBe(2);

    // Edit and delete.
    const drain = items[0];
    res = await browser.post(`/settings/items/${drain.id}`, { intent: "save", name: "Drain clearing (main)", unitPrice: "95", taxable: "on" });
    expect(res.status).toBe(302);
    expect(await prisma.savedItem.findUniqueOrThrow({ where: { id: drain.id } })).toMatchObject({ name: "Drain clearing (main)", unitPriceCents: 9500 });
    res = await browser.post(`/settings/items/${drain.id}`, { intent: "save", name: "Permit fee", unitPrice: "1" });
    expect(res.status).toBe(400);
    res = await browser.post(`/settings/items/${drain.id}`, { intent: "delete" });
    expect(res.status).toBe(302);
    expect(await prisma.savedItem.count({ where: { businessId } })).toBe(1);

    // Tenancy: another business sees 404 for the page, the edit and the delete, and nothing changes.
    const other = await setup("Other Trades");
    const permit = items[1];
    expect((await other.browser.get(`/settings/items/${permit.id}`)).status).toBe(404);
    expect((await other.browser.post(`/settings/items/${permit.id}`, { intent: "save", name: "Hijack", unitPrice: "1" })).status).toBe(404);
    expect((await other.browser.post(`/settings/items/${permit.id}`, { intent: "delete" })).status).toBe(404);
    expect((await other.browser.get(`/settings/items/not-an-id%00`)).status).toBe(404);
    expect(await prisma.savedItem.findUniqueOrThrow({ where: { id: permit.id } })).toMatchObject({ name: "Permit fee", unitPriceCents: 2500 });
    const otherSearch = await (await other.browser.get("/items/search?q=permit")).json();
    expect(otherSearch.items).toEqual([]);
  });

  it("searches with any text, wildcards included, and never fails", async () => {
    const { browser, businessId } = await setup();
    await prisma.savedItem.createMany({
      data: [
        { businessId, name: "100% copper pipe", unitPriceCents: 1200 },
        { businessId, name: "Under_sink trap", unitPriceCents: 900 },
        { businessId, name: "Back\\slash fitting", unitPriceCents: 500 },
        { businessId, name: "Plain valve", unitPriceCents: 700 },
      ],
    });
    const names = async (q: string) => {
      const res = await browser.get(`/items/search?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      return ((await res.json()) as { items: { name: string }[] }).items.map((i) => i.name).sort();
    };
    expect(await names("%")).toEqual(["100% copper pipe"]);
    expect(await names("_")).toEqual(["Under_sink trap"]);
    expect(await names("\\")).toEqual(["Back\\slash fitting"]);
    expect(await names("VALVE")).toEqual(["Plain valve"]);
    expect(await names("")).toHaveLength(4);
    for (const q of ['\'; DROP TABLE "SavedItem"; --', "\u0000", "x".repeat(5000), "%_\\%", "[a-z]*", "😀"]) {
      expect(Array.isArray(await names(q))).toBe(true);
    }
    // The editor's search without JavaScript and the customer search take the same text.
    const { customer } = await setup();
    void customer;
    for (const q of ["%", "_", "\\", "x".repeat(5000), "\u0000"]) {
      const res = await browser.post("/invoices/new", documentForm({ customerId: "" }, { intent: "search-items", itemQuery: q }));
      expect(res.status, q).toBe(200);
      const res2 = await browser.post("/invoices/new", documentForm({ customerId: "" }, { intent: "search-customers", customerQuery: q }));
      expect(res2.status, q).toBe(200);
      expect((await browser.get(`/customers/search?q=${encodeURIComponent(q)}`)).status).toBe(200);
    }
    expect(await prisma.invoice.count({ where: { businessId } })).toBe(0);
  });
});

describe("the editor's item picker without JavaScript", () => {
  it("searches, then adds the item as a line keeping everything typed; a non-taxable item gets 0 % tax", async () => {
    const { browser, businessId, customer } = await setup();
    await prisma.business.update({ where: { id: businessId }, data: { defaultTaxRate: 8250 } });
    const [taxable, exempt] = await Promise.all([
      prisma.savedItem.create({
        data: { businessId, name: "Water heater install", description: "Install 40 gal water heater", unitPriceCents: 45000, taxable: true },
      }),
      prisma.savedItem.create({ data: { businessId, name: "Permit fee", unitPriceCents: 2500, taxable: false } }),
    ]);
    for (const path of ["/invoices/new", "/estimates/new"]) {
      const typed = documentForm({
        customerId: customer.id,
        taxMode: "PER_LINE",
        notes: "Gate code 4321",
        lines: [{ description: "Typed line", quantity: "2", unitPrice: "10.00", taxRate: "5" }],
      });
      let res = await browser.post(path, { ...typed, intent: "search-items", itemQuery: "permit" });
      expect(res.status).toBe(200);
      let html = await res.text();
      expect(intentsStartingWith(html, "add-item:")).toEqual([`add-item:${exempt.id}`]);
      expect(inputValue(html, "itemQuery")).toBe("permit");
      expect(inputValue(html, "lines[0].description")).toBe("Typed line");
      expect(text(html)).toContain("Gate code 4321");

      res = await browser.post(path, { ...typed, intent: `add-item:${exempt.id}` });
      expect(res.status).toBe(200);
      html = await res.text();
      expect(inputValue(html, "lines[0].description")).toBe("Typed line");
      expect(inputValue(html, "lines[0].unitPrice")).toBe("10.00");
      expect(inputValue(html, "lines[1].description")).toBe("Permit fee");
      expect(inputValue(html, "lines[1].unitPrice")).toBe("25.00");
      expect(inputValue(html, "lines[1].taxRate")).toBe("0");
      expect(selectedCustomer(html)).toBe(customer.id);
      expect(text(html)).toContain("Gate code 4321");
      expect(text(html)).toContain("Added Permit fee as line 2");

      // A taxable item on a still-empty editor replaces the blank line and gets the usual rate.
      res = await browser.post(path, {
        ...documentForm({ customerId: "", lines: [{ description: "", quantity: "1", unitPrice: "" }] }),
        intent: `add-item:${taxable.id}`,
      });
      html = await res.text();
      expect(inputValue(html, "lines[0].description")).toBe("Install 40 gal water heater");
      expect(inputValue(html, "lines[0].taxRate")).toBe("8.25");
      expect(inputValue(html, "lines[1].description")).toBeUndefined();
    }
    expect(await prisma.invoice.count({ where: { businessId } })).toBe(0);
    expect(await prisma.estimate.count({ where: { businessId } })).toBe(0);

    // Another business's item: 404, nothing added.
    const other = await setup("Other Trades");
    const res = await other.browser.post("/invoices/new", { ...documentForm({ customerId: other.customer.id }), intent: `add-item:${exempt.id}` });
    expect(res.status).toBe(404);
    // A malformed intent is refused, not saved.
    const bad = await browser.post("/invoices/new", { ...documentForm({ customerId: customer.id }), intent: "add-item:../../x" });
    expect(bad.status).toBe(400);
    expect(await prisma.invoice.count({ where: { businessId } })).toBe(0);
  });

  it("saves a line as an item, keeps the editor as typed, and refuses a duplicate or an unpriced line", async () => {
    const { browser, businessId, customer } = await setup();
    const typed = documentForm({
      customerId: customer.id,
      taxMode: "PER_LINE",
      lines: [
        { description: "Labour", quantity: "3", unitPrice: "45.00", taxRate: "0" },
        { description: "Shutoff valve", quantity: "1", unitPrice: "12.40", taxRate: "8.25" },
      ],
    });
    let res = await browser.post("/invoices/new", { ...typed, intent: "save-line:1" });
    expect(res.status).toBe(200);
    let html = await res.text();
    expect(text(html)).toContain("Saved line 2 as the item “Shutoff valve”");
    expect(inputValue(html, "lines[0].description")).toBe("Labour");
    expect(inputValue(html, "lines[1].unitPrice")).toBe("12.40");
    res = await browser.post("/invoices/new", { ...typed, intent: "save-line:0" });
    expect(res.status).toBe(200);
    expect(
      await prisma.savedItem.findMany({ where: { businessId }, orderBy: { name: "asc" }, select: { name: true, unitPriceCents: true, taxable: true } }),
    ).toEqual([
      { name: "Labour", unitPriceCents: 4500, taxable: false },
      { name: "Shutoff valve", unitPriceCents: 1240, taxable: true },
    ]);

    res = await browser.post("/invoices/new", { ...typed, intent: "save-line:1" });
    expect(res.status).toBe(400);
    html = await res.text();
    expect(text(html)).toContain("You already have an item named “Shutoff valve”");
    expect(inputValue(html, "lines[0].description")).toBe("Labour");
    const unpriced = documentForm({ customerId: customer.id, lines: [{ description: "Mystery", quantity: "1", unitPrice: "" }] });
    expect((await browser.post("/invoices/new", { ...unpriced, intent: "save-line:0" })).status).toBe(400);
    expect((await browser.post("/invoices/new", { ...unpriced, intent: "save-line:7" })).status).toBe(400);
    expect(await prisma.savedItem.count({ where: { businessId } })).toBe(2);
    expect(await prisma.invoice.count({ where: { businessId } })).toBe(0);
  });
});

describe("the editor's customer picker without JavaScript", () => {
  it("searches and chooses a customer, and adds a new one inline, keeping the typed lines", async () => {
    const { browser, businessId, customer } = await setup();
    const typed = documentForm({ customerId: "", notes: "Back door", lines: [{ description: "Typed line", quantity: "2", unitPrice: "10.00" }] });
    for (const path of ["/invoices/new", "/estimates/new"]) {
      let res = await browser.post(path, { ...typed, intent: "search-customers", customerQuery: "dana" });
      expect(res.status).toBe(200);
      let html = await res.text();
      expect(intentsStartingWith(html, "choose-customer:")).toEqual([`choose-customer:${customer.id}`]);
      res = await browser.post(path, { ...typed, intent: `choose-customer:${customer.id}` });
      html = await res.text();
      expect(selectedCustomer(html)).toBe(customer.id);
      expect(inputValue(html, "lines[0].description")).toBe("Typed line");

      // Bad inline customer: 400, what was typed is kept, nothing is created.
      const before = await prisma.customer.count({ where: { businessId } });
      res = await browser.post(path, { ...typed, intent: "new-customer", newCustomerName: "", newCustomerEmail: "not-an-email" });
      expect(res.status).toBe(400);
      html = await res.text();
      expect(text(html)).toContain("The new customer was not added.");
      expect(inputValue(html, "newCustomerEmail")).toBe("not-an-email");
      expect(inputValue(html, "lines[0].description")).toBe("Typed line");
      expect(await prisma.customer.count({ where: { businessId } })).toBe(before);

      res = await browser.post(path, {
        ...typed,
        intent: "new-customer",
        newCustomerName: `Sam New ${path}`,
        newCustomerEmail: "SAM@Example.com",
        newCustomerPhone: "512 555 0123",
      });
      expect(res.status).toBe(200);
      html = await res.text();
      const created = await prisma.customer.findFirstOrThrow({ where: { businessId, name: `Sam New ${path}` } });
      expect(created).toMatchObject({ email: "sam@example.com", phone: "512 555 0123" });
      expect(selectedCustomer(html)).toBe(created.id);
      expect(inputValue(html, "lines[0].description")).toBe("Typed line");
      expect(inputValue(html, "lines[0].quantity")).toBe("2");
      expect(text(html)).toContain("Back door");
      expect(inputValue(html, "newCustomerName")).toBe("");
      // Then a plain save creates the document for the new customer.
      res = await browser.post(path, documentForm({ customerId: created.id, lines: [{ description: "Typed line", quantity: "2", unitPrice: "10.00" }] }));
      expect(res.status).toBe(302);
    }
    // Another business's customer cannot be chosen.
    const other = await setup("Other Trades");
    expect((await other.browser.post("/invoices/new", { ...typed, intent: `choose-customer:${customer.id}` })).status).toBe(404);
    const json = await (await other.browser.get("/customers/search?q=dana")).json();
    expect(json.customers.map((c: { id: string }) => c.id)).not.toContain(customer.id);
  });
});

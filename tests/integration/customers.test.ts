// Customers over HTTP against the production server, the way a browser with JavaScript off uses
// them: urlencoded POSTs, 302 on success, 400 with field errors and kept values on bad input.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createAccount } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { elementAt, elementsAt, fieldErrors, NodeType } from "../helpers/html";
import { startServer, type TestServer } from "../helpers/production-server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
  await prisma.$disconnect();
});

// ---------------------------------------------------------------------------------------------
// Helpers

async function loggedIn(businessName = "Test Plumbing") {
  const { email, password, user, business } = await createAccount({ businessName });
  // The login rate limit counts per IP and every test logs in from 127.0.0.1.
  await prisma.rateLimitHit.deleteMany();
  const browser = new Browser(server.url);
  const res = await browser.post("/login", { email, password });
  expect(res.status).toBe(302);
  return { browser, user, business, businessId: business.id };
}

/** The customers linked from a list page, in page order. */
function listedCustomers(html: string) {
  const rows: { id: string; name: string }[] = [];
  for (const link of elementsAt(html, 'a[href^="/customers/"]')) {
    const id = /^\/customers\/([A-Za-z0-9_-]+)$/.exec(link.getAttribute("href")!)?.[1];
    if (!id || id === "new" || link.childNodes.some((node) => node.nodeType !== NodeType.TEXT_NODE)) continue;
    rows.push({ id, name: link.text });
  }
  return rows;
}

function nextPageHref(html: string) {
  return elementAt(html, 'a[rel="next"]')?.getAttribute("href") ?? null;
}

async function listNames(browser: Browser, query = "") {
  const res = await browser.get(`/customers${query}`);
  expect(res.status).toBe(200);
  return listedCustomers(await res.text()).map((c) => c.name);
}

function counts(businessId: string) {
  return Promise.all([prisma.customer.count({ where: { businessId } }), prisma.activityEvent.count({ where: { businessId } })]);
}

/** A minimal RFC 4180 parser, so the export is checked cell by cell, not by substring. */
function parseCsv(text: string) {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  if (cell || record.length) {
    record.push(cell);
    records.push(record);
  }
  return records;
}

const CSV_HEADER = ["Name", "Email", "Phone", "Address line 1", "Address line 2", "City", "Region", "Postal code", "Country", "Notes", "Archived", "Created"];

async function exportCsv(browser: Browser) {
  const res = await browser.get("/export/customers.csv");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
  expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"$/);
  // Read the bytes: Response.text() would silently drop the byte order mark.
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const records = parseCsv(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).slice(1));
  expect(records[0]).toEqual(CSV_HEADER);
  return records.slice(1);
}

const validForm = {
  name: "Ada Lovelace",
  email: "  Ada@Example.COM ",
  phone: "+1 (555) 010-0200",
  addressLine1: "12 Analytical Way",
  addressLine2: "",
  city: "London",
  region: "",
  postalCode: "NW1 6XE",
  country: "UK",
  notes: "Gate code 1234\r\nBeware of the dog",
};

async function createViaForm(browser: Browser, form: Record<string, string>) {
  const res = await browser.post("/customers/new", form);
  expect(res.status).toBe(302);
  const id = /^\/customers\/([A-Za-z0-9_-]+)$/.exec(res.headers.get("location") ?? "")?.[1];
  expect(id).toBeTruthy();
  return id!;
}

// ---------------------------------------------------------------------------------------------

describe("creating a customer", () => {
  it("saves a valid form with a 302 to the new customer, normalising what was typed", async () => {
    const { browser, businessId } = await loggedIn();
    const [before] = await counts(businessId);
    const id = await createViaForm(browser, validForm);
    expect((await counts(businessId))[0]).toBe(before + 1);

    const row = await prisma.customer.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({
      businessId,
      name: "Ada Lovelace",
      email: "ada@example.com",
      phone: "+1 (555) 010-0200",
      addressLine1: "12 Analytical Way",
      addressLine2: null,
      city: "London",
      region: null,
      postalCode: "NW1 6XE",
      country: "UK",
      notes: "Gate code 1234\nBeware of the dog",
      archivedAt: null,
    });

    const page = await browser.get(`/customers/${id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Customer Ada Lovelace added.");
    expect(html).toContain("ada@example.com");
    expect(html).toContain("Gate code 1234<br/>Beware of the dog");
    expect(html).toContain(`href="/invoices/new?customerId=${id}"`);
    expect(html).toContain(`href="/estimates/new?customerId=${id}"`);
  });

  it("ignores a businessId smuggled into the form", async () => {
    const { browser, businessId } = await loggedIn();
    const other = await createAccount({ businessName: "Victim Co" });
    const id = await createViaForm(browser, { name: "Smuggler", businessId: other.business.id });
    expect((await prisma.customer.findUniqueOrThrow({ where: { id } })).businessId).toBe(businessId);
    expect(await prisma.customer.count({ where: { businessId: other.business.id } })).toBe(0);
  });

  it("shows the form with every field to a signed-in user", async () => {
    const { browser } = await loggedIn();
    const res = await browser.get("/customers/new");
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const field of ["name", "email", "phone", "addressLine1", "addressLine2", "city", "region", "postalCode", "country", "notes"]) {
      expect(html).toContain(`name="${field}"`);
    }
    // The browser enforces the same limits before the server sees the form.
    expect(html).toMatch(/name="name"[^>]*maxLength="100"/);
    expect(html).toMatch(/name="email"[^>]*maxLength="254"/);
    expect(html).toMatch(/name="notes"[^>]*maxLength="2000"/);
  });

  it.each([
    ["an invalid email", { email: "ada@@example" }, "email", "Enter a valid email address, like name@example.com"],
    ["a missing name", { name: "" }, "name", "Enter the customer's name"],
    ["a blank name", { name: "    " }, "name", "Enter the customer's name"],
    ["an overlong name", { name: "N".repeat(101) }, "name", "Use at most 100 characters"],
    ["overlong notes", { notes: "x".repeat(2001) }, "notes", "Use at most 2000 characters"],
    ["an overlong postal code", { postalCode: "1".repeat(21) }, "postalCode", "Use at most 20 characters"],
    ["an overlong address line", { addressLine1: "a".repeat(201) }, "addressLine1", "Use at most 200 characters"],
    ["a phone with letters", { phone: "555-CALL-NOW" }, "phone", "Use only digits, spaces and + - ( ) ."],
    ["a phone with too few digits", { phone: "555-12" }, "phone", "Enter a phone number with at least 7 digits"],
    ["a NUL byte, which Postgres would refuse", { city: "Lon\u0000don" }, "city", "Remove the invisible control characters"],
  ])("rejects %s with a 400, the field's error and nothing written", async (_label, override, field, message) => {
    const { browser, businessId } = await loggedIn();
    const before = await counts(businessId);
    const form = { ...validForm, ...override };
    const res = await browser.post("/customers/new", form);
    expect(res.status).toBe(400);
    const html = await res.text();
    // The error is rendered next to its input, wired up for screen readers.
    expect(fieldErrors(html, `new-customer-${field}-error`).join(" ")).toContain(message);
    expect(elementAt(html, `[name="${field}"]`)?.getAttribute("aria-invalid")).toBe("true");
    // What was typed is kept (JavaScript off: the server renders the values back).
    for (const [name, value] of Object.entries(form)) {
      if (name === "notes" || value === "" || /[\u0000-\u001f]/.test(value)) continue;
      expect(elementAt(html, `input[name="${name}"]`)?.getAttribute("value"), name).toBe(value);
    }
    expect(await counts(businessId)).toEqual(before);
  });

  it("keeps markup as text and renders it escaped everywhere", async () => {
    const { browser, businessId } = await loggedIn();
    const evil = `<script>alert("pwned")</script><img src=x onerror=alert(1)>`;
    const id = await createViaForm(browser, { name: evil, notes: evil, city: "<b>bold</b>" });
    const row = await prisma.customer.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ businessId, name: evil, notes: evil, city: "<b>bold</b>" });

    for (const path of [`/customers/${id}`, "/customers", `/customers/${id}/edit`]) {
      const html = await (await browser.get(path)).text();
      expect(html, path).not.toContain("<script>alert");
      expect(html, path).not.toContain("<img src=x");
      expect(html, path).not.toContain("<b>bold</b>");
      expect(html, path).toContain("&lt;script&gt;alert(");
    }
  });

  it("sends a visitor without a session to the login page and writes nothing", async () => {
    const before = await prisma.customer.count();
    const anonymous = new Browser(server.url);
    for (const path of ["/customers", "/customers/new"]) {
      const res = await anonymous.get(path);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    }
    const res = await anonymous.post("/customers/new", { name: "Nobody" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login/);
    expect(await prisma.customer.count()).toBe(before);
  });
});

describe("editing a customer", () => {
  it("shows the saved values, saves changes and clears emptied fields", async () => {
    const { browser, businessId } = await loggedIn();
    const id = await createViaForm(browser, validForm);
    const form = await browser.get(`/customers/${id}/edit`);
    expect(form.status).toBe(200);
    const formHtml = await form.text();
    expect(formHtml).toContain('value="Ada Lovelace"');
    expect(formHtml).toContain('value="ada@example.com"');
    expect(formHtml).toContain("Gate code 1234\nBeware of the dog</textarea>");

    const res = await browser.post(`/customers/${id}/edit`, { ...validForm, name: "Ada King", phone: "", notes: "", region: "Greater London" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/customers/${id}`);
    const row = await prisma.customer.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ businessId, name: "Ada King", phone: null, notes: null, region: "Greater London", email: "ada@example.com" });
    expect(await (await browser.get(`/customers/${id}`)).text()).toContain("Customer Ada King saved.");
  });

  it("rejects bad input with a 400 and leaves the row as it was", async () => {
    const { browser } = await loggedIn();
    const id = await createViaForm(browser, validForm);
    const before = await prisma.customer.findUniqueOrThrow({ where: { id } });
    const res = await browser.post(`/customers/${id}/edit`, { ...validForm, name: "Changed", email: "not an email" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("Enter a valid email address, like name@example.com");
    expect(html).toContain('value="Changed"');
    expect(html).toContain('value="not an email"');
    expect(await prisma.customer.findUniqueOrThrow({ where: { id } })).toEqual(before);
  });

  it.each(["/customers/does-not-exist", "/customers/does-not-exist/edit", "/customers/%00", "/customers/x%00y/edit", `/customers/${"a".repeat(300)}`])(
    "answers 404, not 500, for the unknown id %s",
    async (path) => {
      const { browser } = await loggedIn();
      expect((await browser.get(path)).status).toBe(404);
    },
  );
});

describe("archiving", () => {
  it("hides an archived customer from the list until restored; archived ones are shown on request", async () => {
    const { browser, businessId } = await loggedIn();
    const id = await createViaForm(browser, { name: "Archie Archived" });
    await createViaForm(browser, { name: "Stella Stays" });
    expect(await listNames(browser)).toEqual(["Archie Archived", "Stella Stays"]);

    const archive = await browser.post(`/customers/${id}`, { intent: "archive" });
    expect(archive.status).toBe(302);
    expect(archive.headers.get("location")).toBe(`/customers/${id}`);
    const archivedAt = (await prisma.customer.findUniqueOrThrow({ where: { id } })).archivedAt;
    expect(archivedAt).toBeInstanceOf(Date);
    expect(await listNames(browser)).toEqual(["Stella Stays"]);
    expect(await listNames(browser, "?q=Archie")).toEqual([]);
    expect(await listNames(browser, "?archived=1")).toEqual(["Archie Archived", "Stella Stays"]);

    // The detail page says so and offers no new invoice for an archived customer.
    const detail = await (await browser.get(`/customers/${id}`)).text();
    expect(detail).toContain('<span class="muted"> (archived)</span>');
    expect(detail).toContain("Restore this customer to create invoices");
    expect(detail).not.toContain("/invoices/new?customerId=");
    expect(detail).toContain('value="restore"');

    // Archiving twice keeps the first timestamp.
    expect((await browser.post(`/customers/${id}`, { intent: "archive" })).status).toBe(302);
    expect((await prisma.customer.findUniqueOrThrow({ where: { id } })).archivedAt).toEqual(archivedAt);

    const restore = await browser.post(`/customers/${id}`, { intent: "restore" });
    expect(restore.status).toBe(302);
    expect((await prisma.customer.findUniqueOrThrow({ where: { id } })).archivedAt).toBeNull();
    expect(await listNames(browser)).toEqual(["Archie Archived", "Stella Stays"]);
    expect(await prisma.activityEvent.count({ where: { businessId, customerId: id, type: { in: ["customer.archived", "customer.restored"] } } })).toBe(2);
  });

  it("answers an unknown intent with a 400 and changes nothing", async () => {
    const { browser } = await loggedIn();
    const id = await createViaForm(browser, { name: "Ivy Intent" });
    const before = await prisma.customer.findUniqueOrThrow({ where: { id } });
    for (const form of [{ intent: "delete" }, {}] as Record<string, string>[]) {
      const res = await browser.post(`/customers/${id}`, form);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("That action is not available");
    }
    expect(await prisma.customer.findUniqueOrThrow({ where: { id } })).toEqual(before);
  });
});

describe("search and pages", () => {
  it("finds customers by name, email and phone, case-insensitively", async () => {
    const { browser } = await loggedIn();
    await createViaForm(browser, { name: "Zed Alpha", email: "zed@quartz.example", phone: "555 0101 22" });
    await createViaForm(browser, { name: "Yvonne Beta", email: "yvonne@Alpha-Roofing.example", phone: "555 0199 00" });
    await createViaForm(browser, { name: "Xavier Gamma", email: "x@gamma.example", phone: "+44 20 7946 0958" });
    await createViaForm(browser, { name: "100% Pure_Plumbing", email: "pure@pp.example" });
    await createViaForm(browser, { name: "Back\\slash Co" });

    expect(await listNames(browser, "?q=alpha")).toEqual(["Yvonne Beta", "Zed Alpha"]);
    expect(await listNames(browser, "?q=ZED")).toEqual(["Zed Alpha"]);
    expect(await listNames(browser, "?q=QUARTZ.example")).toEqual(["Zed Alpha"]);
    expect(await listNames(browser, "?q=7946")).toEqual(["Xavier Gamma"]);
    expect(await listNames(browser, `?q=${encodeURIComponent("+44 20")}`)).toEqual(["Xavier Gamma"]);
    expect(await listNames(browser, "?q=555%2001")).toEqual(["Yvonne Beta", "Zed Alpha"]);
    expect(await listNames(browser, "?q=nobody-has-this")).toEqual([]);
    // LIKE wildcards are searched for literally, not as wildcards.
    expect(await listNames(browser, "?q=%25")).toEqual(["100% Pure_Plumbing"]);
    expect(await listNames(browser, "?q=_")).toEqual(["100% Pure_Plumbing"]);
    expect(await listNames(browser, "?q=%5C")).toEqual(["Back\\slash Co"]);
    // A blank search lists everyone; control characters and absurd lengths are not a 500.
    expect(await listNames(browser, "?q=%20%20")).toHaveLength(5);
    expect((await browser.get("/customers?q=%00")).status).toBe(200);
    expect((await browser.get(`/customers?q=${"a".repeat(5000)}`)).status).toBe(200);
  });

  it("walks ~60 customers 25 at a time, listing each exactly once in (name, id) order", async () => {
    const { browser, businessId } = await loggedIn();
    const data = [
      ...Array.from({ length: 45 }, (_, i) => ({ businessId, name: `Customer ${String(i).padStart(2, "0")}` })),
      // Equal names: the id breaks the tie, so none is skipped or repeated at a page boundary.
      ...Array.from({ length: 15 }, () => ({ businessId, name: "Same Name" })),
      { businessId, name: "archived one", archivedAt: new Date() },
    ];
    await prisma.customer.createMany({ data });
    const expected = await prisma.customer.findMany({
      where: { businessId, archivedAt: null },
      orderBy: [{ name: "asc" }, { id: "asc" }],
      select: { id: true },
    });
    expect(expected).toHaveLength(60);

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let href: string | null = "/customers";
    while (href) {
      const res = await browser.get(href);
      expect(res.status).toBe(200);
      const html = await res.text();
      const rows = listedCustomers(html);
      pageSizes.push(rows.length);
      seen.push(...rows.map((r) => r.id));
      href = nextPageHref(html);
      if (href) expect(href).toMatch(/^\/customers\?after=[A-Za-z0-9_-]+$/);
    }
    expect(pageSizes).toEqual([25, 25, 10]);
    expect(new Set(seen).size).toBe(60);
    expect(seen).toEqual(expected.map((c) => c.id));
  });

  it("keeps the search and the archived toggle in the next-page link", async () => {
    const { browser, businessId } = await loggedIn();
    await prisma.customer.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({ businessId, name: `Match ${i}`, archivedAt: i % 2 ? new Date() : null })),
    });
    await prisma.customer.createMany({ data: Array.from({ length: 30 }, (_, i) => ({ businessId, name: `Other ${i}` })) });
    const first = await (await browser.get("/customers?q=match&archived=1")).text();
    expect(listedCustomers(first)).toHaveLength(25);
    const next = nextPageHref(first)!;
    expect(next).toMatch(/q=match/);
    expect(next).toMatch(/archived=1/);
    const second = listedCustomers(await (await browser.get(next)).text());
    expect(second).toHaveLength(5);
    expect(second.every((c) => c.name.startsWith("Match"))).toBe(true);
  });

  it("treats a tampered cursor as the first page, never a 500", async () => {
    const { browser } = await loggedIn();
    await createViaForm(browser, { name: "Only One" });
    const tampered = Buffer.from(JSON.stringify(["\u0000", "x"])).toString("base64url");
    for (const after of ["garbage", "%00", tampered, Buffer.from("{}").toString("base64url")]) {
      const res = await browser.get(`/customers?after=${after}`);
      expect(res.status, after).toBe(200);
    }
  });
});

describe("history and balance", () => {
  it("lists the customer's estimates, invoices and payments newest first with the balance owed", async () => {
    const { browser, businessId } = await loggedIn();
    const customerId = await createViaForm(browser, { name: "Hattie History" });
    const otherCustomerId = await createViaForm(browser, { name: "Someone Else" });
    const base = { businessId, currency: "USD", subtotalCents: 0, discountCents: 0, taxCents: 0 };
    const invoice = (
      number: number,
      status: "DRAFT" | "SENT" | "VIEWED" | "PARTIALLY_PAID" | "PAID" | "VOID",
      totalCents: number,
      amountPaidCents: number,
      issueDate: string,
      customer = customerId,
    ) =>
      prisma.invoice.create({
        data: { ...base, customerId: customer, number, status, totalCents, amountPaidCents, issueDate: new Date(issueDate), dueDate: new Date("2099-01-01") },
      });
    const sent = await invoice(1, "SENT", 10_000, 0, "2024-01-10");
    const partial = await invoice(2, "PARTIALLY_PAID", 20_000, 5_000, "2024-03-10");
    await invoice(3, "VIEWED", 1_234, 0, "2024-02-10");
    await invoice(4, "PAID", 50_000, 50_000, "2024-04-10");
    await invoice(5, "DRAFT", 70_000, 0, "2024-05-10");
    await invoice(6, "VOID", 80_000, 0, "2024-06-10");
    await invoice(7, "SENT", 99_999, 0, "2024-06-11", otherCustomerId);
    const estimate = await prisma.estimate.create({
      data: { ...base, customerId, number: 1, status: "APPROVED", totalCents: 4_200, issueDate: new Date("2023-12-01") },
    });
    await prisma.payment.create({
      data: {
        businessId,
        invoiceId: partial.id,
        amountCents: 5_000,
        currency: "USD",
        method: "CHECK",
        provider: "manual",
        providerPaymentId: `test-${partial.id}`,
        receivedAt: new Date("2024-03-15T12:00:00Z"),
      },
    });

    const res = await browser.get(`/customers/${customerId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    // 10,000 + (20,000 - 5,000) + 1,234 on SENT, PARTIALLY_PAID and VIEWED; paid, draft, void and the other customer's do not count.
    expect(html).toContain("$262.34");
    expect(html).toContain(`href="/estimates/${estimate.id}"`);
    expect(html).toContain(`href="/invoices/${sent.id}"`);
    expect(html).toContain("Partially paid");
    expect(html).toContain("2024-03-15");
    // Invoices newest first, and only this customer's.
    const order = ["INV-0006", "INV-0005", "INV-0004", "INV-0002", "INV-0003", "INV-0001"].map((label) => html.indexOf(`>${label}<`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).not.toContain(">INV-0007<");
    expect(html).toContain(">EST-0001<");
  });
});

describe("tenancy", () => {
  it("gives another business a 404 for every customer URL and leaves the row untouched", async () => {
    const a = await loggedIn("Business A");
    const idA = await createViaForm(a.browser, { ...validForm, name: "Alice of A" });
    const before = await prisma.customer.findUniqueOrThrow({ where: { id: idA } });
    const b = await loggedIn("Business B");
    await createViaForm(b.browser, { name: "Bob of B" });
    const countsBefore = await counts(a.businessId);

    for (const path of [`/customers/${idA}`, `/customers/${idA}/edit`]) {
      const res = await b.browser.get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain("Alice of A");
    }
    for (const [path, form] of [
      [`/customers/${idA}`, { intent: "archive" }],
      [`/customers/${idA}`, { intent: "restore" }],
      [`/customers/${idA}/edit`, { ...validForm, name: "Hijacked" }],
      [`/customers/${idA}/edit`, { name: "" }],
    ] as const) {
      const res = await b.browser.post(path, form);
      expect(res.status, `${path} ${JSON.stringify(form)}`).toBe(404);
    }
    expect(await prisma.customer.findUniqueOrThrow({ where: { id: idA } })).toEqual(before);
    expect(await counts(a.businessId)).toEqual(countsBefore);

    const listB = await listNames(b.browser, "?archived=1");
    expect(listB).toEqual(["Bob of B"]);
    expect(await listNames(b.browser, "?q=Alice")).toEqual([]);
    const csvB = await exportCsv(b.browser);
    expect(csvB.map((r) => r[0])).toEqual(["Bob of B"]);

    // A still sees their own customer.
    expect((await a.browser.get(`/customers/${idA}`)).status).toBe(200);
    expect((await exportCsv(a.browser)).map((r) => r[0])).toEqual(["Alice of A"]);
  });
});

describe("CSV export", () => {
  it("needs a session", async () => {
    const res = await new Browser(server.url).get("/export/customers.csv");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login/);
  });

  it("has a header row even when there are no customers", async () => {
    const { browser } = await loggedIn();
    expect(await exportCsv(browser)).toEqual([]);
  });

  it("escapes commas, quotes and newlines and defuses formulas", async () => {
    const { browser, businessId } = await loggedIn();
    await prisma.customer.createMany({
      data: [
        { businessId, name: "Smith, John", notes: 'He said "hi"\nand left', city: "Springfield" },
        { businessId, name: '=HYPERLINK("http://evil.example","Click")', phone: "+1 555 0100" },
        { businessId, name: "-2+3", email: "at@example.com", addressLine1: "@SUM(A1:A9)" },
        { businessId, name: "\tTabbed", addressLine2: "\rReturn" },
        { businessId, name: "Zoe Plain", archivedAt: new Date("2024-05-01T12:00:00Z") },
        // Full-width "=" and "+": some spreadsheets fold them into formulas too.
        { businessId, name: "\uFF1DFullwidth", city: "\uFF0Bcity" },
      ],
    });
    const rows = await exportCsv(browser);
    const byName = new Map(rows.map((r) => [r[0], r]));
    expect(rows.every((r) => r.length === CSV_HEADER.length)).toBe(true);
    expect(byName.get("Smith, John")?.[9]).toBe('He said "hi"\nand left');
    expect(byName.get("Smith, John")?.[5]).toBe("Springfield");
    expect(byName.get(`'=HYPERLINK("http://evil.example","Click")`)?.[2]).toBe("'+1 555 0100");
    expect(byName.get("'-2+3")?.[3]).toBe("'@SUM(A1:A9)");
    expect(byName.get("'-2+3")?.[1]).toBe("at@example.com");
    expect(byName.get("'\tTabbed")?.[4]).toBe("'\rReturn");
    expect(byName.get("Zoe Plain")?.[10]).toBe("2024-05-01");
    expect(byName.get("'\uFF1DFullwidth")?.[5]).toBe("'\uFF0Bcity");
    // No cell of the file starts a formula.
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/);
  });

  it("exports every customer exactly once across its 1,000-row batches", async () => {
    const { browser, businessId } = await loggedIn();
    const total = 2_345;
    await prisma.customer.createMany({
      data: Array.from({ length: total }, (_, i) => ({
        businessId,
        name: i % 3 ? `Bulk ${String(i).padStart(5, "0")}` : "Bulk Same",
        email: `b${i}@example.com`,
      })),
    });
    const rows = await exportCsv(browser);
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r[1])).size).toBe(total);
  });

  it("is linked from the customer list", async () => {
    const { browser } = await loggedIn();
    expect(await (await browser.get("/customers")).text()).toContain('href="/export/customers.csv"');
  });
});

it("never answered with a server error", () => {
  expect(server.output()).not.toMatch(/"statusCode":5\d\d/);
});

// The optional integrations switched on, against local fakes of Google Maps (tests/fakes/google.ts),
// Rentcast (rentcast.ts) and an OpenAI-compatible API (ai.ts) that speak the providers' wire formats and
// count every call. Proves: no provider is called without the contractor's action; only what was asked
// about is sent; the key never reaches the browser; the monthly Rentcast cap holds under concurrency;
// timeouts, 5xx and malformed answers give a clear message and save nothing; tenancy (404).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeAi, startFakeAi } from "../fakes/ai";
import { FAKE_PLACES, type FakeGoogle, startFakeGoogle, STREET_VIEW_JPEG } from "../fakes/google";
import { fakePropertyRecord, type FakeRentcast, startFakeRentcast } from "../fakes/rentcast";
import { createAccount, signedInBrowser } from "../helpers/accounts";
import type { Browser } from "../helpers/browser";
import { documentForm, makeCustomer } from "../helpers/business-data";
import { fieldValue, pageText, renderedLines } from "../helpers/html";
import { type AppServer, SLOW_TEST_TIMEOUT, startAppServer } from "../helpers/production-server";
import { HEIC, JPEG, PNG, postMultipart, TEXT } from "../helpers/uploads";

vi.setConfig({ testTimeout: SLOW_TEST_TIMEOUT, hookTimeout: SLOW_TEST_TIMEOUT });

const keys = {
  google: `AIza${randomBytes(16).toString("hex")}`,
  rentcast: randomBytes(16).toString("hex"),
  ai: `sk-test-${randomBytes(16).toString("hex")}`,
};
const TIMEOUT_MS = 1_500;

// The fakes start before any app module is imported, so this test process can call the domain directly
// with the same configuration as the server (the env is parsed once, on first use).
const google: FakeGoogle = await startFakeGoogle({ apiKey: keys.google });
const rentcast: FakeRentcast = await startFakeRentcast({ apiKey: keys.rentcast });
const ai: FakeAi = await startFakeAi({ apiKey: keys.ai });
const integrationEnv = {
  GOOGLE_MAPS_API_KEY: keys.google,
  GOOGLE_MAPS_API_URL: google.url,
  RENTCAST_API_KEY: keys.rentcast,
  RENTCAST_API_URL: rentcast.url,
  AI_API_KEY: keys.ai,
  AI_API_URL: `${ai.url}/v1`,
  AI_MODEL: "fake-text-model",
  AI_VISION_MODEL: "fake-vision-model",
  INTEGRATIONS_TIMEOUT_MS: String(TIMEOUT_MS),
};
Object.assign(process.env, integrationEnv);
const { prisma } = await import("~/utils/db.server");
const { lookUpProperty } = await import("~/models/property.server");

let server: AppServer;
beforeAll(async () => {
  server = await startAppServer(integrationEnv);
});
afterAll(async () => {
  await server?.stop();
  await Promise.all([google.stop(), rentcast.stop(), ai.stop()]);
  await prisma.$disconnect();
});
beforeEach(() => {
  google.reset();
  rentcast.reset();
  ai.reset();
});

const totalCalls = () => google.calls.length + rentcast.calls.length + ai.calls.length;

async function account(businessName = "Test Plumbing") {
  const { user, business } = await createAccount({ businessName });
  return { browser: await signedInBrowser(server, user), businessId: business.id, user };
}

let street = 100;
/** A customer with a full address (a new street each time, so caches never collide). */
function customerWithAddress(
  businessId: string,
  overrides: Partial<{ name: string; addressLine1: string; city: string; region: string; postalCode: string }> = {},
) {
  street += 1;
  return prisma.customer.create({
    data: {
      businessId,
      name: `Homeowner ${street}`,
      email: `owner${street}@example.com`,
      addressLine1: `${street} Elm St`,
      city: "Austin",
      region: "TX",
      postalCode: "78701",
      ...overrides,
    },
  });
}

const session = () => randomBytes(12).toString("hex");

describe("nothing is sent to a provider without the contractor's action", () => {
  it("renders every page, with the optional buttons, and calls no provider", async () => {
    const { browser, businessId } = await account();
    const customer = await customerWithAddress(businessId);
    const invoice = await browser.post("/invoices/new", documentForm({ customerId: customer.id }));
    expect(invoice.status).toBe(302);
    const invoiceId = invoice.headers.get("Location")!.split("/").pop();
    const estimate = await browser.post("/estimates/new", documentForm({ customerId: customer.id }));
    const estimateId = estimate.headers.get("Location")!.split("/").pop();
    const expense = await postMultipart(
      browser,
      "/expenses/new",
      { intent: "save", vendor: "Supply Co", amount: "10.00", spentOn: "2026-11-02", category: "MATERIALS" },
      { filename: "r.jpg", contentType: "image/jpeg", data: JPEG },
    );
    const expenseId = expense.headers.get("Location")!.split("/").pop();
    const pages: [string, RegExp | null][] = [
      [`/customers/${customer.id}`, /Look up property details[\s\S]*Show Street View/],
      [`/customers/${customer.id}/edit`, null],
      ["/customers/new", null],
      ["/settings/business", null],
      ["/invoices/new", /Add lines with AI/],
      [`/invoices/${invoiceId}/edit`, /Add lines with AI/],
      ["/estimates/new", /Add lines with AI/],
      [`/estimates/${estimateId}/edit`, /Add lines with AI/],
      ["/expenses", null],
      ["/expenses/new", /Read receipt/],
      [`/expenses/${expenseId}`, /Read receipt/],
      [`/expenses/${expenseId}/receipt`, null],
      ["/dashboard", null],
    ];
    for (const [path, expected] of pages) {
      const res = await browser.get(path);
      expect(res.status, path).toBe(200);
      const body = await res.text();
      if (expected) expect(pageText(body), path).toMatch(expected);
      expect(body, path).not.toContain(keys.google);
    }
    expect(totalCalls()).toBe(0);
  });
});

describe("address autocomplete (Google Places API (New), through our server)", () => {
  it("needs a session and a few characters; never calls Google otherwise", async () => {
    const anonymous = await fetch(`${server.url}/address/suggest`, {
      method: "POST",
      body: new URLSearchParams({ q: "1600 Amphitheatre", session: session() }),
      headers: { Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(anonymous.status).toBe(401);
    const { browser } = await account();
    expect((await browser.post("/address/suggest", { q: "16", session: session() })).status).toBe(400);
    expect((await browser.post("/address/suggest", { q: "1600 Amph", session: "not a token!" })).status).toBe(400);
    // A POST-only resource route: a GET is refused by Remix (400) and never reaches Google.
    expect((await browser.get("/address/suggest?q=1600")).status).toBe(400);
    expect(google.calls).toHaveLength(0);
  });

  it("proxies the typed text with the server's key and answers suggestions only", async () => {
    const { browser } = await account();
    const token = session();
    const res = await browser.post("/address/suggest", { q: "1600 amphitheatre", session: token });
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    const text = await res.text();
    expect(text).not.toContain(keys.google);
    expect(JSON.parse(text)).toEqual({
      suggestions: [{ placeId: "ChIJfake_1600_Amphitheatre_Pkwy", mainText: "1600 Amphitheatre Parkway", secondaryText: "Mountain View, CA, USA" }],
    });
    expect(google.calls).toHaveLength(1);
    const call = google.calls[0];
    expect(call.headers["x-goog-api-key"]).toBe(keys.google);
    expect(JSON.parse(call.body)).toEqual({
      input: "1600 amphitheatre",
      sessionToken: token,
      includedPrimaryTypes: ["street_address", "premise", "subpremise", "route"],
      languageCode: "en",
    });
  });

  it("fills the address fields from the picked place", async () => {
    const { browser } = await account();
    const token = session();
    const res = await browser.post("/address/place", { placeId: "ChIJfake_12_Main_St_Apt_4", session: token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      address: { addressLine1: "12 Main Street", addressLine2: "4", city: "Springfield", region: "IL", postalCode: "62701", country: "United States" },
    });
    const call = google.calls[0];
    expect(call.path).toBe(`/v1/places/${FAKE_PLACES[2].placeId}`);
    expect(call.query.get("sessionToken")).toBe(token);
    expect(call.headers["x-goog-fieldmask"]).toBe("addressComponents,formattedAddress");
  });

  it("turns Google's failures and slowness into clear JSON errors", async () => {
    const { browser } = await account();
    google.failNext(500);
    const failed = await browser.post("/address/suggest", { q: "5500 Grand", session: session() });
    expect(failed.status).toBe(502);
    expect(await failed.json()).toEqual({ error: "Google Maps answered with an error (500). Nothing was saved; please try again later." });

    google.failNext(403);
    const refused = await browser.post("/address/suggest", { q: "5500 Grand", session: session() });
    expect(refused.status).toBe(502);
    expect((await refused.json()).error).toMatch(/refused this server's key/);

    google.malformedNext();
    const garbage = await browser.post("/address/suggest", { q: "5500 Grand", session: session() });
    expect(garbage.status).toBe(502);
    expect((await garbage.json()).error).toMatch(/sent an answer we could not use/);

    google.setDelay(TIMEOUT_MS + 2_000);
    const started = Date.now();
    const slow = await browser.post("/address/suggest", { q: "5500 Grand", session: session() });
    expect(slow.status).toBe(504);
    expect((await slow.json()).error).toBe("Google Maps did not answer within 2 seconds. Nothing was saved; please try again.");
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_500);
  });

  it("holds each business to its budget, kept in Postgres", async () => {
    const { browser, businessId } = await account();
    await prisma.rateLimitHit.createMany({ data: Array.from({ length: 300 }, () => ({ key: `provider:address-suggest:${businessId}` })) });
    const res = await browser.post("/address/suggest", { q: "5500 Grand", session: session() });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await res.json()).error).toMatch(/Please wait \d+ minutes? and try again/);
    expect(google.calls).toHaveLength(0);
    // Another business is not affected.
    const other = await account("Other Co");
    expect((await other.browser.post("/address/suggest", { q: "5500 Grand", session: session() })).status).toBe(200);
  });
});

describe("Street View on the customer page (proxied)", () => {
  it("shows a link first and loads the photo through our server only when asked", async () => {
    const { browser, businessId } = await account();
    const customer = await customerWithAddress(businessId, { name: "Private Name" });
    const page = await (await browser.get(`/customers/${customer.id}`)).text();
    expect(page).not.toContain("/street-view");
    const shown = await (await browser.get(`/customers/${customer.id}?streetView=1`)).text();
    const src = /<img[^>]*src="(\/customers\/[^"]+\/street-view\?v=\d+)"/.exec(shown)?.[1];
    expect(src).toBeTruthy();
    expect(google.calls).toHaveLength(0);

    const res = await browser.get(src!);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/jpeg");
    expect(res.headers.get("X-Content-Type-Options")).toMatch(/^nosniff/);
    expect(res.headers.get("Content-Security-Policy")).toMatch(/img-src 'self' data:/);
    expect(Buffer.from(await res.arrayBuffer()).equals(STREET_VIEW_JPEG)).toBe(true);
    expect(google.streetViewCalls()).toHaveLength(1);
    const location = google.streetViewCalls()[0].query.get("location")!;
    expect(location).toBe(`${customer.addressLine1}, Austin, TX, 78701`);
    expect(location).not.toContain("Private Name");
  });

  it("answers 404 without an address, where Google has no imagery, and for another business", async () => {
    const { browser, businessId } = await account();
    const bare = await makeCustomer(businessId);
    expect((await browser.get(`/customers/${bare.id}/street-view`)).status).toBe(404);
    expect(pageText(await (await browser.get(`/customers/${bare.id}?streetView=1`)).text())).not.toContain("Show Street View");
    const nowhere = await customerWithAddress(businessId, { addressLine1: "1 Nowhere Rd" });
    expect((await browser.get(`/customers/${nowhere.id}/street-view`)).status).toBe(404);
    expect(google.calls).toHaveLength(1);
    const other = await account("Other Co");
    expect((await other.browser.get(`/customers/${nowhere.id}/street-view`)).status).toBe(404);
    expect(google.calls).toHaveLength(1);
  });
});

describe("property lookup (Rentcast)", () => {
  const lookup = (browser: Browser, customerId: string) => browser.post(`/customers/${customerId}`, { intent: "property-lookup" });
  const usage = (businessId: string) =>
    prisma.propertyLookupUsage.findMany({ where: { businessId }, select: { count: true } }).then((rows) => rows.map((r) => r.count));

  it("looks up on the click, sends only the address, caches the facts and shows lookups left", async () => {
    const { browser, businessId } = await account();
    const customer = await customerWithAddress(businessId, { name: "Secret Name" });
    const address = `${customer.addressLine1}, Austin, TX, 78701`;
    const res = await lookup(browser, customer.id);
    expect(res.status).toBe(302);
    expect(rentcast.calls).toHaveLength(1);
    expect(rentcast.calls[0].headers["x-api-key"]).toBe(keys.rentcast);
    expect(rentcast.addresses()).toEqual([address]);
    expect(rentcast.calls[0].path + "?" + rentcast.calls[0].query).not.toContain("Secret");

    const record = fakePropertyRecord(address);
    const saved = await prisma.propertyDetails.findUniqueOrThrow({ where: { customerId: customer.id } });
    expect(saved).toMatchObject({
      businessId,
      address,
      found: true,
      propertyType: "Single Family",
      squareFeet: record.squareFootage,
      lotSquareFeet: record.lotSize,
      bedrooms: record.bedrooms,
      bathrooms: record.bathrooms,
      yearBuilt: record.yearBuilt,
    });
    expect(await usage(businessId)).toEqual([1]);
    const page = pageText(await (await browser.get(`/customers/${customer.id}`)).text());
    expect(page).toContain(`${record.squareFootage.toLocaleString("en-US")} sq ft`);
    expect(page).toContain(String(record.yearBuilt));
    expect(page).toMatch(/39 of 40 lookups left in \w+ \d{4}/);

    // A second click within 30 days uses the cache: no call, nothing spent.
    const again = await lookup(browser, customer.id);
    expect(again.status).toBe(302);
    expect(rentcast.calls).toHaveLength(1);
    expect(await usage(businessId)).toEqual([1]);

    // An older answer, or a changed address, is looked up again.
    await prisma.propertyDetails.update({ where: { customerId: customer.id }, data: { fetchedAt: new Date(Date.now() - 31 * 86_400_000) } });
    expect((await lookup(browser, customer.id)).status).toBe(302);
    await prisma.customer.update({ where: { id: customer.id }, data: { addressLine1: "77 Oak Ave" } });
    expect((await lookup(browser, customer.id)).status).toBe(302);
    expect(rentcast.addresses()).toEqual([address, address, "77 Oak Ave, Austin, TX, 78701"]);
    expect(await usage(businessId)).toEqual([3]);
  });

  it("caches “no record” (Rentcast's 404) and counts it", async () => {
    const { browser, businessId } = await account();
    const customer = await customerWithAddress(businessId, { addressLine1: "1 Nowhere Rd" });
    expect((await lookup(browser, customer.id)).status).toBe(302);
    expect(await prisma.propertyDetails.findUniqueOrThrow({ where: { customerId: customer.id } })).toMatchObject({ found: false, squareFeet: null });
    expect(pageText(await (await browser.get(`/customers/${customer.id}`)).text())).toContain("Rentcast has no record of this address.");
    expect((await lookup(browser, customer.id)).status).toBe(302);
    expect(rentcast.calls).toHaveLength(1);
    expect(await usage(businessId)).toEqual([1]);
  });

  it.each([
    ["a 429", () => rentcast.failNext(429), 503, "Rentcast is busy right now. Nothing was saved; please try again in a minute."],
    ["a refused key", () => rentcast.failNext(401), 502, "Rentcast refused this server's key. Nothing was saved; the site's operator has been notified."],
  ])("gives the slot back and saves nothing after %s (Rentcast did not do the lookup)", async (_name, arrange, status, message) => {
    const { browser, businessId } = await account();
    const customer = await customerWithAddress(businessId);
    arrange();
    const res = await lookup(browser, customer.id);
    expect(res.status).toBe(status);
    expect(pageText(await res.text())).toContain(message);
    expect(rentcast.calls).toHaveLength(1);
    expect(await prisma.propertyDetails.count({ where: { businessId } })).toBe(0);
    expect(await usage(businessId)).toEqual([0]);
  });

  it.each([
    ["a 500", () => rentcast.failNext(500), 502, "Rentcast answered with an error (500). Nothing was saved; please try again later."],
    ["a malformed answer", () => rentcast.malformedNext(), 502, "Rentcast sent an answer we could not use. Nothing was saved."],
    ["a timeout", () => rentcast.setDelay(TIMEOUT_MS + 2_000), 504, "Rentcast did not answer within 2 seconds. Nothing was saved; please try again."],
  ])("saves nothing after %s but keeps the slot spent (Rentcast may have billed it), and says so", async (_name, arrange, status, message) => {
    const { browser, businessId } = await account();
    const customer = await customerWithAddress(businessId);
    arrange();
    const res = await lookup(browser, customer.id);
    rentcast.setDelay(0);
    expect(res.status).toBe(status);
    const text = pageText(await res.text());
    expect(text).toContain(message);
    expect(text).toContain("It counted as one of this month's 40 lookups.");
    expect(rentcast.calls).toHaveLength(1);
    expect(await prisma.propertyDetails.count({ where: { businessId } })).toBe(0);
    expect(await usage(businessId)).toEqual([1]);
  });

  it("a Rentcast that keeps timing out never gets more calls than the monthly cap", async () => {
    const { browser, businessId } = await account();
    const customers = await Promise.all(Array.from({ length: 4 }, () => customerWithAddress(businessId)));
    await lookup(browser, customers[0].id); // one real lookup makes the month's usage row
    await prisma.propertyLookupUsage.updateMany({ where: { businessId }, data: { count: 38 } });
    const callsBefore = rentcast.calls.length;
    rentcast.setDelay(TIMEOUT_MS + 2_000);
    const statuses = [];
    for (const c of customers.slice(1)) statuses.push((await lookup(browser, c.id)).status);
    rentcast.setDelay(0);
    expect(statuses).toEqual([504, 504, 429]);
    expect(rentcast.calls.length - callsBefore).toBe(2);
    expect(await usage(businessId)).toEqual([40]);
  });

  it("asks for an address first and keeps other businesses' customers out (404)", async () => {
    const { browser, businessId } = await account();
    const bare = await makeCustomer(businessId);
    const res = await lookup(browser, bare.id);
    expect(res.status).toBe(400);
    expect(pageText(await res.text())).toContain("Add the street address and the postal code (or city and state)");
    expect(pageText(await (await browser.get(`/customers/${bare.id}`)).text())).not.toContain("Look up property details");
    const other = await account("Other Co");
    const theirs = await customerWithAddress(other.businessId);
    expect((await lookup(browser, theirs.id)).status).toBe(404);
    expect(rentcast.calls).toHaveLength(0);
    expect(await usage(businessId)).toEqual([]);
    expect(await usage(other.businessId)).toEqual([]);
  });

  it("holds the monthly cap under 50 concurrent lookups: exactly 40 run, Rentcast is called 40 times", async () => {
    const { browser, businessId } = await account("Busy Co");
    const customers = await Promise.all(Array.from({ length: 50 }, () => customerWithAddress(businessId)));
    rentcast.setDelay(50); // keep the requests overlapping
    const responses = await Promise.all(customers.map((c) => lookup(browser, c.id)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 302)).toHaveLength(40);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    expect(rentcast.calls.length).toBeLessThanOrEqual(40);
    expect(rentcast.calls).toHaveLength(40);
    expect(await usage(businessId)).toEqual([40]);
    expect(await prisma.propertyDetails.count({ where: { businessId } })).toBe(40);
    const refused = responses.find((r) => r.status === 429)!;
    expect(pageText(await refused.text())).toMatch(/All 40 property lookups for \w+ \d{4} are used\. More become available on \w+ 1\./);
    const page = pageText(await (await browser.get(`/customers/${customers[0].id}`)).text());
    expect(page).toMatch(/0 of 40 lookups left/);
  });

  it("ten clicks at once on the same customer spend one lookup: the others wait (409) or get the answer", async () => {
    const { browser, businessId } = await account("Double Click Co");
    const customer = await customerWithAddress(businessId);
    const callsBefore = rentcast.calls.length;
    rentcast.setDelay(300); // the first lookup is still running when the others arrive
    const responses = await Promise.all(Array.from({ length: 10 }, () => lookup(browser, customer.id)));
    rentcast.setDelay(0);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 302).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 302 || s === 409)).toBe(true);
    expect(rentcast.calls.length - callsBefore).toBe(1);
    expect(await usage(businessId)).toEqual([1]);
    const busy = responses.find((r) => r.status === 409);
    if (busy) expect(pageText(await busy.text())).toMatch(/already running/);
    // The lease is released: a later lookup of a changed address runs normally.
    await prisma.customer.update({ where: { id: customer.id }, data: { addressLine1: "9 Other Street" } });
    expect((await lookup(browser, customer.id)).status).toBe(302);
    expect(await usage(businessId)).toEqual([2]);
  });

  it("counts months in the business's time zone", async () => {
    const { businessId } = await account();
    const customer = await customerWithAddress(businessId);
    const moment = new Date("2026-11-30T23:30:00Z"); // 18:30 on Nov 30 in New York, 12:30 on Dec 1 in Auckland
    await lookUpProperty(businessId, customer.id, moment);
    await prisma.business.update({ where: { id: businessId }, data: { timeZone: "Pacific/Auckland" } });
    await prisma.customer.update({ where: { id: customer.id }, data: { addressLine1: "2 Kiwi Lane" } });
    await lookUpProperty(businessId, customer.id, moment);
    const rows = await prisma.propertyLookupUsage.findMany({ where: { businessId }, orderBy: { month: "asc" } });
    expect(rows.map((r) => [r.month.toISOString().slice(0, 10), r.count])).toEqual([
      ["2026-11-01", 1],
      ["2026-12-01", 1],
    ]);
  });
});

describe("quick line items with the AI assistant", () => {
  const quickAi = (browser: Browser, customerId: string, quickText: string, path = "/invoices/new") =>
    browser.post(
      path,
      documentForm(
        { customerId, notes: "Gate code 4321", lines: [{ description: "Existing secret line", quantity: "1", unitPrice: "5.00" }] },
        { intent: "quick-lines-ai", quickText },
      ),
    );

  it("sends only the typed text, once, and fills the lines in without saving", async () => {
    const { browser, businessId } = await account("Private Business Name");
    const customer = await customerWithAddress(businessId, { name: "Private Customer" });
    const res = await quickAi(browser, customer.id, "Kitchen sink install $250, Haul away old sink");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(renderedLines(html)).toEqual([
      { description: "Existing secret line", quantity: "1", unitPrice: "5.00" },
      { description: "Kitchen sink install", quantity: "1", unitPrice: "250.00" },
      { description: "Haul away old sink", quantity: "1", unitPrice: "" },
    ]);
    expect(pageText(html)).toContain("Added 2 lines suggested by the AI assistant");
    expect(ai.calls).toHaveLength(1);
    const request = ai.requests()[0];
    expect(request.model).toBe("fake-text-model");
    expect(ai.calls[0].headers.authorization).toBe(`Bearer ${keys.ai}`);
    const userMessages = request.messages!.filter((m) => m.role === "user");
    expect(userMessages).toEqual([{ role: "user", content: "Kitchen sink install $250, Haul away old sink" }]);
    for (const secret of ["Private Customer", customer.email!, "Private Business Name", "Existing secret line", "Gate code", customer.addressLine1!]) {
      expect(ai.calls[0].body).not.toContain(secret);
    }
    expect(await prisma.invoice.count({ where: { businessId } })).toBe(0);
  });

  it("works on the estimate editor too, and the local button never calls the AI", async () => {
    const { browser, businessId } = await account();
    const customer = await makeCustomer(businessId);
    const res = await quickAi(browser, customer.id, "Paint two rooms $900", "/estimates/new");
    expect(res.status).toBe(200);
    expect(renderedLines(await res.text()).at(-1)).toEqual({ description: "Paint two rooms", quantity: "1", unitPrice: "900.00" });
    const local = await browser.post("/estimates/new", documentForm({ customerId: customer.id }, { intent: "quick-lines", quickText: "2x p-trap $12" }));
    expect(local.status).toBe(200);
    expect(ai.calls).toHaveLength(1);
  });

  it.each([
    ["a timeout", () => ai.setDelay(TIMEOUT_MS + 2_000), 504, "The AI assistant did not answer within 2 seconds. Nothing was saved; please try again."],
    ["a 500", () => ai.failNext(500), 502, "The AI assistant answered with an error (500). Nothing was saved; please try again later."],
    ["a 503", () => ai.failNext(503), 502, "The AI assistant answered with an error (503)."],
    ["a refused key", () => ai.failNext(401), 502, "The AI assistant refused this server's key."],
    ["an HTML page", () => ai.malformedNext(), 502, "The AI assistant sent an answer we could not use. Nothing was saved."],
    ["prose instead of JSON", () => ai.respondWith(() => "Sure! Here are your lines: sink, trap."), 502, "sent an answer we could not use"],
    [
      "JSON of the wrong shape",
      () => ai.respondWith(() => JSON.stringify({ lines: [{ description: "", quantity: -1 }] })),
      502,
      "sent an answer we could not use",
    ],
    [
      "an absurd price",
      () => ai.respondWith(() => JSON.stringify({ lines: [{ description: "Gold faucet", quantity: 1, unitPrice: 5e9 }] })),
      502,
      "sent an answer we could not use",
    ],
    ["no lines", () => ai.respondWith(() => JSON.stringify({ lines: [] })), 422, "The AI assistant found no line items in that text."],
  ])("answers %s with a clear message and keeps the form as it was", async (_name, arrange, status, message) => {
    const { browser, businessId } = await account();
    const customer = await makeCustomer(businessId);
    arrange();
    const res = await quickAi(browser, customer.id, "sink install, p-trap");
    expect(res.status).toBe(status);
    const html = await res.text();
    expect(pageText(html)).toContain(message);
    expect(renderedLines(html)).toEqual([{ description: "Existing secret line", quantity: "1", unitPrice: "5.00" }]);
    expect(fieldValue(html, "quickText")).toBe("sink install, p-trap");
    expect(await prisma.invoice.count({ where: { businessId } })).toBe(0);
  });

  it("refuses empty text without calling, and holds each business to its AI budget", async () => {
    const { browser, businessId } = await account();
    const customer = await makeCustomer(businessId);
    expect((await quickAi(browser, customer.id, "   ")).status).toBe(400);
    await prisma.rateLimitHit.createMany({ data: Array.from({ length: 60 }, () => ({ key: `provider:ai:${businessId}` })) });
    const res = await quickAi(browser, customer.id, "sink install");
    expect(res.status).toBe(429);
    expect(pageText(await res.text())).toMatch(/You have used the AI assistant a lot in a short time/);
    expect(ai.calls).toHaveLength(0);
  });
});

describe("reading receipts with the AI assistant", () => {
  const fields = (overrides: Record<string, string> = {}) => ({
    intent: "read-receipt",
    vendor: "",
    amount: "",
    spentOn: "2026-11-01",
    category: "MATERIALS",
    customerId: "",
    invoiceId: "",
    notes: "Private note about the Smith job",
    receiptId: "",
    ...overrides,
  });

  it("sends only the photo, fills vendor, date and amount in, and saves nothing until Save", async () => {
    const { browser, businessId } = await account();
    const res = await postMultipart(browser, "/expenses/new", fields(), { filename: "IMG_0042.jpg", contentType: "image/jpeg", data: JPEG });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(fieldValue(html, "vendor")).toBe("Hardware Depot #4521");
    expect(fieldValue(html, "amount")).toBe("42.17");
    expect(fieldValue(html, "spentOn")).toBe("2026-11-20");
    expect(fieldValue(html, "notes")).toBe("Private note about the Smith job");
    expect(pageText(html)).toContain("Read from the receipt: check the vendor, date and amount, then save.");
    expect(await prisma.expense.count({ where: { businessId } })).toBe(0);

    expect(ai.calls).toHaveLength(1);
    const request = ai.requests()[0];
    expect(request.model).toBe("fake-vision-model");
    expect(ai.calls[0].body).not.toContain("Private note");
    const parts = request.messages!.find((m) => m.role === "user")!.content as { type: string; text?: string; image_url?: { url: string } }[];
    expect(parts.map((p) => p.type)).toEqual(["text", "image_url"]);
    expect(parts[0].text).toBe("Read this receipt.");
    expect(Buffer.from(parts[1].image_url!.url.replace(/^data:image\/jpeg;base64,/, ""), "base64").equals(JPEG)).toBe(true);

    // The photo waits as a draft; saving the reviewed form attaches it without choosing the file again.
    const draftId = fieldValue(html, "receiptId");
    expect(draftId).toBeTruthy();
    const save = await postMultipart(browser, "/expenses/new", {
      ...fields({ intent: "save", vendor: "Hardware Depot #4521", amount: "42.17", spentOn: "2026-11-20" }),
      receiptId: draftId!,
    });
    expect(save.status).toBe(302);
    const expense = await prisma.expense.findFirstOrThrow({ where: { businessId }, include: { receipt: true } });
    expect(expense).toMatchObject({ vendor: "Hardware Depot #4521", amountCents: 4217 });
    expect(expense.receipt).toMatchObject({ id: draftId, mimeType: "image/jpeg" });
    expect(ai.calls).toHaveLength(1);
  });

  it("reads the saved photo of an expense without changing it", async () => {
    const { browser, businessId } = await account();
    const saved = await postMultipart(browser, "/expenses/new", fields({ intent: "save", vendor: "Typed Vendor", amount: "1.00" }), {
      filename: "r.png",
      contentType: "image/png",
      data: PNG,
    });
    const id = saved.headers.get("Location")!.split("/").pop()!;
    ai.respondWith(() => JSON.stringify({ vendor: "Baumarkt", date: "2026-11-05", total: "19,99", currency: "EUR" }));
    const res = await postMultipart(browser, `/expenses/${id}`, fields({ vendor: "Typed Vendor", amount: "1.00" }));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(fieldValue(html, "vendor")).toBe("Baumarkt");
    expect(fieldValue(html, "amount")).toBe("19.99");
    expect(pageText(html)).toContain("The receipt seems to be in EUR: expenses are recorded in USD, so check the amount.");
    expect(ai.requests()[0].messages!.some((m) => Array.isArray(m.content) && JSON.stringify(m.content).includes("data:image/png;base64,"))).toBe(true);
    expect(await prisma.expense.findUniqueOrThrow({ where: { id } })).toMatchObject({ vendor: "Typed Vendor", amountCents: 100 });
    expect(await prisma.expenseReceipt.count({ where: { businessId } })).toBe(1);
  });

  it.each([
    ["a timeout", () => ai.setDelay(TIMEOUT_MS + 2_000), 504, "The AI assistant did not answer within 2 seconds. Nothing was saved; please try again."],
    ["a 500", () => ai.failNext(500), 502, "The AI assistant answered with an error (500). Nothing was saved; please try again later."],
    ["a malformed answer", () => ai.respondWith(() => "I cannot read this."), 502, "The AI assistant sent an answer we could not use. Nothing was saved."],
    [
      "an unreadable receipt",
      () => ai.respondWith(() => JSON.stringify({ vendor: null, date: "yesterday", total: null })),
      422,
      "The receipt could not be read",
    ],
  ])("answers %s with a clear message and stores nothing", async (_name, arrange, status, message) => {
    const { browser, businessId } = await account();
    arrange();
    const res = await postMultipart(browser, "/expenses/new", fields({ vendor: "Kept" }), { filename: "r.jpg", contentType: "image/jpeg", data: JPEG });
    expect(res.status).toBe(status);
    const html = await res.text();
    expect(pageText(html)).toContain(message);
    expect(fieldValue(html, "vendor")).toBe("Kept");
    expect(await prisma.expense.count({ where: { businessId } })).toBe(0);
    expect(await prisma.expenseReceipt.count({ where: { businessId } })).toBe(0);
  });

  it("refuses files that are not photos before calling anyone", async () => {
    const { browser, businessId } = await account();
    for (const [filename, data] of [
      ["r.jpg", TEXT],
      ["r.heic", HEIC],
    ] as const) {
      const res = await postMultipart(browser, "/expenses/new", fields(), { filename, contentType: "image/jpeg", data });
      expect(res.status).toBe(400);
    }
    const none = await postMultipart(browser, "/expenses/new", fields());
    expect(none.status).toBe(400);
    expect(pageText(await none.text())).toContain("Choose a photo of the receipt first");
    expect(ai.calls).toHaveLength(0);
    expect(await prisma.expenseReceipt.count({ where: { businessId } })).toBe(0);
  });
});

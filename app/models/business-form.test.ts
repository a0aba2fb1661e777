import { parseWithZod } from "@conform-to/zod/v4";
import { describe, expect, it } from "vitest";
import { BusinessProfileSchema, canonicalTimeZone, LOGO_MAX_BYTES, LOGO_TOO_LARGE, logoRejection, sniffLogoType } from "./business-form";

const VALID = {
  name: "Pat's Plumbing",
  currency: "USD",
  timeZone: "America/New_York",
  defaultTaxRate: "8.875",
  invoicePrefix: "INV-",
  nextInvoiceNumber: "1",
  estimatePrefix: "EST-",
  nextEstimateNumber: "1",
  paymentTermsDays: "14",
  reviewRequestPeriodDays: "180",
  reminderDays: "1, 7, 14",
};

/** Parses the way the action does: a FormData through Conform (blank fields arrive as ""). */
function parse(overrides: Record<string, string | undefined> = {}) {
  const form = new FormData();
  for (const [key, value] of Object.entries({ ...VALID, ...overrides })) {
    if (value !== undefined) form.append(key, value);
  }
  return parseWithZod(form, { schema: BusinessProfileSchema });
}

function value(overrides: Record<string, string | undefined> = {}) {
  const submission = parse(overrides);
  if (submission.status !== "success") throw new Error(`expected success, got ${JSON.stringify(submission.error)}`);
  return submission.value;
}

function errorsOf(overrides: Record<string, string | undefined>) {
  const submission = parse(overrides);
  expect(submission.status).toBe("error");
  return (submission.status === "error" ? submission.error : {}) ?? {};
}

function expectFieldError(field: string, overrides: Record<string, string | undefined>, message?: RegExp) {
  const errors = errorsOf(overrides);
  expect(Object.keys(errors)).toEqual([field]);
  if (message) expect(errors[field]?.join(" ")).toMatch(message);
}

describe("BusinessProfileSchema", () => {
  it("accepts a full profile and turns it into stored values", () => {
    const v = value({
      email: "Office@Example.COM",
      phone: "+1 (555) 123-4567",
      website: "https://pats-plumbing.example.com/about",
      addressLine1: " 1 Main St ",
      city: "Springfield",
      region: "IL",
      postalCode: "62701",
      country: "USA",
      reviewUrl: "https://g.page/r/abc123/review",
      reviewRequestsEnabled: "on",
    });
    expect(v).toMatchObject({
      name: "Pat's Plumbing",
      email: "office@example.com",
      phone: "+1 (555) 123-4567",
      website: "https://pats-plumbing.example.com/about",
      addressLine1: "1 Main St",
      addressLine2: null,
      currency: "USD",
      timeZone: "America/New_York",
      defaultTaxRate: 8875,
      invoicePrefix: "INV-",
      nextInvoiceNumber: 1,
      paymentTermsDays: 14,
      reviewUrl: "https://g.page/r/abc123/review",
      reviewRequestsEnabled: true,
    });
  });

  it("stores blank optional fields as null (so clearing a field clears it) and blank prefixes as empty", () => {
    const v = value({ email: "", phone: "  ", website: "", addressLine1: "", country: "   ", reviewUrl: "", invoicePrefix: "", estimatePrefix: "" });
    expect(v).toMatchObject({ email: null, phone: null, website: null, addressLine1: null, country: null, reviewUrl: null });
    expect(v.invoicePrefix).toBe("");
    expect(v.estimatePrefix).toBe("");
    expect(v.reviewRequestsEnabled).toBe(false);
  });

  it("keeps markup in the name as plain text", () => {
    expect(value({ name: '<script>alert("x")</script> & Sons' }).name).toBe('<script>alert("x")</script> & Sons');
  });

  it("requires a name of at most 100 characters without control characters", () => {
    expectFieldError("name", { name: "" }, /business name/);
    expectFieldError("name", { name: "   " }, /business name/);
    expectFieldError("name", { name: "x".repeat(101) }, /at most 100/);
    expect(value({ name: "x".repeat(100) }).name).toHaveLength(100);
    expectFieldError("name", { name: "Pat\u0000s" }, /control characters/);
    expectFieldError("name", { name: "Pat\nPlumbing" }, /control characters/);
  });

  it("checks the email address", () => {
    expectFieldError("email", { email: "not-an-email" }, /valid email/);
    expectFieldError("email", { email: "a@b" }, /valid email/);
    expectFieldError("email", { email: `${"a".repeat(250)}@example.com` }, /at most 254/);
  });

  it("checks the phone number: allowed characters, at least 7 digits, at most 40 characters", () => {
    expectFieldError("phone", { phone: "call me" }, /digits/);
    expectFieldError("phone", { phone: "555-12" }, /at least 7 digits/);
    expectFieldError("phone", { phone: "5".repeat(41) }, /at most 40/);
    expect(value({ phone: "555.123.4567" }).phone).toBe("555.123.4567");
  });

  it("accepts only http(s) website addresses up to 200 characters", () => {
    for (const website of [
      "example.com",
      "ftp://example.com",
      "javascript:alert(1)",
      "https://",
      "https://user:pw@example.com",
      "https://exa mple.com",
      "https://localhost",
    ]) {
      expectFieldError("website", { website }, /https:\/\//);
    }
    expectFieldError("website", { website: `https://example.com/${"a".repeat(200)}` }, /at most 200/);
    expect(value({ website: "http://example.com" }).website).toBe("http://example.com");
    expect(value({ website: "HTTPS://Example.com" }).website).toBe("HTTPS://Example.com");
  });

  it("limits the address fields", () => {
    expectFieldError("addressLine1", { addressLine1: "x".repeat(201) }, /at most 200/);
    expectFieldError("addressLine2", { addressLine2: "x".repeat(201) }, /at most 200/);
    expectFieldError("city", { city: "x".repeat(101) }, /at most 100/);
    expectFieldError("region", { region: "x".repeat(101) }, /at most 100/);
    expectFieldError("postalCode", { postalCode: "x".repeat(21) }, /at most 20/);
    expectFieldError("country", { country: "x".repeat(101) }, /at most 100/);
    expectFieldError("city", { city: "Spring\tfield" }, /control characters/);
  });

  it("accepts ISO 4217 currencies only", () => {
    expect(value({ currency: "eur" }).currency).toBe("EUR");
    expect(value({ currency: "JPY" }).currency).toBe("JPY");
    for (const currency of ["XYZ", "US", "DOLLARS", "US$", ""]) expectFieldError("currency", { currency }, /currency/i);
  });

  it("accepts IANA time zones and stores their canonical name", () => {
    expect(value({ timeZone: "America/Chicago" }).timeZone).toBe("America/Chicago");
    expect(value({ timeZone: "america/new_york" }).timeZone).toBe("America/New_York");
    expect(value({ timeZone: "UTC" }).timeZone).toBe("UTC");
    expect(value({ timeZone: "Australia/Perth" }).timeZone).toBe("Australia/Perth");
    for (const timeZone of ["Mars/Olympus_Mons", "+05:00", "GMT+5", "America/New York", "", "x".repeat(65)]) {
      expectFieldError("timeZone", { timeZone }, /time zone/i);
    }
  });

  it("canonicalTimeZone refuses what Intl refuses", () => {
    expect(canonicalTimeZone("Europe/London")).toBe("Europe/London");
    expect(canonicalTimeZone("Not/AZone")).toBeNull();
    expect(canonicalTimeZone("../../etc/passwd")).toBeNull();
  });

  it("takes the default tax rate as a percentage from 0 to 50 with up to 3 decimals, stored in thousandths", () => {
    expect(value({ defaultTaxRate: "0" }).defaultTaxRate).toBe(0);
    expect(value({ defaultTaxRate: "50" }).defaultTaxRate).toBe(50_000);
    expect(value({ defaultTaxRate: "7.25%" }).defaultTaxRate).toBe(7_250);
    expect(value({ defaultTaxRate: ".5" }).defaultTaxRate).toBe(500);
    expectFieldError("defaultTaxRate", { defaultTaxRate: "50.001" }, /above 50/);
    expectFieldError("defaultTaxRate", { defaultTaxRate: "-1" }, /tax rate/);
    expectFieldError("defaultTaxRate", { defaultTaxRate: "8.8751" }, /3 decimals/);
    expectFieldError("defaultTaxRate", { defaultTaxRate: "abc" }, /tax rate/);
    expectFieldError("defaultTaxRate", { defaultTaxRate: "" }, /tax rate/);
  });

  it("allows prefixes of 0 to 10 letters, digits, - and /", () => {
    expect(value({ invoicePrefix: "2024/INV-" }).invoicePrefix).toBe("2024/INV-");
    expectFieldError("invoicePrefix", { invoicePrefix: "ABCDEFGHIJK" }, /10 characters/);
    expectFieldError("invoicePrefix", { invoicePrefix: "IN V" }, /letters, digits/);
    expectFieldError("estimatePrefix", { estimatePrefix: "EST_" }, /letters, digits/);
    expectFieldError("estimatePrefix", { estimatePrefix: "<b>" }, /letters, digits/);
  });

  it("takes next numbers as whole numbers from 1 to 999,999,999", () => {
    expect(value({ nextInvoiceNumber: "999999999" }).nextInvoiceNumber).toBe(999_999_999);
    expect(value({ nextEstimateNumber: " 42 " }).nextEstimateNumber).toBe(42);
    for (const nextInvoiceNumber of ["0", "1000000000", "1.5", "1e3", "0x10", "-1", "ten", ""]) {
      expectFieldError("nextInvoiceNumber", { nextInvoiceNumber });
    }
    expectFieldError("nextEstimateNumber", { nextEstimateNumber: "0" }, /1 to 999,999,999/);
  });

  it("reads the rendered next numbers leniently (they only decide whether a stale value is kept)", () => {
    expect(value({ nextInvoiceNumberWas: "12" }).nextInvoiceNumberWas).toBe(12);
    expect(value({ nextInvoiceNumberWas: "junk" }).nextInvoiceNumberWas).toBeUndefined();
    expect(value().nextEstimateNumberWas).toBeUndefined();
  });

  it("takes payment terms from 0 to 365 days", () => {
    expect(value({ paymentTermsDays: "0" }).paymentTermsDays).toBe(0);
    expect(value({ paymentTermsDays: "365" }).paymentTermsDays).toBe(365);
    expectFieldError("paymentTermsDays", { paymentTermsDays: "366" }, /0 to 365/);
  });

  it("reads reminder days as a sorted set of whole days and refuses anything else", () => {
    expect(value({ reminderDays: "14, 1,7 7" }).reminderDays).toEqual([1, 7, 14]);
    expect(value({ reminderDays: "3" }).reminderDays).toEqual([3]);
    expectFieldError("reminderDays", { reminderDays: "0" }, /1 to 365/);
    expectFieldError("reminderDays", { reminderDays: "1.5" }, /whole numbers/);
    expectFieldError("reminderDays", { reminderDays: "1,2,3,4,5,6,7" }, /up to 6/);
    expectFieldError("reviewRequestPeriodDays", { reviewRequestPeriodDays: "3" }, /7 to 730/);
    expectFieldError("paymentTermsDays", { paymentTermsDays: "-1" });
    expectFieldError("paymentTermsDays", { paymentTermsDays: "" }, /payment terms/);
  });

  it("accepts only https review links up to 500 characters", () => {
    expectFieldError("reviewUrl", { reviewUrl: "http://g.page/r/abc" }, /https:\/\//);
    expectFieldError("reviewUrl", { reviewUrl: "g.page/r/abc" }, /https:\/\//);
    expectFieldError("reviewUrl", { reviewUrl: `https://g.page/${"a".repeat(490)}` }, /at most 500/);
  });

  it("needs a review link to turn review requests on", () => {
    expectFieldError("reviewUrl", { reviewRequestsEnabled: "on" }, /review link/);
    expect(value({ reviewRequestsEnabled: "on", reviewUrl: "https://g.page/r/abc" }).reviewRequestsEnabled).toBe(true);
    expectFieldError("reviewRequestsEnabled", { reviewRequestsEnabled: "yes please" });
  });

  it("reports every bad field at once", () => {
    const errors = errorsOf({ name: "", currency: "XYZ", paymentTermsDays: "900", phone: "12" });
    expect(Object.keys(errors).sort()).toEqual(["currency", "name", "paymentTermsDays", "phone"]);
  });
});

describe("logo files", () => {
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1]);
  const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
  const webp = new Uint8Array([...new TextEncoder().encode("RIFF"), 26, 0, 0, 0, ...new TextEncoder().encode("WEBPVP8L"), 13, 0, 0, 0]);
  const text = (s: string) => new TextEncoder().encode(s);

  it("recognises PNG, JPEG and WebP by their first bytes", () => {
    expect(sniffLogoType(png)).toBe("image/png");
    expect(sniffLogoType(jpeg)).toBe("image/jpeg");
    expect(sniffLogoType(webp)).toBe("image/webp");
  });

  it("refuses everything else, whatever it is called", () => {
    expect(sniffLogoType(text('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBeNull();
    expect(sniffLogoType(text("GIF89a..."))).toBeNull();
    expect(sniffLogoType(text("just some text"))).toBeNull();
    expect(sniffLogoType(png.subarray(0, 8))).toBeNull(); // a signature without an image header
    expect(sniffLogoType(text("RIFF\u0000\u0000\u0000\u0000WAVEfmt "))).toBeNull();
    expect(sniffLogoType(new Uint8Array())).toBeNull();
  });

  it("explains the rejection", () => {
    expect(logoRejection(png)).toBeNull();
    expect(logoRejection(text('<?xml version="1.0"?><svg></svg>'))).toMatch(/SVG/);
    expect(logoRejection(text("  <svg onload=alert(1)>"))).toMatch(/SVG/);
    expect(logoRejection(text("hello"))).toMatch(/not a PNG, JPEG or WebP/);
    expect(logoRejection(new Uint8Array())).toMatch(/Choose an image/);
    const big = new Uint8Array(LOGO_MAX_BYTES + 1);
    big.set(png);
    expect(logoRejection(big)).toBe(LOGO_TOO_LARGE);
    expect(logoRejection(big.subarray(0, LOGO_MAX_BYTES))).toBeNull();
  });
});

// The one document input, reached from both edges: the web form (decimal strings) and the API body
// (cents). Same domain value out; each edge's errors on its own fields, in its own units.
import { describe, expect, it } from "vitest";
import { EstimateInputBody, InvoiceInputBody } from "./api-schemas";
import { estimateFormSchema, invoiceFormSchema } from "./document-form";
import { documentRuleProblem, MAX_TOTAL, type InvoiceInput } from "./document-input";

const customerId = "cmcustomer0000000000000000";
const apiLine = { description: " Replace faucet ", quantity: "1.5", unitPriceCents: 12_050, taxRate: "8.25" };
const webLine = { description: " Replace faucet ", quantity: "1.5", unitPrice: "120.50", taxRate: "8.25" };

function fieldsOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
}

describe("one document input", () => {
  it("the web form and the API body give the same InvoiceInput", () => {
    const fromApi = InvoiceInputBody.parse({
      customerId,
      issueDate: "2026-06-01",
      dueDate: "2026-06-15",
      taxMode: "PER_LINE",
      discountType: "AMOUNT",
      discountAmountCents: 1_000,
      depositCents: 5_000,
      notes: "  ",
      lines: [apiLine],
    });
    const fromWeb = invoiceFormSchema("USD").parse({
      customerId,
      issueDate: "2026-06-01",
      dueDate: "2026-06-15",
      taxMode: "PER_LINE",
      discountType: "AMOUNT",
      discountValue: "10.00",
      deposit: "50.00",
      notes: "  ",
      lines: [webLine],
    });
    const expected: InvoiceInput = {
      customerId,
      issueDate: "2026-06-01",
      dueDate: "2026-06-15",
      taxMode: "PER_LINE",
      taxRate: 0,
      discountType: "AMOUNT",
      discountValue: 1_000,
      depositCents: 5_000,
      notes: null,
      terms: null,
      lines: [{ description: "Replace faucet", quantityMilli: 1_500, unitPriceCents: 12_050, taxRate: 8_250 }],
    };
    expect(fromApi).toEqual(expected);
    expect(fromWeb).toEqual(expected);
  });

  it("an estimate's end date is validUntil at both edges, and optional when left out", () => {
    const web = estimateFormSchema("USD").parse({ customerId, issueDate: "2026-06-01", validUntil: "2026-07-01", lines: [{ ...webLine, optional: true }] });
    expect(web).toMatchObject({ validUntil: "2026-07-01", lines: [{ optional: true }] });
    expect(web).not.toHaveProperty("dueDate");
    expect(EstimateInputBody.parse({ customerId, issueDate: "2026-06-01", lines: [apiLine] })).toMatchObject({ validUntil: null });
    const early = { customerId, issueDate: "2026-06-01", validUntil: "2026-05-31" };
    expect(fieldsOf(estimateFormSchema("USD").safeParse({ ...early, lines: [webLine] }))).toEqual({ validUntil: "Must be on or after the issue date" });
    expect(fieldsOf(EstimateInputBody.safeParse({ ...early, lines: [apiLine] }))).toEqual({ validUntil: "Must be on or after the issue date" });
  });

  it("API errors name the API's fields and speak in cents, never in the web form's decimals", () => {
    const base = { customerId, issueDate: "2026-06-01", dueDate: "2026-06-15", lines: [apiLine] };
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ lines: [{ ...apiLine, unitPriceCents: 12.5 }] }, "lines.0.unitPriceCents", /whole minor units/],
      [{ lines: [{ ...apiLine, unitPriceCents: -1 }] }, "lines.0.unitPriceCents", /minor units/],
      [{ depositCents: MAX_TOTAL + 1 }, "depositCents", /minor units/],
      [{ depositCents: 1_000_000 }, "depositCents", /deposit cannot be more than the total/],
      [{ discountType: "AMOUNT" }, "discountAmountCents", /discountAmountCents/],
      [{ discountType: "PERCENT", discountPercent: "0" }, "discountPercent", /discountPercent/],
      [{ lines: Array(100).fill({ ...apiLine, quantity: "100000", unitPriceCents: 100_000_000 }) }, "lines", /minor units/],
      [{ lines: [{ ...apiLine, description: "   " }] }, "lines.0.description", /Describe the work/],
      [{ notes: "bell\u0007" }, "notes", /control characters/],
    ];
    for (const [overrides, field, message] of cases) {
      const fields = fieldsOf(InvoiceInputBody.safeParse({ ...base, ...overrides }));
      expect(Object.keys(fields), field).toEqual([field]);
      expect(fields[field]).toMatch(message);
      expect(fields[field]).not.toMatch(/such as|\d\.\d\d\b/);
    }
  });

  it("the web form keeps its own field names and decimal messages", () => {
    const base = { customerId, issueDate: "2026-06-01", dueDate: "2026-06-15", lines: [webLine] };
    expect(fieldsOf(invoiceFormSchema("USD").safeParse({ ...base, deposit: "1000.00" }))).toEqual({ deposit: "The deposit cannot be more than the total" });
    expect(fieldsOf(invoiceFormSchema("USD").safeParse({ ...base, lines: [{ ...webLine, unitPrice: "abc" }] }))).toEqual({
      "lines.0.unitPrice": "Enter a price such as 120.50 (up to 2 decimals)",
    });
  });

  it("the cross-field rules are the domain's, over integer input", () => {
    const input: InvoiceInput = {
      customerId,
      issueDate: "2026-06-10",
      dueDate: "2026-06-09",
      taxMode: "INVOICE",
      taxRate: 0,
      discountType: "NONE",
      discountValue: 0,
      depositCents: 0,
      notes: null,
      terms: null,
      lines: [{ description: "Work", quantityMilli: 1_000, unitPriceCents: 100 }].map((l) => ({ ...l, taxRate: 0 })),
    };
    expect(documentRuleProblem(input)).toMatchObject({ field: "dueDate" });
    expect(documentRuleProblem({ ...input, dueDate: "2026-06-10", depositCents: 101 })).toMatchObject({ field: "depositCents" });
    expect(documentRuleProblem({ ...input, dueDate: "2026-06-10" })).toBeNull();
  });
});

// The editor's running total must agree, cent for cent, with what the server saves: both go through
// computeTotals, and what does not parse yet counts as zero instead of breaking the total.
import { describe, expect, it } from "vitest";
import { documentFormSchema } from "~/models/document-form";
import { totalsWithChoices } from "~/models/estimate-options";
import { computeTotals } from "~/models/totals";
import { runningTotals } from "./document-form";

describe("runningTotals", () => {
  it("matches the saved totals for per-line tax after a discount", () => {
    const value = {
      customerId: "c1",
      issueDate: "2026-12-03",
      dueDate: "2026-12-17",
      taxMode: "PER_LINE" as const,
      discountType: "AMOUNT" as const,
      discountValue: "10",
      lines: [
        { description: "Faucet", quantity: "1", unitPrice: "189.99", taxRate: "8.25" },
        { description: "Fittings", quantity: "1.5", unitPrice: "12.23", taxRate: "8.875" },
      ],
    };
    const saved = computeTotals(documentFormSchema("USD", "invoice").parse(value));
    expect(runningTotals(value, "USD")).toEqual(saved);
  });

  it("counts half-typed or invalid fields as zero", () => {
    const totals = runningTotals(
      {
        taxMode: "INVOICE",
        taxRate: "8.",
        discountType: "PERCENT",
        discountValue: "abc",
        lines: [
          { quantity: "2", unitPrice: "10.5" },
          { quantity: "", unitPrice: "x" },
        ],
      },
      "USD",
    );
    expect(totals).toMatchObject({ subtotalCents: 2100, discountCents: 0, taxCents: 168, totalCents: 2268 });
    expect(runningTotals(undefined, "USD")).toMatchObject({ totalCents: 0 });
  });

  it("leaves an estimate's optional lines out of the total, as the saved estimate does until the customer chooses them", () => {
    const value = {
      customerId: "c1",
      issueDate: "2026-12-03",
      taxMode: "INVOICE" as const,
      taxRate: "8.25",
      discountType: "NONE" as const,
      lines: [
        { description: "New faucet", quantity: "1", unitPrice: "100.00" },
        { description: "Water filter (optional)", quantity: "1", unitPrice: "50.00", optional: "on" },
      ],
    };
    // The form posts a ticked box as "on"; Conform hands the schema a boolean.
    const posted = { ...value, lines: value.lines.map((l) => ({ ...l, optional: "optional" in l })) };
    const saved = totalsWithChoices(documentFormSchema("USD", "estimate").parse(posted));
    expect(runningTotals(value, "USD")).toEqual(saved);
    expect(saved).toMatchObject({ subtotalCents: 10_000, taxCents: 825, totalCents: 10_825 });
  });

  it("uses the currency's digits", () => {
    expect(runningTotals({ lines: [{ quantity: "3", unitPrice: "1250" }] }, "JPY")).toMatchObject({ totalCents: 3750 });
  });
});

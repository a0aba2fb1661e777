// The invoice and estimate form: one zod schema (per currency) used by the action, the loader's
// defaults and the browser's validation. Money, quantities and rates become integers here.
import { z } from "zod";
import { DateString } from "~/utils/dates";
import { currencyDigits, parseDecimal, parsePercent, parseQuantity } from "~/utils/money";
import { CONTROL_MESSAGE } from "~/utils/validation";
import { computeTotals } from "./totals";

export const MAX_LINES = 100;
export const MAX_QUANTITY_MILLI = 100_000_000; // 100,000 units
export const MAX_UNIT_PRICE = 100_000_000; // 1,000,000.00 in minor units
export const MAX_TOTAL = 1_000_000_000; // 10,000,000.00 in minor units
export const MAX_TAX_RATE = 50_000; // 50 %
export const MAX_TEXT = 2_000;
export const MAX_LINE_DESCRIPTION = 500;
/** Thousandths of a percent: 100 %. */
export const MAX_DISCOUNT_PERCENT = 100_000;
// Postgres text cannot hold NUL, and no other control character belongs in a one-line field; notes
// and terms keep their line breaks and tabs.
const NUL_OR_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const optionalText = (max: number) =>
  z.string().trim().max(max, `Keep it under ${max} characters`).refine((v) => !NUL_OR_CONTROL.test(v), CONTROL_MESSAGE).optional();

function decimalField(parse: (v: string) => number | null, message: string, min: number, max: number, tooBig: string) {
  return z.string({ error: message }).transform((value, ctx) => {
    const parsed = parse(value);
    if (parsed === null || parsed < min) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    if (parsed > max) {
      ctx.addIssue({ code: "custom", message: tooBig });
      return z.NEVER;
    }
    return parsed;
  });
}

const percentField = decimalField(parsePercent, "Enter a percentage such as 8.25", 0, MAX_TAX_RATE, "Tax rates above 50 % are not accepted");

export function lineItemSchema(currency: string) {
  const digits = currencyDigits(currency);
  return z.object({
    description: z
      .string({ error: "Describe the work or item" })
      .trim()
      .min(1, "Describe the work or item")
      .max(MAX_LINE_DESCRIPTION, `Keep it under ${MAX_LINE_DESCRIPTION} characters`)
      .refine((v) => !NUL_OR_CONTROL.test(v), CONTROL_MESSAGE),
    quantity: decimalField(parseQuantity, "Enter a quantity above zero (up to 3 decimals)", 1, MAX_QUANTITY_MILLI, "Quantities above 100,000 are not accepted"),
    unitPrice: decimalField(
      (v) => parseDecimal(v, digits),
      digits ? `Enter a price such as 120.50 (up to ${digits} decimals)` : "Enter a whole-number price",
      0,
      MAX_UNIT_PRICE,
      "Unit prices above 1,000,000 are not accepted",
    ),
    taxRate: percentField.optional(),
    /** Estimates only: an add-on the customer may tick when approving (app/models/estimate-options.ts). */
    optional: z.boolean().optional(),
  });
}

export type DocumentKind = "invoice" | "estimate";

/** One parsed line; `optional` only ever set on estimates. */
export type DocumentLineInput = { description: string; quantityMilli: number; unitPriceCents: number; taxRate: number; optional?: boolean };

export function documentFormSchema(currency: string, kind: DocumentKind) {
  const digits = currencyDigits(currency);
  const money = (message: string) =>
    decimalField((v) => parseDecimal(v, digits), message, 0, MAX_TOTAL, "That amount is too large");
  return z
    .object({
      customerId: z.string({ error: "Choose a customer" }).min(1, "Choose a customer").max(64),
      issueDate: DateString,
      dueDate: kind === "invoice" ? DateString : DateString.optional(),
      taxMode: z.enum(["INVOICE", "PER_LINE"]).default("INVOICE"),
      taxRate: percentField.optional(),
      discountType: z.enum(["NONE", "AMOUNT", "PERCENT"]).default("NONE"),
      discountValue: z.string().optional(),
      deposit: money("Enter the deposit as an amount such as 100.00").optional(),
      notes: optionalText(MAX_TEXT),
      terms: optionalText(MAX_TEXT),
      lines: z
        .array(lineItemSchema(currency), { error: "Add at least one line item" })
        .min(1, "Add at least one line item")
        .max(MAX_LINES, `At most ${MAX_LINES} line items`),
    })
    .transform((value, ctx) => {
      let discountValue = 0;
      if (value.discountType !== "NONE") {
        const parsed =
          value.discountType === "PERCENT" ? parsePercent(value.discountValue ?? "") : parseDecimal(value.discountValue ?? "", digits);
        const max = value.discountType === "PERCENT" ? MAX_DISCOUNT_PERCENT : MAX_TOTAL;
        if (parsed === null || parsed <= 0 || parsed > max) {
          ctx.addIssue({
            code: "custom",
            path: ["discountValue"],
            message: value.discountType === "PERCENT" ? "Enter a discount between 0 and 100 %" : "Enter the discount as an amount",
          });
          return z.NEVER;
        }
        discountValue = parsed;
      }
      if (value.dueDate && value.dueDate < value.issueDate) {
        // The estimate's "valid until" is the form's dueDate field too, so the error goes there.
        ctx.addIssue({ code: "custom", path: ["dueDate"], message: "Must be on or after the issue date" });
        return z.NEVER;
      }
      const lines = value.lines.map((l): DocumentLineInput => ({
        description: l.description,
        quantityMilli: l.quantity,
        unitPriceCents: l.unitPrice,
        taxRate: value.taxMode === "PER_LINE" ? (l.taxRate ?? 0) : 0,
        ...(kind === "estimate" && l.optional ? { optional: true } : {}),
      }));
      const input = {
        customerId: value.customerId,
        issueDate: value.issueDate,
        dueDate: value.dueDate ?? null,
        taxMode: value.taxMode,
        taxRate: value.taxMode === "INVOICE" ? (value.taxRate ?? 0) : 0,
        discountType: value.discountType,
        discountValue,
        depositCents: value.deposit ?? 0,
        notes: value.notes || null,
        terms: value.terms || null,
        lines,
      };
      const totals = computeTotals(input);
      if (totals.totalCents > MAX_TOTAL || totals.subtotalCents > MAX_TOTAL) {
        ctx.addIssue({ code: "custom", path: ["lines"], message: "The total is above 10,000,000: split the work into several invoices" });
        return z.NEVER;
      }
      if (input.depositCents > totals.totalCents) {
        ctx.addIssue({ code: "custom", path: ["deposit"], message: "The deposit cannot be more than the total" });
        return z.NEVER;
      }
      return input;
    });
}

export type DocumentInput = z.output<ReturnType<typeof documentFormSchema>>;

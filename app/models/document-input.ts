// The one input of the invoice and estimate domain functions (createInvoice, updateInvoice,
// createEstimate, updateEstimate, documentRows): integer units with real names, so nothing in the
// domain knows how a browser or an app wrote the numbers. Each edge parses into it: the web form
// from decimal strings (document-form.ts), the JSON API from cents (api-schemas.ts). The limits and
// the rules that span fields (dates in order, total and deposit caps) are written here once, and
// each edge reports them on its own field names. See docs/decisions/021-one-document-input-for-web-and-api.md.
import { z } from "zod";
import { CONTROL_MESSAGE } from "~/utils/validation";
import {
  MAX_LINES,
  MAX_QUANTITY_MILLI,
  MAX_UNIT_PRICE,
  MAX_TOTAL,
  MAX_TAX_RATE,
  MAX_TEXT,
  MAX_LINE_DESCRIPTION,
  MAX_DISCOUNT_PERCENT,
} from "./document-limits";
import { computeTotals, type DiscountType, type TaxMode } from "./totals";

export { MAX_LINES, MAX_QUANTITY_MILLI, MAX_UNIT_PRICE, MAX_TOTAL, MAX_TAX_RATE, MAX_TEXT, MAX_LINE_DESCRIPTION, MAX_DISCOUNT_PERCENT };

export type DocumentKind = "invoice" | "estimate";

/** One line, in integer units. `optional` is only ever set on estimates (app/models/estimate-options.ts). */
type DocumentLineInput = {
  description: string;
  /** Thousandths of a unit: 1.5 hours is 1500. */
  quantityMilli: number;
  /** Minor units of the document's currency. */
  unitPriceCents: number;
  /** Thousandths of a percent (8.25 % is 8250); 0 unless taxMode is PER_LINE. */
  taxRate: number;
  optional?: boolean;
};

/** What invoices and estimates share. */
export type DocumentCommonInput = {
  customerId: string;
  /** YYYY-MM-DD. */
  issueDate: string;
  taxMode: TaxMode;
  /** Thousandths of a percent; 0 unless taxMode is INVOICE. */
  taxRate: number;
  discountType: DiscountType;
  /** Minor units for AMOUNT, thousandths of a percent for PERCENT, 0 for NONE (as stored). */
  discountValue: number;
  notes: string | null;
  terms: string | null;
  lines: DocumentLineInput[];
};

export type InvoiceInput = DocumentCommonInput & {
  /** YYYY-MM-DD, on or after issueDate. */
  dueDate: string;
  /** Minor units asked for now; 0 = the whole balance. At most the total. */
  depositCents: number;
};

export type EstimateInput = DocumentCommonInput & {
  /** YYYY-MM-DD, on or after issueDate; null when the estimate has no end date. */
  validUntil: string | null;
};

export type DocumentInputOf<K extends DocumentKind> = K extends "invoice" ? InvoiceInput : EstimateInput;

// Fields both edges receive as text, checked by the same rules. Postgres text cannot hold NUL, and no
// other control character belongs in a one-line field; notes and terms keep their line breaks and tabs.
const NUL_OR_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Notes and terms: trimmed, at most `max` characters, no control characters other than line breaks and tabs. */
export const documentText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Keep it under ${max} characters`)
    .refine((v) => !NUL_OR_CONTROL.test(v), CONTROL_MESSAGE);

export const LineDescription = z
  .string({ error: "Describe the work or item" })
  .trim()
  .min(1, "Describe the work or item")
  .max(MAX_LINE_DESCRIPTION, `Keep it under ${MAX_LINE_DESCRIPTION} characters`)
  .refine((v) => !NUL_OR_CONTROL.test(v), CONTROL_MESSAGE);

/**
 * The common input from values already in domain units: rates that do not apply to the tax mode are
 * dropped (a PER_LINE document has no document rate, an INVOICE one no line rates), blank text is null,
 * and only an estimate keeps optional lines.
 */
export function documentCommon(kind: DocumentKind, values: DocumentCommonInput): DocumentCommonInput {
  return {
    customerId: values.customerId,
    issueDate: values.issueDate,
    taxMode: values.taxMode,
    taxRate: values.taxMode === "INVOICE" ? values.taxRate : 0,
    discountType: values.discountType,
    discountValue: values.discountType === "NONE" ? 0 : values.discountValue,
    notes: values.notes || null,
    terms: values.terms || null,
    lines: values.lines.map((l) => ({
      description: l.description,
      quantityMilli: l.quantityMilli,
      unitPriceCents: l.unitPriceCents,
      taxRate: values.taxMode === "PER_LINE" ? l.taxRate : 0,
      ...(kind === "estimate" && l.optional ? { optional: true } : {}),
    })),
  };
}

/** The rules that span fields, by the input field they concern; each edge names that field its own way. */
export type DocumentRuleField = "dueDate" | "validUntil" | "lines" | "depositCents";
type DocumentRuleProblem = { field: DocumentRuleField; message: string };

/**
 * The first rule the input breaks, or null. Every line is counted toward the caps, an estimate's
 * optional ones included: the customer may choose them all.
 */
export function documentRuleProblem(input: InvoiceInput | EstimateInput): DocumentRuleProblem | null {
  const end = "dueDate" in input ? { field: "dueDate" as const, date: input.dueDate } : { field: "validUntil" as const, date: input.validUntil };
  if (end.date && end.date < input.issueDate) return { field: end.field, message: "Must be on or after the issue date" };
  const totals = computeTotals(input);
  if (totals.totalCents > MAX_TOTAL || totals.subtotalCents > MAX_TOTAL) {
    return { field: "lines", message: "The total is above 10,000,000: split the work into several invoices" };
  }
  if ("depositCents" in input && input.depositCents > totals.totalCents) {
    return { field: "depositCents", message: "The deposit cannot be more than the total" };
  }
  return null;
}

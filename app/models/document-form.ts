// The invoice and estimate forms of the web editor: one zod schema per kind (and currency) used by the
// action, the loader's defaults and the browser's validation. The form speaks decimal strings
// ("120.50", "8.25", "1.5"); they become the domain's integer units here, at the edge, and the
// result is the domain input (document-input.ts) that createInvoice / createEstimate take. An
// invoice has a dueDate and a deposit; an estimate a validUntil and optional lines.
import { z } from "zod";
import { currencyDigits, parseDecimal, parsePercent, parseQuantity } from "~/utils/money";
import { DateString } from "~/utils/schemas";
import {
  documentCommon,
  documentRuleProblem,
  documentText,
  LineDescription,
  MAX_DISCOUNT_PERCENT,
  MAX_LINES,
  MAX_QUANTITY_MILLI,
  MAX_TAX_RATE,
  MAX_TEXT,
  MAX_TOTAL,
  MAX_UNIT_PRICE,
  type DocumentCommonInput,
  type DocumentKind,
  type DocumentRuleField,
  type EstimateInput,
  type InvoiceInput,
} from "./document-input";

export type { DocumentKind };

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

function lineItemSchema(currency: string) {
  const digits = currencyDigits(currency);
  return z.object({
    description: LineDescription,
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

/** The form's fields both kinds have. */
function commonFields(currency: string) {
  return {
    customerId: z.string({ error: "Choose a customer" }).min(1, "Choose a customer").max(64),
    issueDate: DateString,
    taxMode: z.enum(["INVOICE", "PER_LINE"]).default("INVOICE"),
    taxRate: percentField.optional(),
    discountType: z.enum(["NONE", "AMOUNT", "PERCENT"]).default("NONE"),
    discountValue: z.string().optional(),
    notes: documentText(MAX_TEXT).optional(),
    terms: documentText(MAX_TEXT).optional(),
    lines: z
      .array(lineItemSchema(currency), { error: "Add at least one line item" })
      .min(1, "Add at least one line item")
      .max(MAX_LINES, `At most ${MAX_LINES} line items`),
  };
}

type CommonValues = z.output<z.ZodObject<ReturnType<typeof commonFields>>>;

/** The shared part of the domain input, or an issue on discountValue when the discount does not read. */
function commonInput(kind: DocumentKind, value: CommonValues, digits: number, ctx: z.RefinementCtx): DocumentCommonInput | null {
  let discountValue = 0;
  if (value.discountType !== "NONE") {
    const parsed = value.discountType === "PERCENT" ? parsePercent(value.discountValue ?? "") : parseDecimal(value.discountValue ?? "", digits);
    const max = value.discountType === "PERCENT" ? MAX_DISCOUNT_PERCENT : MAX_TOTAL;
    if (parsed === null || parsed <= 0 || parsed > max) {
      ctx.addIssue({
        code: "custom",
        path: ["discountValue"],
        message: value.discountType === "PERCENT" ? "Enter a discount between 0 and 100 %" : "Enter the discount as an amount",
      });
      return null;
    }
    discountValue = parsed;
  }
  return documentCommon(kind, {
    customerId: value.customerId,
    issueDate: value.issueDate,
    taxMode: value.taxMode,
    taxRate: value.taxRate ?? 0,
    discountType: value.discountType,
    discountValue,
    notes: value.notes ?? null,
    terms: value.terms ?? null,
    lines: value.lines.map((l) => ({
      description: l.description,
      quantityMilli: l.quantity,
      unitPriceCents: l.unitPrice,
      taxRate: l.taxRate ?? 0,
      optional: l.optional,
    })),
  });
}

/** Where the form shows each cross-field rule. */
const FORM_FIELD: Record<DocumentRuleField, string> = { dueDate: "dueDate", validUntil: "validUntil", lines: "lines", depositCents: "deposit" };

/** Applies the domain's cross-field rules; the first broken one becomes an issue on the form's field. */
function withRules<T extends InvoiceInput | EstimateInput>(input: T, ctx: z.RefinementCtx): T {
  const problem = documentRuleProblem(input);
  if (!problem) return input;
  ctx.addIssue({ code: "custom", path: [FORM_FIELD[problem.field]], message: problem.message });
  return z.NEVER;
}

export function invoiceFormSchema(currency: string) {
  const digits = currencyDigits(currency);
  return z
    .object({
      ...commonFields(currency),
      dueDate: DateString,
      deposit: decimalField(
        (v) => parseDecimal(v, digits),
        "Enter the deposit as an amount such as 100.00",
        0,
        MAX_TOTAL,
        "That amount is too large",
      ).optional(),
    })
    .transform((value, ctx): InvoiceInput => {
      const common = commonInput("invoice", value, digits, ctx);
      if (!common) return z.NEVER;
      return withRules({ ...common, dueDate: value.dueDate, depositCents: value.deposit ?? 0 }, ctx);
    });
}

export function estimateFormSchema(currency: string) {
  const digits = currencyDigits(currency);
  return z.object({ ...commonFields(currency), validUntil: DateString.optional() }).transform((value, ctx): EstimateInput => {
    const common = commonInput("estimate", value, digits, ctx);
    if (!common) return z.NEVER;
    return withRules({ ...common, validUntil: value.validUntil ?? null }, ctx);
  });
}

/** The editor's schema for a kind of document. */
export function documentFormSchema(currency: string, kind: "invoice"): ReturnType<typeof invoiceFormSchema>;
export function documentFormSchema(currency: string, kind: "estimate"): ReturnType<typeof estimateFormSchema>;
export function documentFormSchema(currency: string, kind: DocumentKind): ReturnType<typeof invoiceFormSchema> | ReturnType<typeof estimateFormSchema>;
export function documentFormSchema(currency: string, kind: DocumentKind) {
  return kind === "invoice" ? invoiceFormSchema(currency) : estimateFormSchema(currency);
}

// The expense form and list filters: one zod schema (per currency) for the action's parse (server only:
// pages read expense-categories.ts); and which receipt photos are accepted, decided by their bytes (no
// database here, for the unit tests).
import { z } from "zod";
import { currencyDigits, parseDecimal } from "~/utils/money";
import { CONTROL_CHARS, CONTROL_MESSAGE, tooLong } from "~/utils/validation";
import { DateString } from "~/utils/schemas";
import { MAX_TOTAL } from "./document-input";
import { CATEGORY_LABELS, EXPENSE_CATEGORIES, EXPENSE_LIMITS, type ExpenseCategory, RECEIPT_MIME_TYPES, type ReceiptMimeType } from "./expense-categories";
import { HEIC_MESSAGE, isHeic, isPdf, sniffImageType } from "./image-files";

export { isHeic };
export { CATEGORY_LABELS, EXPENSE_CATEGORIES, EXPENSE_LIMITS, RECEIPT_MIME_TYPES, type ExpenseCategory, type ReceiptMimeType };

const CONTROL_CHARS_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** An optional id picked from a select (customer, invoice) or carried in a hidden field; blank is none. */
const optionalId = z
  .string()
  .trim()
  .max(EXPENSE_LIMITS.id)
  .regex(/^[A-Za-z0-9_-]*$/, "Pick one from the list")
  .optional()
  .transform((v) => v || null);

export function expenseFormSchema(currency: string) {
  const digits = currencyDigits(currency);
  return z.object({
    vendor: z
      .string({ error: "Enter who you paid" })
      .trim()
      .min(1, "Enter who you paid")
      .max(EXPENSE_LIMITS.vendor, tooLong(EXPENSE_LIMITS.vendor))
      .refine((v) => !CONTROL_CHARS.test(v), CONTROL_MESSAGE),
    amount: z.string({ error: "Enter the amount" }).transform((value, ctx) => {
      const cents = parseDecimal(value, digits);
      if (cents === null || cents <= 0) {
        ctx.addIssue({ code: "custom", message: digits ? `Enter an amount above zero, such as 42.50` : "Enter a whole amount above zero" });
        return z.NEVER;
      }
      if (cents > MAX_TOTAL) {
        ctx.addIssue({ code: "custom", message: "Amounts above 10,000,000 are not accepted" });
        return z.NEVER;
      }
      return cents;
    }),
    spentOn: DateString,
    category: z.enum(EXPENSE_CATEGORIES, { error: "Choose a category" }),
    notes: z
      .string()
      .trim()
      .max(EXPENSE_LIMITS.notes, tooLong(EXPENSE_LIMITS.notes))
      .refine((v) => !CONTROL_CHARS_EXCEPT_WHITESPACE.test(v), CONTROL_MESSAGE)
      .optional()
      .transform((v) => v?.replace(/\r\n?/g, "\n") || null),
    customerId: optionalId,
    invoiceId: optionalId,
    /** A receipt photo that was read but not saved yet (ExpenseReceipt without an expense). */
    receiptId: optionalId,
  });
}

export type ExpenseInput = z.output<ReturnType<typeof expenseFormSchema>>;

export const EXPENSE_PAGE_SIZE = 50;

// Bad filter values are ignored rather than failing the page: the list is a GET anyone can edit.
export const ExpenseFilterSchema = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .refine((v) => v >= "2000-01" && v <= "2100-12")
    .optional()
    .catch(undefined),
  category: z.enum(EXPENSE_CATEGORIES).optional().catch(undefined),
  customerId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional()
    .catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  after: z.string().max(200).optional().catch(undefined),
});

export type ExpenseFilters = z.output<typeof ExpenseFilterSchema>;

// ---- Receipt photos ----------------------------------------------------------------------------

export const RECEIPT_MAX_BYTES = 5 * 1024 * 1024;
export const RECEIPT_TOO_LARGE = "Receipt photos must be 5 MB or smaller";

/** The photo's type from its first bytes (never its name or the browser's Content-Type), or null. */
export function sniffReceiptType(bytes: Uint8Array): ReceiptMimeType | null {
  return sniffImageType(bytes);
}

/** Why a file is not accepted as a receipt photo, in words for the person uploading it; null when it is. */
export function receiptRejection(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return "Choose a photo of the receipt";
  if (bytes.length > RECEIPT_MAX_BYTES) return RECEIPT_TOO_LARGE;
  if (sniffReceiptType(bytes)) return null;
  if (isHeic(bytes)) return HEIC_MESSAGE;
  if (isPdf(bytes)) return "PDF receipts are not accepted: upload a photo (JPEG, PNG or WebP)";
  return "That file is not a JPEG, PNG or WebP photo";
}

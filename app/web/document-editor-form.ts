// The one schema of the invoice and estimate editor, used by its action (document-editor.server.ts; the
// form in the browser imports only the types: zod stays on the server, issue 17): a zod discriminated
// union on the submit button's `intent`.
// - no intent (the Save button, Enter, Conform's add/remove line buttons) or "save": the document itself;
// - "quick-lines" / "quick-lines-ai": draft lines from the text box;
// - "search-items" / "search-customers": the pickers' searches without JavaScript;
// - "add-item:<id>", "choose-customer:<id>", "save-line:<index>": a picker button (the target rides in the
//   button's value, so each match is one plain submit button; it is split off into `target` here);
// - "new-customer": a customer from the inline name, email and phone.
// Only the Save branch checks the document's fields, so a fill-in button works on a half-filled form.
import { z } from "zod";
import { documentFormSchema } from "~/models/document-form";
import type { DocumentKind, EstimateInput, InvoiceInput } from "~/models/document-input";

type DocumentInput = InvoiceInput | EstimateInput;

/** Editor fields that belong to the pickers and the text box, not to the document. */
export const EDITOR_FIELDS = {
  quickText: "quickText",
  itemQuery: "itemQuery",
  customerQuery: "customerQuery",
  newCustomerName: "newCustomerName",
  newCustomerEmail: "newCustomerEmail",
  newCustomerPhone: "newCustomerPhone",
} as const;

export const UNKNOWN_BUTTON = "That button is not recognised. Reload the page and try again.";

const TARGETED = /^(add-item|choose-customer|save-line):(.*)$/s;

/** "add-item:<id>" → { intent: "add-item", target: "<id>" }. */
function splitIntent(value: unknown) {
  if (!value || typeof value !== "object") return value;
  const intent = (value as { intent?: unknown }).intent;
  const match = typeof intent === "string" ? TARGETED.exec(intent) : null;
  return match ? { ...value, intent: match[1], target: match[2] } : value;
}

// An id as the buttons carry it (a cuid); anything else is refused, not looked up.
const target = z.string({ error: UNKNOWN_BUTTON }).regex(/^[A-Za-z0-9_-]{1,64}$/, UNKNOWN_BUTTON);
const text = z.string().optional();

function editorSchema(currency: string, kind: DocumentKind) {
  const document = documentFormSchema(currency, kind) as unknown as z.ZodType<DocumentInput, { intent?: "save" }>;
  return z.preprocess(
    splitIntent,
    z.discriminatedUnion("intent", [
      z
        .object({ intent: z.literal("save").optional() })
        .loose()
        .pipe(document)
        .transform((input) => ({ intent: "save" as const, input })),
      z.object({ intent: z.literal("quick-lines"), quickText: text }),
      z.object({ intent: z.literal("quick-lines-ai"), quickText: text }),
      z.object({ intent: z.literal("search-items"), itemQuery: text }),
      z.object({ intent: z.literal("search-customers"), customerQuery: text }),
      z.object({ intent: z.literal("add-item"), target }),
      z.object({ intent: z.literal("choose-customer"), target }),
      z.object({
        intent: z.literal("save-line"),
        target: z
          .string()
          .regex(/^\d{1,3}$/, UNKNOWN_BUTTON)
          .transform(Number),
      }),
      z.object({ intent: z.literal("new-customer"), newCustomerName: text, newCustomerEmail: text, newCustomerPhone: text }),
    ]),
  );
}

/** What the editor's parse gives the action: the intent, and the document or the button's own fields. */
export type DocumentEditorValue = z.output<ReturnType<typeof editorSchema>>;

/** The fields as the form holds them (what Conform's `fields` and `form.value` are typed after). */
export type DocumentEditorFields = DocumentFormValues & { intent?: string } & Partial<Record<(typeof EDITOR_FIELDS)[keyof typeof EDITOR_FIELDS], string>>;

export function documentEditorSchema(currency: string, kind: DocumentKind): z.ZodType<DocumentEditorValue, DocumentEditorFields> {
  return editorSchema(currency, kind) as z.ZodType<DocumentEditorValue, DocumentEditorFields>;
}

export type EditorLineValues = { description?: string; quantity?: string; unitPrice?: string; taxRate?: string; optional?: string };

export type DocumentFormValues = {
  customerId?: string;
  issueDate?: string;
  /** Invoices: when payment is due. */
  dueDate?: string;
  /** Estimates: until when the price holds (optional). */
  validUntil?: string;
  taxMode?: "INVOICE" | "PER_LINE";
  taxRate?: string;
  discountType?: "NONE" | "AMOUNT" | "PERCENT";
  discountValue?: string;
  deposit?: string;
  notes?: string;
  terms?: string;
  lines?: EditorLineValues[];
};

export type ItemMatch = { id: string; name: string; description: string | null; unitPriceCents: number; taxable: boolean };
export type CustomerMatch = { id: string; name: string; email: string | null; phone: string | null };

/**
 * The editor's `display` (app/web/action-reply.ts): what a fill-in or picker button did.
 * `defaultValue` is the form the server filled in (lines added, a customer chosen): the reply resets the
 * form (`reply({ resetForm: true })`) and the form starts again from these values.
 */
export type EditorDisplay = {
  notice?: string;
  defaultValue?: DocumentFormValues;
  itemSearch?: { q: string; items: ItemMatch[] };
  customerSearch?: { q: string; customers: CustomerMatch[] };
  /** Offered in the customer select even before the page's list has it. */
  chosenCustomer?: { id: string; name: string };
};

// The invoice and estimate editor's server side, shared by invoices+/new, invoices+/$invoiceId.edit and
// their estimate twins. The pages' loaders and actions take the kind and get that kind's load and save
// functions from EDITOR_KINDS, so the four routes stay thin and the two kinds cannot drift apart.
// The action: one parse with the editor's schema (document-editor-form.ts), then one handler per
// intent. Every answer has the one reply shape `{ result, display? }`:
// - Save: the route's `save` writes and redirects with a flash; a DomainError is replied by
//   replyWithDomainError (400 on its field, else a form error with its classified status).
// - Fill-in buttons whose value only the server can work out ("Add lines from text", "Add lines with AI",
//   "Add <item>", "Choose <customer>", "Add customer"): `reply({ resetForm: true })` with the filled-in form
//   as `display.defaultValue`, so the form starts again from those values, with JavaScript or without.
//   Nothing of the document is saved.
// - Searches and "Save line as an item": the form as submitted, with the matches or a notice in `display`.
// - A refused button: the form as submitted with the error on that one field only (400, or the provider's
//   status for the AI assistant).
import type { Submission as ConformSubmission } from "@conform-to/zod/v4";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect } from "@remix-run/node";
import { EMPTY_LINE } from "~/components/document-form";
import { CustomerFormSchema } from "~/models/customer-form";
import { createCustomer, CUSTOMER_PICK_LIMIT, customerOptions, getCustomer, listCustomers } from "~/models/customer.server";
import { businessDefaults } from "~/models/business.server";
import { type DocumentInputOf, type DocumentKind, type EstimateInput, type InvoiceInput, MAX_LINES } from "~/models/document-input";
import { formatEstimateNumber } from "~/models/document-numbers";
import { DomainError } from "~/models/errors.server";
import { createEstimate, estimateEditBlockedReason, getEstimate, updateEstimate } from "~/models/estimate.server";
import { createInvoice, editBlockedReason, formatInvoiceNumber, getInvoice, updateInvoice } from "~/models/invoice.server";
import { QUICK_TEXT_EXAMPLE, QUICK_TEXT_MAX } from "~/models/document-limits";
import { parseQuickLines, type QuickLinesResult } from "~/models/quick-lines";
import { savedItemFormSchema } from "~/models/saved-item-form";
import { createSavedItem, getSavedItem, normalizeItemQuery, searchSavedItems } from "~/models/saved-item.server";
import { aiConfigured, draftLinesWithAi } from "~/models/ai-assistant.server";
import { addDays, todayIn, toDateString } from "~/utils/dates";
import { centsToInput, parsePercent, percentToInput, quantityToInput } from "~/utils/money";
import { ProviderError, spendProviderBudget } from "~/utils/provider-fetch.server";
import { redirectWithFlash } from "~/utils/session.server";
import {
  type DocumentEditorFields,
  type DocumentEditorValue,
  documentEditorSchema,
  type DocumentFormValues,
  EDITOR_FIELDS,
  type EditorDisplay,
  type EditorLineValues,
  UNKNOWN_BUTTON,
} from "./document-editor-form";
import { requireBusiness } from "./auth.server";
import { formReply, replyWithDomainError } from "./forms.server";

type DocumentInput = InvoiceInput | EstimateInput;

/** `save` writes the document and answers (a redirect with a flash); a DomainError it throws becomes the form's reply. */
type Editor<K extends DocumentKind = DocumentKind> = {
  businessId: string;
  currency: string;
  kind: K;
  // A method, so an invoice's editor is also an editor of either kind: the schema built for `kind` only
  // ever hands it that kind's input.
  save(input: DocumentInputOf<K>): Promise<Response>;
};

type Submission = ConformSubmission<DocumentEditorFields, string[], DocumentEditorValue>;
type Context = Editor & { submission: Submission; payload: Record<string, unknown> };

type BusinessDefaults = Awaited<ReturnType<typeof businessDefaults>>;
type Invoice = Awaited<ReturnType<typeof getInvoice>>;

/** What the editor reads back into its form, alike for both kinds (an estimate's lines may be optional). */
type EditableDocument = Pick<
  Invoice,
  "id" | "currency" | "customerId" | "issueDate" | "taxMode" | "taxRate" | "discountType" | "discountValue" | "notes" | "terms"
> & {
  status: string;
  lines: (Pick<Invoice["lines"][number], "description" | "quantityMilli" | "unitPriceCents" | "taxRate"> & { optional?: boolean })[];
};

/** One kind's documents as the editor pages use them. */
type EditorKind<K extends DocumentKind> = {
  /** Where its pages live. */
  path: string;
  /** The flash messages' noun ("Invoice created."). */
  noun: string;
  /** A new document's own defaults: its end date. */
  newValues: (today: string, business: BusinessDefaults) => DocumentFormValues;
  /** The document to edit, why it cannot be edited (null when it can), its values only this kind has, and its number. */
  load: (
    businessId: string,
    id: string,
  ) => Promise<{ document: EditableDocument; blocked: string | null; ownValues: DocumentFormValues; displayNumber: () => Promise<string> }>;
  create: (businessId: string, input: DocumentInputOf<K>, userId: string) => Promise<{ id: string }>;
  update: (businessId: string, id: string, input: DocumentInputOf<K>, userId: string) => Promise<unknown>;
};

const EDITOR_KINDS: { [K in DocumentKind]: EditorKind<K> } = {
  invoice: {
    path: "/invoices",
    noun: "Invoice",
    newValues: (today, business) => ({ dueDate: addDays(today, business.paymentTermsDays) }),
    load: async (businessId, id) => {
      const invoice = await getInvoice(businessId, id);
      return {
        document: invoice,
        blocked: editBlockedReason(invoice.status),
        ownValues: {
          dueDate: toDateString(invoice.dueDate),
          deposit: invoice.depositCents ? centsToInput(invoice.depositCents, invoice.currency) : "",
        },
        displayNumber: async () => formatInvoiceNumber((await businessDefaults(businessId)).invoicePrefix, invoice.number),
      };
    },
    create: (businessId, input, userId) => createInvoice(businessId, input, { userId }),
    update: (businessId, id, input, userId) => updateInvoice(businessId, id, input, userId),
  },
  estimate: {
    path: "/estimates",
    noun: "Estimate",
    newValues: (today) => ({ validUntil: addDays(today, 30) }),
    load: async (businessId, id) => {
      const estimate = await getEstimate(businessId, id);
      return {
        document: estimate,
        blocked: estimateEditBlockedReason(estimate.status),
        ownValues: { validUntil: estimate.validUntil ? toDateString(estimate.validUntil) : "" },
        displayNumber: async () => formatEstimateNumber(estimate.business.estimatePrefix, estimate.number),
      };
    },
    create: (businessId, input) => createEstimate(businessId, input),
    update: (businessId, id, input) => updateEstimate(businessId, id, input),
  },
};

/** The new-document page's data: the business's defaults, with the customer of `?customerId=` chosen. */
export async function newDocumentLoader(request: Request, kind: DocumentKind) {
  const { businessId } = await requireBusiness(request);
  const business = await businessDefaults(businessId);
  const customerId = new URL(request.url).searchParams.get("customerId");
  const customers = await customerOptions(businessId);
  const today = todayIn(business.timeZone);
  const defaultValue: DocumentFormValues = {
    customerId: customers.some((c) => c.id === customerId) ? customerId! : "",
    issueDate: today,
    ...EDITOR_KINDS[kind].newValues(today, business),
    taxMode: "INVOICE",
    taxRate: business.defaultTaxRate ? percentToInput(business.defaultTaxRate) : "",
    discountType: "NONE",
    lines: [EMPTY_LINE],
  };
  return json({ aiLines: aiConfigured(), currency: business.currency, customers, defaultValue });
}

/** The new-document page's action: the editor, whose Save creates the document and opens it. */
export async function newDocumentAction<K extends DocumentKind>(request: Request, kind: K) {
  const { businessId, user } = await requireBusiness(request);
  const { currency } = await businessDefaults(businessId);
  const { path, noun, create } = EDITOR_KINDS[kind];
  return documentEditorAction(request, {
    businessId,
    currency,
    kind,
    save: async (input) => {
      const document = await create(businessId, input, user.id);
      return redirectWithFlash(request, `${path}/${document.id}`, { kind: "success", message: `${noun} created.` });
    },
  });
}

/** The edit page's data: the document as the form's values; a document that cannot be edited redirects to its page. */
export async function editDocumentLoader(request: Request, { kind, id }: { kind: DocumentKind; id: string }) {
  const { businessId } = await requireBusiness(request);
  const { document, blocked, ownValues, displayNumber } = await EDITOR_KINDS[kind].load(businessId, id);
  if (blocked) throw redirect(`${EDITOR_KINDS[kind].path}/${document.id}`);
  const c = document.currency;
  const defaultValue: DocumentFormValues = {
    customerId: document.customerId,
    issueDate: toDateString(document.issueDate),
    ...ownValues,
    taxMode: document.taxMode,
    taxRate: document.taxRate ? percentToInput(document.taxRate) : "",
    discountType: document.discountType,
    discountValue:
      document.discountType === "PERCENT"
        ? percentToInput(document.discountValue)
        : document.discountType === "AMOUNT"
          ? centsToInput(document.discountValue, c)
          : "",
    notes: document.notes ?? "",
    terms: document.terms ?? "",
    lines: document.lines.map((l) => ({
      description: l.description,
      quantity: quantityToInput(l.quantityMilli),
      unitPrice: centsToInput(l.unitPriceCents, c),
      taxRate: l.taxRate ? percentToInput(l.taxRate) : "",
      ...(l.optional ? { optional: "on" } : {}),
    })),
  };
  return json({
    aiLines: aiConfigured(),
    number: await displayNumber(),
    id: document.id,
    status: document.status,
    currency: c,
    customers: await customerOptions(businessId, document.customerId),
    defaultValue,
  });
}

/** The edit page's action: the editor, whose Save updates the document and opens it. */
export async function editDocumentAction<K extends DocumentKind>(request: Request, { kind, id }: { kind: K; id: string }) {
  const { businessId, user } = await requireBusiness(request);
  const { path, noun, load, update } = EDITOR_KINDS[kind];
  const { document, blocked } = await load(businessId, id);
  // The loader redirects away from a document that cannot be edited (paid, approved, void), which would turn
  // a returned 400 into that redirect and lose the reason; so the refusal is thrown and rendered as an error
  // page of its own.
  const refuse = (reason: string) => new Response(reason, { status: 400, statusText: `This ${kind} cannot be edited` });
  if (blocked) throw refuse(blocked);
  return documentEditorAction(request, {
    businessId,
    currency: document.currency,
    kind,
    save: async (input) => {
      try {
        await update(businessId, document.id, input, user.id);
      } catch (error) {
        // Paid, approved or voided while the form was open.
        if (error instanceof DomainError) {
          const now = (await load(businessId, document.id)).blocked;
          if (now) throw refuse(now);
        }
        throw error;
      }
      return redirectWithFlash(request, `${path}/${document.id}`, { kind: "success", message: `${noun} saved.` });
    },
  });
}

export async function documentEditorAction<K extends DocumentKind>(request: Request, editor: Editor<K>) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: documentEditorSchema(editor.currency, editor.kind) });
  if (submission.status !== "success") {
    if (submission.error?.intent || submission.error?.target) {
      return formReply(submission.reply({ fieldErrors: { lines: [UNKNOWN_BUTTON] } }));
    }
    // Conform's own buttons (add or remove a line, update totals) are not errors: 200 with the re-rendered form.
    return formReply(submission.reply(), { status: submission.status === "error" ? 400 : 200 });
  }
  const context: Context = { ...editor, submission, payload: submission.payload as Record<string, unknown> };
  const value = submission.value;
  switch (value.intent) {
    case "save":
      return saveDocument(context, value.input);
    case "quick-lines":
    case "quick-lines-ai":
      return addQuickLines(context, value.intent, value.quickText ?? "");
    case "search-items":
      return searchItems(context, value.itemQuery);
    case "search-customers":
      return searchCustomers(context, value.customerQuery ?? "");
    case "add-item":
      return addItem(context, value.target);
    case "save-line":
      return saveLineAsItem(context, value.target);
    case "choose-customer":
      return chooseCustomer(context, value.target);
    case "new-customer":
      return addNewCustomer(context, value);
  }
}

async function saveDocument(context: Context, input: DocumentInput) {
  try {
    // The editor's schema was built for context.kind, so the input is that kind's.
    return await context.save(input);
  } catch (error) {
    return replyWithDomainError(context.submission, error);
  }
}

/** The form as submitted, with `message` on `field` only. */
function refuse(context: Context, field: string, message: string, init: { status?: number; headers?: HeadersInit } = {}) {
  return formReply(context.submission.reply({ fieldErrors: { [field]: [message] } }), init);
}

/** The form as submitted, no field flagged, with something to show beside it. */
function rerender(context: Context, display: EditorDisplay) {
  return formReply(context.submission.reply(), { status: 200, display });
}

/** The form starts again from the values the server filled in (see the header). */
function refill(context: Context, values: Record<string, unknown>, display: Omit<EditorDisplay, "defaultValue">) {
  return formReply(context.submission.reply({ resetForm: true }), { status: 200, display: { ...display, defaultValue: values as DocumentFormValues } });
}

/** What the form held, without the button's intent and without the fields a button has used up. */
function formValues(context: Context, drop: string[] = []) {
  const { intent: _intent, ...values } = context.payload;
  for (const name of drop) delete values[name];
  return values;
}

function currentLines(context: Context) {
  const lines = context.payload.lines;
  return (Array.isArray(lines) ? (lines as EditorLineValues[]) : []).filter((line) => line && !isBlank(line));
}

/** A line nobody has typed into yet (the editor starts with one): replaced by what a button adds. */
function isBlank(line: EditorLineValues) {
  return !line.description?.trim() && !line.unitPrice?.trim() && !line.taxRate?.trim() && ["", "1"].includes(line.quantity?.trim() ?? "");
}

// "Add lines from text" (the local parser, no key needed) and "Add lines with AI" (sent the typed text alone).
async function addQuickLines(context: Context, intent: "quick-lines" | "quick-lines-ai", text: string) {
  const { businessId, currency, kind } = context;
  const refuseText = (message: string, status = 400) => refuse(context, EDITOR_FIELDS.quickText, message, { status });
  let result: QuickLinesResult;
  if (intent === "quick-lines-ai") {
    if (!aiConfigured()) return refuseText("The AI assistant is not set up on this server: use “Add lines from text”.");
    if (!text.trim()) return refuseText(`Type the work or items first, for example: ${QUICK_TEXT_EXAMPLE}`);
    if (text.length > QUICK_TEXT_MAX) return refuseText(`Keep the text under ${QUICK_TEXT_MAX.toLocaleString("en-US")} characters`);
    try {
      await spendProviderBudget("ai", businessId);
      result = await draftLinesWithAi(text.trim(), currency);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return refuseText(error.message, error.status);
    }
  } else {
    result = parseQuickLines(text, currency);
  }
  if (!result.ok) return refuseText(result.message, intent === "quick-lines-ai" ? 422 : 400);

  const current = currentLines(context);
  const added = result.lines.map((line) => ({
    description: line.description,
    quantity: quantityToInput(line.quantityMilli),
    unitPrice: line.unitPriceCents === null ? "" : centsToInput(line.unitPriceCents, currency),
    taxRate: "",
  }));
  if (current.length + added.length > MAX_LINES) {
    return refuseText(`A ${kind} holds at most ${MAX_LINES} lines: ${current.length} are there and the text has ${added.length}.`);
  }
  const missingPrices = added.filter((line) => !line.unitPrice).length;
  const notice =
    `Added ${added.length} line${added.length === 1 ? "" : "s"}${intent === "quick-lines-ai" ? " suggested by the AI assistant" : ""}: check ${added.length === 1 ? "it" : "them"}` +
    (missingPrices ? `, fill in the ${missingPrices === 1 ? "missing price" : `${missingPrices} missing prices`}` : "") +
    `, then ${kind === "invoice" ? "save the invoice" : "save the estimate"}. Nothing is saved yet.`;
  return refill(context, { ...formValues(context, [EDITOR_FIELDS.quickText]), lines: [...current, ...added] }, { notice });
}

async function searchItems(context: Context, query: unknown) {
  const q = normalizeItemQuery(query);
  const items = await searchSavedItems(context.businessId, q);
  return rerender(context, {
    itemSearch: { q, items: items.map(({ id, name, description, unitPriceCents, taxable }) => ({ id, name, description, unitPriceCents, taxable })) },
  });
}

async function searchCustomers(context: Context, query: string) {
  const { customers } = await listCustomers(context.businessId, { q: query, limit: CUSTOMER_PICK_LIMIT });
  return rerender(context, {
    customerSearch: { q: query.slice(0, 100), customers: customers.map(({ id, name, email, phone }) => ({ id, name, email, phone })) },
  });
}

/** The saved item becomes a line (after the lines there, replacing a still-empty one). */
async function addItem(context: Context, itemId: string) {
  const { businessId, currency, kind } = context;
  const item = await getSavedItem(businessId, itemId);
  const { defaultTaxRate } = await businessDefaults(businessId);
  const kept = currentLines(context);
  if (kept.length + 1 > MAX_LINES) return refuse(context, "lines", `A ${kind} holds at most ${MAX_LINES} lines.`);
  const line = {
    description: item.description ?? item.name,
    quantity: "1",
    unitPrice: centsToInput(item.unitPriceCents, currency),
    // Per-line tax: a non-taxable item is 0 %; a taxable one starts at the business's usual rate.
    taxRate: item.taxable ? (defaultTaxRate ? percentToInput(defaultTaxRate) : "") : "0",
  };
  return refill(
    context,
    { ...formValues(context, [EDITOR_FIELDS.itemQuery]), lines: [...kept, line] },
    {
      notice: `Added ${item.name} as line ${kept.length + 1}. Nothing is saved yet.`,
    },
  );
}

/** That line becomes a saved item; the form stays as it is. */
async function saveLineAsItem(context: Context, index: number) {
  const { businessId, currency, kind } = context;
  const lines = context.payload.lines;
  const line = Array.isArray(lines) ? (lines[index] as EditorLineValues | undefined) : undefined;
  if (!line) return refuse(context, "lines", "That line is not there any more.");
  const perLine = context.payload.taxMode === "PER_LINE";
  const rate = parsePercent(String(line.taxRate ?? "").trim() || "0");
  const parsed = savedItemFormSchema(currency).safeParse({
    name: line.description ?? "",
    unitPrice: line.unitPrice ?? "",
    // Per-line tax at 0 % means the item is not taxed; with one rate for the whole document it is.
    taxable: !perLine || (rate !== null && rate > 0) ? "on" : "",
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const what = issue?.path[0] === "unitPrice" ? "price" : "description (its name)";
    return refuse(context, "lines", `Line ${index + 1} could not be saved as an item: check its ${what}. ${issue?.message ?? ""}`.trim());
  }
  try {
    await createSavedItem(businessId, parsed.data);
  } catch (error) {
    if (error instanceof DomainError) return refuse(context, "lines", `Line ${index + 1} was not saved as an item: ${error.message}.`);
    throw error;
  }
  return rerender(context, { notice: `Saved line ${index + 1} as the item “${parsed.data.name}”. The ${kind} itself is not saved yet.` });
}

async function chooseCustomer(context: Context, customerId: string) {
  const customer = await getCustomer(context.businessId, customerId);
  return refill(
    context,
    { ...formValues(context, [EDITOR_FIELDS.customerQuery]), customerId: customer.id },
    {
      chosenCustomer: { id: customer.id, name: customer.name },
      notice: `Customer ${customer.name} chosen.`,
    },
  );
}

/** A customer from the inline fields, checked with the customer form's own schema, then chosen. */
async function addNewCustomer(context: Context, fields: { newCustomerName?: string; newCustomerEmail?: string; newCustomerPhone?: string }) {
  const candidate = new FormData();
  for (const [name, value] of [
    ["name", fields.newCustomerName],
    ["email", fields.newCustomerEmail],
    ["phone", fields.newCustomerPhone],
  ] as const) {
    if (value !== undefined) candidate.set(name, value);
  }
  const submission = parseWithZod(candidate, { schema: CustomerFormSchema });
  if (submission.status !== "success") {
    const labels: Record<string, string> = { name: "Name", email: "Email", phone: "Phone" };
    const message = Object.entries(submission.error ?? {})
      .filter(([, list]) => list?.length)
      .map(([field, list]) => `${labels[field] ?? field}: ${list![0]}`)
      .join(" ");
    return refuse(context, "newCustomer", `The new customer was not added. ${message || "Check the name, email and phone."}`);
  }
  const customer = await createCustomer(context.businessId, submission.value);
  const used = [EDITOR_FIELDS.newCustomerName, EDITOR_FIELDS.newCustomerEmail, EDITOR_FIELDS.newCustomerPhone, EDITOR_FIELDS.customerQuery];
  return refill(
    context,
    { ...formValues(context, used), customerId: customer.id },
    {
      chosenCustomer: { id: customer.id, name: customer.name },
      notice: `Customer ${customer.name} added and chosen. The ${context.kind} itself is not saved yet.`,
    },
  );
}

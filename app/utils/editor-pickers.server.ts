// The invoice and estimate editor's pickers (issue 14): saved items and customers. Each button submits
// the whole editor with an `intent`; the answer re-renders it with everything typed kept and nothing of
// the invoice saved, the way "Add lines from text" works, so all of it works with JavaScript off:
// - search-items / search-customers: the matches come back as buttons (reply.itemSearch/customerSearch);
// - add-item:<id>: the item becomes a line (a still-empty first line is replaced);
// - save-line:<index>: that line becomes a saved item;
// - choose-customer:<id>: the customer is selected;
// - new-customer: a customer is created from the inline name, email and phone, then selected.
// With JavaScript, the type-ahead asks /items/search and /customers/search and the same buttons apply.
import { parseWithZod } from "@conform-to/zod/v4";
import { json } from "@remix-run/node";
import { CustomerFormSchema } from "~/models/customer-form";
import { createCustomer, getCustomer, listCustomers } from "~/models/customer.server";
import { documentFormSchema } from "~/models/document-form";
import { type DocumentKind, MAX_LINES } from "~/models/document-input";
import { DomainError } from "~/models/errors.server";
import { savedItemFormSchema } from "~/models/saved-item-form";
import { createSavedItem, getSavedItem, normalizeItemQuery, searchSavedItems } from "~/models/saved-item.server";
import { requireBusiness } from "~/web/auth.server";
import { businessDefaults } from "./document-action.server";
import { fieldErrorReply, formPayload, type FormReply, updateReply } from "./form-reply";
import { centsToInput, parsePercent, percentToInput } from "./money";

/** Editor fields that belong to the pickers, not the document: dropped once they have been used. */
export const ITEM_QUERY = "itemQuery";
export const CUSTOMER_QUERY = "customerQuery";
export const NEW_CUSTOMER_FIELDS = { name: "newCustomerName", email: "newCustomerEmail", phone: "newCustomerPhone" } as const;
const NEW_CUSTOMER_NAMES = Object.values(NEW_CUSTOMER_FIELDS);

export const CUSTOMER_PICK_LIMIT = 8;

const PICKER_INTENT = /^(search-items|search-customers|new-customer|add-item:[A-Za-z0-9_-]{1,64}|choose-customer:[A-Za-z0-9_-]{1,64}|save-line:\d{1,3})$/;
/** Also accepts a malformed id/index after a known prefix, so it is refused here (400) rather than saved as a document. */
const PICKER_PREFIX = /^(search-items|search-customers|new-customer|add-item:|choose-customer:|save-line:)/;

export function isPickerIntent(value: unknown): value is string {
  return typeof value === "string" && PICKER_PREFIX.test(value);
}

type LineValues = { description?: string; quantity?: string; unitPrice?: string; taxRate?: string; optional?: string };

function isBlank(line: LineValues) {
  return !line.description?.trim() && !line.unitPrice?.trim() && !line.taxRate?.trim() && ["", "1"].includes(line.quantity?.trim() ?? "");
}

export async function pickerResponse(request: Request, formData: FormData, currency: string, kind: DocumentKind, intent: string) {
  const { businessId } = await requireBusiness(request);
  const schema = documentFormSchema(currency, kind);
  /** The form as submitted, with a message next to `field` (an error) or none (a plain re-render). */
  const refuse = (field: string, message: string, status = 400) => json<FormReply>(fieldErrorReply(formData, schema, field, message), { status });
  if (!PICKER_INTENT.test(intent)) return refuse("lines", "That button is not recognised. Reload the page and try again.");
  const payload = formPayload(formData, schema);
  const lines = Array.isArray(payload.lines) ? (payload.lines as LineValues[]) : [];

  if (intent === "search-items") {
    const q = normalizeItemQuery(formData.get(ITEM_QUERY));
    const items = await searchSavedItems(businessId, q);
    const reply = fieldErrorReply(formData, schema, ITEM_QUERY, "");
    return json<FormReply>({ ...withoutErrors(reply), itemSearch: { q, items: items.map(itemView) } });
  }

  if (intent === "search-customers") {
    const raw = formData.get(CUSTOMER_QUERY);
    const { customers } = await listCustomers(businessId, { q: typeof raw === "string" ? raw : "", limit: CUSTOMER_PICK_LIMIT });
    const reply = fieldErrorReply(formData, schema, CUSTOMER_QUERY, "");
    const q = typeof raw === "string" ? raw.slice(0, 100) : "";
    return json<FormReply>({
      ...withoutErrors(reply),
      customerSearch: { q, customers: customers.map(({ id, name, email, phone }) => ({ id, name, email, phone })) },
    });
  }

  if (intent.startsWith("add-item:")) {
    const item = await getSavedItem(businessId, intent.slice("add-item:".length));
    const { defaultTaxRate } = await businessDefaults(businessId);
    const kept = lines.filter((line) => line && !isBlank(line));
    if (kept.length + 1 > MAX_LINES) return refuse("lines", `A ${kind} holds at most ${MAX_LINES} lines.`);
    const line = {
      description: item.description ?? item.name,
      quantity: "1",
      unitPrice: centsToInput(item.unitPriceCents, currency),
      // Per-line tax: a non-taxable item is 0 %; a taxable one starts at the business's usual rate.
      taxRate: item.taxable ? (defaultTaxRate ? percentToInput(defaultTaxRate) : "") : "0",
    };
    const reply = updateReply(formData, schema, [...kept, line], { name: "lines", drop: [ITEM_QUERY] });
    return json<FormReply>({ ...reply, notice: `Added ${item.name} as line ${kept.length + 1}. Nothing is saved yet.` });
  }

  if (intent.startsWith("save-line:")) {
    const index = Number(intent.slice("save-line:".length));
    const line = lines[index];
    if (!line) return refuse("lines", "That line is not there any more.");
    const perLine = payload.taxMode === "PER_LINE";
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
      return refuse("lines", `Line ${index + 1} could not be saved as an item: check its ${what}. ${issue?.message ?? ""}`.trim());
    }
    try {
      await createSavedItem(businessId, parsed.data);
    } catch (error) {
      if (error instanceof DomainError) return refuse("lines", `Line ${index + 1} was not saved as an item: ${error.message}.`);
      throw error;
    }
    const reply = fieldErrorReply(formData, schema, "lines", "");
    return json<FormReply>({ ...withoutErrors(reply), notice: `Saved line ${index + 1} as the item “${parsed.data.name}”. The ${kind} itself is not saved yet.` });
  }

  if (intent.startsWith("choose-customer:")) {
    const customer = await getCustomer(businessId, intent.slice("choose-customer:".length));
    const reply = updateReply(formData, schema, customer.id, { name: "customerId", drop: [CUSTOMER_QUERY] });
    return json<FormReply>({ ...reply, chosenCustomer: { id: customer.id, name: customer.name }, notice: `Customer ${customer.name} chosen.` });
  }

  // new-customer: the customer form's own schema, with the three fields the editor offers.
  const submission = parseWithZod(
    pick(formData, { name: NEW_CUSTOMER_FIELDS.name, email: NEW_CUSTOMER_FIELDS.email, phone: NEW_CUSTOMER_FIELDS.phone }),
    { schema: CustomerFormSchema },
  );
  if (submission.status !== "success") {
    const errors = submission.error ?? {};
    const labels: Record<string, string> = { name: "Name", email: "Email", phone: "Phone" };
    const message = Object.entries(errors)
      .filter(([, list]) => list?.length)
      .map(([field, list]) => `${labels[field] ?? field}: ${list![0]}`)
      .join(" ");
    return refuse("newCustomer", `The new customer was not added. ${message || "Check the name, email and phone."}`);
  }
  const customer = await createCustomer(businessId, submission.value);
  const reply = updateReply(formData, schema, customer.id, { name: "customerId", drop: [...NEW_CUSTOMER_NAMES, CUSTOMER_QUERY] });
  return json<FormReply>({
    ...reply,
    chosenCustomer: { id: customer.id, name: customer.name },
    notice: `Customer ${customer.name} added and chosen. The ${kind} itself is not saved yet.`,
  });
}

function itemView(item: { id: string; name: string; description: string | null; unitPriceCents: number; taxable: boolean }) {
  return { id: item.id, name: item.name, description: item.description, unitPriceCents: item.unitPriceCents, taxable: item.taxable };
}

/** A re-render of the form as submitted, with no field flagged. */
function withoutErrors(reply: FormReply): FormReply {
  const { status: _status, ...rest } = reply;
  return { ...rest, error: {} };
}

/** The named fields of the editor's form data, renamed to the customer form's field names. */
function pick(formData: FormData, names: Record<string, string>) {
  const out = new FormData();
  for (const [to, from] of Object.entries(names)) {
    const value = formData.get(from);
    if (typeof value === "string") out.set(to, value);
  }
  return out;
}

// A business's test data: customers, invoice and estimate editor forms (as a browser submits them, or
// parsed into the domain's input), the settings profile form, and a snapshot of everything a business
// owns to prove a refused request changed nothing.
import { randomBytes } from "node:crypto";
import type { EstimateInput, InvoiceInput } from "~/models/document-input";

let customerCount = 0;
export async function makeCustomer(businessId: string, overrides: { name?: string; email?: string | null } = {}) {
  const { prisma } = await import("~/utils/db.server");
  customerCount += 1;
  return prisma.customer.create({
    data: {
      businessId,
      name: overrides.name ?? `Customer ${customerCount} ${randomBytes(3).toString("hex")}`,
      email: overrides.email === undefined ? `customer-${randomBytes(4).toString("hex")}@example.com` : overrides.email,
    },
  });
}

export type LineValues = { description: string; quantity: string; unitPrice: string; taxRate?: string; optional?: boolean };

export type DocumentFormFields = {
  customerId: string;
  issueDate?: string;
  /** Invoices. */
  dueDate?: string;
  /** Estimates. */
  validUntil?: string;
  taxMode?: "INVOICE" | "PER_LINE";
  taxRate?: string;
  discountType?: "NONE" | "AMOUNT" | "PERCENT";
  discountValue?: string;
  deposit?: string;
  notes?: string;
  terms?: string;
  lines?: LineValues[];
};

export function isoDate(date = new Date()) {
  return date.toISOString().slice(0, 10);
}

export function shiftDays(date: string, days: number) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return isoDate(d);
}

/**
 * The invoice / estimate editor's fields as a browser without JavaScript submits them (urlencoded). Both
 * end dates are sent (each editor reads its own: an invoice its dueDate, an estimate its validUntil).
 */
export function documentForm(fields: DocumentFormFields, extra: Record<string, string> = {}): Record<string, string> {
  const today = isoDate();
  const form: Record<string, string> = {
    customerId: fields.customerId,
    issueDate: fields.issueDate ?? today,
    dueDate: fields.dueDate ?? shiftDays(today, 14),
    validUntil: fields.validUntil ?? shiftDays(today, 14),
    taxMode: fields.taxMode ?? "INVOICE",
    taxRate: fields.taxRate ?? "",
    discountType: fields.discountType ?? "NONE",
    discountValue: fields.discountValue ?? "",
    deposit: fields.deposit ?? "",
    notes: fields.notes ?? "",
    terms: fields.terms ?? "",
  };
  const lines = fields.lines ?? [{ description: "Labour", quantity: "1", unitPrice: "100.00" }];
  lines.forEach((line, i) => {
    form[`lines[${i}].description`] = line.description;
    form[`lines[${i}].quantity`] = line.quantity;
    form[`lines[${i}].unitPrice`] = line.unitPrice;
    form[`lines[${i}].taxRate`] = line.taxRate ?? "";
    if (line.optional) form[`lines[${i}].optional`] = "on";
  });
  return { ...form, ...extra };
}

/** Parses a DocumentForm the way the action does, for writing invoices and estimates straight through the domain. */
export async function documentInput(fields: DocumentFormFields, currency?: string, kind?: "invoice"): Promise<InvoiceInput>;
export async function documentInput(fields: DocumentFormFields, currency: string, kind: "estimate"): Promise<EstimateInput>;
export async function documentInput(fields: DocumentFormFields, currency = "USD", kind: "invoice" | "estimate" = "invoice") {
  const { documentFormSchema } = await import("~/models/document-form");
  const form = documentForm(fields);
  const value: Record<string, unknown> = { ...form, lines: [] as Record<string, string>[] };
  const lines = value.lines as Record<string, string>[];
  for (const [key, v] of Object.entries(form)) {
    const match = /^lines\[(\d+)\]\.(\w+)$/.exec(key);
    if (!match) continue;
    delete value[key];
    lines[Number(match[1])] ??= {};
    lines[Number(match[1])][match[2]] = v;
  }
  for (const [key, v] of Object.entries(value)) if (v === "") delete value[key];
  for (const line of lines) for (const [key, v] of Object.entries(line)) if (v === "") delete line[key];
  for (const line of lines as Record<string, unknown>[]) if (line.optional === "on") line.optional = true;
  return documentFormSchema(currency, kind).parse(value);
}

/**
 * The complete business profile form as the settings page renders it for a fresh business, with
 * changes. An override of undefined leaves the field out, as an unticked checkbox is not submitted.
 */
export function businessProfileForm(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const form: Record<string, string | undefined> = {
    name: "Test Plumbing",
    email: "",
    phone: "",
    website: "",
    addressLine1: "",
    addressLine2: "",
    city: "",
    region: "",
    postalCode: "",
    country: "",
    currency: "USD",
    timeZone: "America/New_York",
    defaultTaxRate: "0",
    invoicePrefix: "INV-",
    nextInvoiceNumber: "1",
    nextInvoiceNumberWas: "1",
    estimatePrefix: "EST-",
    nextEstimateNumber: "1",
    nextEstimateNumberWas: "1",
    paymentTermsDays: "14",
    reviewUrl: "",
    reviewRequestPeriodDays: "180",
    remindersEnabled: "on",
    reminderDays: "1, 7, 14",
    intent: "save-profile",
    ...overrides,
  };
  return Object.fromEntries(Object.entries(form).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Everything a business owns, in a stable order, to compare before and after a request that must not change it. */
export async function businessSnapshot(businessId: string) {
  const { prisma } = await import("~/utils/db.server");
  const byId = { orderBy: { id: "asc" as const } };
  return prisma.business.findUniqueOrThrow({
    where: { id: businessId },
    include: {
      customers: byId,
      invoices: { ...byId, include: { lines: byId, payments: byId, revisions: byId } },
      estimates: { ...byId, include: { lines: byId } },
      payments: byId,
      activities: byId,
      emailMessages: byId,
      users: byId,
    },
  });
}

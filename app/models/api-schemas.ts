// The JSON API's request and response shapes as zod schemas. Routes validate bodies with them and
// the OpenAPI document (/api/v1/openapi.json) is generated from them, so the two cannot drift.
//
// A body is checked in two steps: a strict schema of JSON types (unknown fields such as businessId
// are refused), then, for invoices and estimates, a parse into the domain's input (InvoiceInputBody,
// EstimateInputBody) that applies the domain's rules (document-input.ts) and reports them on the
// API's own fields, in the API's units. Money is integer minor units (`*Cents`); quantities and
// percentages are decimal strings ("1.5", "8.875") so no float ever carries them. Customers and the
// business profile still run their web form's schema (see docs/decisions/020).
import { z } from "zod";
import { DATE_MAX, DATE_MIN } from "~/utils/dates";
import { parsePercent, parseQuantity } from "~/utils/money";
import { DateString, EmailSchema, PasswordSchema } from "~/utils/schemas";
import { MAX_PAID_CENTS, MAX_PAYMENT_DAYS_AHEAD } from "./payments/payment-rules";
import {
  BUSINESS_LIMITS,
  BusinessProfileSchema,
  MAX_DEFAULT_TAX_RATE,
  MAX_DOCUMENT_NUMBER,
  MAX_PAYMENT_TERMS_DAYS,
  REMINDER_DAYS,
  REVIEW_PERIOD_DAYS,
} from "./business-form";
import { ACCENT_COLOR_MESSAGE, ACCENT_COLOR_PATTERN } from "./branding";
import { CUSTOMER_LIMITS, CustomerFormSchema } from "./customer-form";
import {
  documentCommon,
  documentRuleProblem,
  documentText,
  LineDescription,
  MAX_DISCOUNT_PERCENT,
  MAX_LINE_DESCRIPTION,
  MAX_LINES,
  MAX_QUANTITY_MILLI,
  MAX_TAX_RATE,
  MAX_TEXT,
  MAX_TOTAL,
  MAX_UNIT_PRICE,
  type DocumentCommonInput,
  type DocumentKind,
  type EstimateInput,
  type InvoiceInput,
} from "./document-input";
import { MANUAL_PAYMENT_METHODS } from "./payment-methods";

/** For the OpenAPI document's prose: the payment limits, from the same constants the payment path enforces. */
export const MAX_PAID_CENTS_DOC = MAX_PAID_CENTS;
export const MAX_PAYMENT_DAYS_AHEAD_DOC = MAX_PAYMENT_DAYS_AHEAD;

// ---------------------------------------------------------------------------------------------
// Auth
export const LoginBody = z.strictObject({
  email: EmailSchema.meta({ example: "owner@example.com" }),
  password: z.string().min(1, "Password is required").max(200),
});

export const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(200) });
export const LogoutBody = RefreshBody;

export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1, "Enter your current password").max(200),
  newPassword: PasswordSchema,
});

export const TokenPairResource = z.object({
  tokenType: z.literal("Bearer"),
  accessToken: z.string().describe("JWT (HS256), valid for expiresIn seconds. Send as Authorization: Bearer <token>."),
  expiresIn: z.number().int().describe("Seconds until the access token expires (900)."),
  refreshToken: z.string().describe("Opaque; single use. Exchange it at /auth/refresh before it lapses. Keep it in the keychain."),
  refreshTokenExpiresAt: z.string().meta({ format: "date-time" }).describe("The refresh token lapses if unused until then (7 days of inactivity)."),
});

// ---------------------------------------------------------------------------------------------
// Shared pieces
/**
 * A string the API reads. Postgres text cannot hold NUL, so a "\u0000" that reached a query would
 * fail it (a 500); every request string refuses it here, as an error on its field.
 */
const bodyText = () => z.string().refine((v) => !v.includes("\u0000"), "Remove the NUL character (\\u0000)");
const nullableText = (max: number) => bodyText().max(max).nullable().optional();
const Timestamp = z.string().meta({ format: "date-time" }).describe("ISO 8601 date-time");

/** The range of times the API reads: year 0000 (and other times Postgres or JavaScript cannot hold) is a 400, not a 500. */
export const API_TIME_MIN = "1970-01-01T00:00:00.000Z";
export const API_TIME_MAX = "9999-12-31T23:59:59.999Z";
export const ApiTimestamp = z.iso.datetime({ offset: true }).refine(
  (v) => {
    const t = new Date(v).getTime();
    return Number.isFinite(t) && t >= Date.parse(API_TIME_MIN) && t <= Date.parse(API_TIME_MAX);
  },
  `Use a time between ${API_TIME_MIN.slice(0, 10)} and ${API_TIME_MAX.slice(0, 10)}`,
);
const DateOnly = z.string().meta({ format: "date" }).describe("YYYY-MM-DD");
/** A date a body sends: the form's rule (a real day between DATE_MIN and DATE_MAX), documented as such. */
const BodyDate = DateString.regex(yearRangePattern(), `Pick a date between ${DATE_MIN} and ${DATE_MAX}`)
  .meta({ format: "date" })
  .describe(`YYYY-MM-DD, from ${DATE_MIN} to ${DATE_MAX}`);

/** DATE_MIN..DATE_MAX as a pattern (whole years), so the document states the range the server enforces. */
function yearRangePattern() {
  const [from, to] = [Number(DATE_MIN.slice(0, 4)), Number(DATE_MAX.slice(0, 4))];
  if (!DATE_MIN.endsWith("-01-01") || !DATE_MAX.endsWith("-12-31") || from !== 2000 || to !== 2100)
    throw new Error("yearRangePattern: update it for the new DATE_MIN/DATE_MAX");
  return /^(?:20[0-9]{2}|2100)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$/;
}

/** A percentage cap (thousandths of a percent, a multiple of 10 %) as a pattern, so the document refuses what the server refuses. */
function percentPattern(maxMilli: number) {
  const max = maxMilli / 1000;
  if (!Number.isInteger(max / 10) || max < 10 || max > 100) throw new Error(`percentPattern: unsupported cap ${max}`);
  const below = max === 100 ? "[0-9]?[0-9]" : `[0-${max / 10 - 1}]?[0-9]`;
  return new RegExp(`^(?:${below}(?:\\.[0-9]{1,3})?|${max}(?:\\.0{1,3})?)$`);
}
const percent = (maxMilli: number) =>
  z
    .string()
    .regex(percentPattern(maxMilli), `Enter a percentage from 0 to ${maxMilli / 1000}, up to 3 decimals`)
    .describe(`A percentage as a decimal string from 0 to ${maxMilli / 1000}, up to 3 decimals: "8.875"`);
const TaxPercent = percent(MAX_TAX_RATE);
const DiscountPercent = percent(MAX_DISCOUNT_PERCENT);
const DefaultTaxPercent = percent(MAX_DEFAULT_TAX_RATE);
/** Whole minor units (cents) from 0 to `max`; the messages speak in the API's units. */
const minorUnits = (max: number) =>
  z
    .number({ error: "Send a number of minor units (cents)" })
    .int("Send whole minor units (cents), without a fraction")
    .min(0, "Send 0 or more minor units (cents)")
    .max(max, `At most ${max} minor units (cents)`);
const Cents = minorUnits(MAX_TOTAL);
/** A quantity above zero, up to MAX_QUANTITY_MILLI / 1000 with up to 3 decimals. */
const QUANTITY_PATTERN = new RegExp(
  `^(?!0*(?:\\.0*)?$)(?:[0-9]{1,${String(MAX_QUANTITY_MILLI / 1000).length - 1}}(?:\\.[0-9]{1,3})?|${MAX_QUANTITY_MILLI / 1000}(?:\\.0{1,3})?)$`,
);

// ---------------------------------------------------------------------------------------------
// Customers
// Contact and address fields as bodies send them (customers and the business); the form schemas
// apply the real limits, these only bound the JSON.
function contactFields(limits: {
  name: number;
  email: number;
  phone: number;
  addressLine1: number;
  addressLine2: number;
  city: number;
  region: number;
  postalCode: number;
  country: number;
}) {
  return {
    name: bodyText().min(1).max(limits.name),
    email: nullableText(limits.email),
    phone: nullableText(limits.phone),
    addressLine1: nullableText(limits.addressLine1),
    addressLine2: nullableText(limits.addressLine2),
    city: nullableText(limits.city),
    region: nullableText(limits.region),
    postalCode: nullableText(limits.postalCode),
    country: nullableText(limits.country),
  };
}
const customerFields = { ...contactFields(CUSTOMER_LIMITS), notes: nullableText(CUSTOMER_LIMITS.notes) };
export const CustomerCreateBody = z.strictObject(customerFields);
export const CustomerUpdateBody = z.strictObject({ ...customerFields, name: customerFields.name.optional(), archived: z.boolean().optional() }).partial();
export type CustomerBodyFields = z.infer<typeof CustomerUpdateBody>;

/** The JSON body as the customer form's values (blank clears a field), for CustomerFormSchema. */
export function customerFormValues(body: CustomerBodyFields) {
  const { archived: _archived, ...fields } = body;
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, value ?? ""]));
}
export { CustomerFormSchema };

// Contact and address fields as responses carry them (customers and the business).
const contactResource = {
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  addressLine1: z.string().nullable(),
  addressLine2: z.string().nullable(),
  city: z.string().nullable(),
  region: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string().nullable(),
};

export const CustomerResource = z.object({
  ...contactResource,
  notes: z.string().nullable(),
  archived: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

// ---------------------------------------------------------------------------------------------
// Invoices and estimates
const LineBody = z.strictObject({
  description: bodyText().min(1).max(MAX_LINE_DESCRIPTION),
  quantity: bodyText()
    .regex(QUANTITY_PATTERN, `Enter a quantity above zero, up to ${MAX_QUANTITY_MILLI / 1000}, with up to 3 decimals`)
    .describe(`Decimal string above 0 and up to ${MAX_QUANTITY_MILLI / 1000}, up to 3 decimals: "1.5"`),
  unitPriceCents: minorUnits(MAX_UNIT_PRICE),
  taxRate: TaxPercent.optional().describe(`Used when taxMode is PER_LINE; 0 to ${MAX_TAX_RATE / 1000} %.`),
});

const documentFields = {
  customerId: bodyText().min(1).max(64),
  issueDate: BodyDate,
  taxMode: z.enum(["INVOICE", "PER_LINE"]).optional(),
  taxRate: TaxPercent.optional().describe(`Used when taxMode is INVOICE; 0 to ${MAX_TAX_RATE / 1000} %.`),
  discountType: z.enum(["NONE", "AMOUNT", "PERCENT"]).optional(),
  discountAmountCents: Cents.optional().describe("With discountType AMOUNT."),
  discountPercent: DiscountPercent.optional().describe("With discountType PERCENT."),
  notes: nullableText(MAX_TEXT),
  terms: nullableText(MAX_TEXT),
  lines: z
    .array(LineBody)
    .min(1)
    .max(MAX_LINES)
    .describe(
      `1 to ${MAX_LINES} lines. The subtotal and the total may not exceed ${MAX_TOTAL} minor units (10,000,000.00): split larger work into several documents.`,
    ),
};

export const InvoiceCreateBody = z.strictObject({
  ...documentFields,
  dueDate: BodyDate.describe(`YYYY-MM-DD, on or after issueDate (up to ${DATE_MAX})`),
  depositCents: Cents.optional().describe("Deposit requested now, at most the total; 0 = the whole balance."),
});
export const InvoiceUpdateBody = InvoiceCreateBody.partial();
export const EstimateCreateBody = z.strictObject({
  ...documentFields,
  validUntil: BodyDate.nullable().optional().describe("YYYY-MM-DD, on or after issueDate"),
});
export const EstimateUpdateBody = EstimateCreateBody.partial();
export type DocumentBody = Partial<z.infer<typeof InvoiceCreateBody>> & Partial<z.infer<typeof EstimateCreateBody>>;

/**
 * An invoice or estimate body (a POST, or a PATCH merged over the stored document) as the domain's
 * input. The body is already in the domain's units (cents, YYYY-MM-DD), so this only reads the
 * decimal strings (quantities, percentages) into integers and applies the rules the JSON types cannot
 * say: text rules shared with the web form, a discount value for the discount type, and the domain's
 * cross-field rules (document-input.ts), each reported on the body's own field.
 */
function commonInputFromBody(kind: DocumentKind, body: z.output<z.ZodObject<typeof documentFields>>, ctx: z.RefinementCtx): DocumentCommonInput | null {
  let valid = true;
  const check = <T>(schema: z.ZodType<T>, value: unknown, path: PropertyKey[]): T | null => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path, message: issue.message });
    valid = false;
    return null;
  };
  const text = (value: string | null | undefined, path: string) =>
    value === null || value === undefined ? null : check(documentText(MAX_TEXT), value, [path]);
  const notes = text(body.notes, "notes");
  const terms = text(body.terms, "terms");
  const lines = body.lines.map((line, i) => ({
    description: check(LineDescription, line.description, ["lines", i, "description"]) ?? "",
    // The body's patterns admit only what these parse (QUANTITY_PATTERN, percentPattern).
    quantityMilli: parseQuantity(line.quantity) ?? 0,
    unitPriceCents: line.unitPriceCents,
    taxRate: line.taxRate === undefined ? 0 : (parsePercent(line.taxRate) ?? 0),
  }));
  const discountType = body.discountType ?? "NONE";
  let discountValue = 0;
  if (discountType === "PERCENT") {
    discountValue = body.discountPercent === undefined ? 0 : (parsePercent(body.discountPercent) ?? 0);
    if (discountValue <= 0) {
      ctx.addIssue({ code: "custom", path: ["discountPercent"], message: "With discountType PERCENT, send discountPercent: a percentage above 0, up to 100" });
      valid = false;
    }
  } else if (discountType === "AMOUNT") {
    discountValue = body.discountAmountCents ?? 0;
    if (discountValue <= 0) {
      ctx.addIssue({ code: "custom", path: ["discountAmountCents"], message: "With discountType AMOUNT, send discountAmountCents: whole minor units above 0" });
      valid = false;
    }
  }
  if (!valid) return null;
  return documentCommon(kind, {
    customerId: body.customerId,
    issueDate: body.issueDate,
    taxMode: body.taxMode ?? "INVOICE",
    taxRate: body.taxRate === undefined ? 0 : (parsePercent(body.taxRate) ?? 0),
    discountType,
    discountValue,
    notes,
    terms,
    lines,
  });
}

/** The domain's cross-field rules; the API's fields carry the domain's names, so each problem names its field as is. */
function withDocumentRules<T extends InvoiceInput | EstimateInput>(input: T, ctx: z.RefinementCtx): T {
  const problem = documentRuleProblem(input);
  if (!problem) return input;
  const message =
    problem.field === "lines" ? `The subtotal and the total may not exceed ${MAX_TOTAL} minor units: split the work into several documents` : problem.message;
  ctx.addIssue({ code: "custom", path: [problem.field], message });
  return z.NEVER;
}

/** A complete invoice body as the domain's InvoiceInput (createInvoice, updateInvoice). */
export const InvoiceInputBody = InvoiceCreateBody.transform((body, ctx): InvoiceInput => {
  const common = commonInputFromBody("invoice", body, ctx);
  if (!common) return z.NEVER;
  return withDocumentRules({ ...common, dueDate: body.dueDate, depositCents: body.depositCents ?? 0 }, ctx);
});

/** A complete estimate body as the domain's EstimateInput (createEstimate, updateEstimate). */
export const EstimateInputBody = EstimateCreateBody.transform((body, ctx): EstimateInput => {
  const common = commonInputFromBody("estimate", body, ctx);
  if (!common) return z.NEVER;
  return withDocumentRules({ ...common, validUntil: body.validUntil ?? null }, ctx);
});

const LineResource = z.object({
  description: z.string(),
  quantity: z.string(),
  unitPriceCents: z.number().int(),
  taxRate: z.string(),
  amountCents: z.number().int(),
  taxCents: z.number().int(),
});

const documentResource = {
  id: z.string(),
  number: z.number().int(),
  displayNumber: z.string().describe('With the business\'s prefix: "INV-0042"'),
  currency: z.string().describe("ISO 4217"),
  customerId: z.string(),
  customerName: z.string(),
  issueDate: DateOnly,
  taxMode: z.enum(["INVOICE", "PER_LINE"]),
  taxRate: z.string(),
  discountType: z.enum(["NONE", "AMOUNT", "PERCENT"]),
  discountAmountCents: z.number().int().nullable(),
  discountPercent: z.string().nullable(),
  notes: z.string().nullable(),
  terms: z.string().nullable(),
  lines: z.array(LineResource),
  subtotalCents: z.number().int(),
  discountCents: z.number().int(),
  taxCents: z.number().int(),
  totalCents: z.number().int(),
  sentAt: Timestamp.nullable(),
  viewedAt: Timestamp.nullable(),
  voidedAt: Timestamp.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const InvoiceResource = z.object({
  ...documentResource,
  status: z.enum(["DRAFT", "SENT", "VIEWED", "PARTIALLY_PAID", "PAID", "VOID"]),
  overdue: z.boolean().describe("Open and past its due date in the business's time zone."),
  dueDate: DateOnly,
  depositCents: z.number().int(),
  amountPaidCents: z.number().int(),
  balanceCents: z.number().int(),
  overpaidCents: z.number().int(),
  version: z.number().int(),
  paidAt: Timestamp.nullable(),
  estimateId: z.string().nullable(),
});

export const EstimateResource = z.object({
  ...documentResource,
  status: z.enum(["DRAFT", "SENT", "VIEWED", "APPROVED", "DECLINED", "VOID"]),
  validUntil: DateOnly.nullable(),
  approvedAt: Timestamp.nullable(),
  declinedAt: Timestamp.nullable(),
  invoiceId: z.string().nullable().describe("The invoice it was converted into."),
});

export const SendBody = z.strictObject({
  via: z.enum(["email", "text"]).default("email").describe("email: we email the customer the link. text: mark it sent; the app texts the link."),
});

/** For actions that take no fields: an empty body or {} (anything else is refused as unknown). */
export const EmptyBody = z.strictObject({});

export const PayLinkResource = z.object({
  url: z.string().describe("The customer's signed pay link (no sign-in needed)."),
  expiresAt: Timestamp,
  smsBody: z.string().describe("A ready-made text message carrying the link."),
});

// ---------------------------------------------------------------------------------------------
// Payments
export { MANUAL_PAYMENT_METHODS };

export const PaymentCreateBody = z.strictObject({
  amountCents: z.number().int().min(1).max(MAX_TOTAL),
  method: z.enum(MANUAL_PAYMENT_METHODS),
  receivedOn: BodyDate.describe(`YYYY-MM-DD: the day received, from ${DATE_MIN} to ${MAX_PAYMENT_DAYS_AHEAD} days from today in the business's time zone`),
  reference: bodyText().trim().max(100).nullable().optional().describe("Check number or transfer reference."),
  note: bodyText().trim().max(500).nullable().optional(),
  confirmOverpayment: z
    .boolean()
    .optional()
    .describe("Send true to record an amount that is more than the invoice's total above its balance (otherwise a 400 on confirmOverpayment)."),
});

export const RefundBody = z.strictObject({
  amountCents: z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .optional()
    .describe("Card and PayPal payments: how much to refund; omitted, everything still refundable."),
  reason: bodyText().trim().min(3).max(500).optional().describe("Card and PayPal payments: why (required for them). Manual payments take an empty body."),
});

export const RefundResource = z.object({
  id: z.string(),
  paymentId: z.string(),
  amountCents: z.number().int(),
  currency: z.string(),
  reason: z.string(),
  status: z
    .enum(["PENDING", "COMPLETED", "FAILED"])
    .describe("PENDING until the provider's webhook confirms it; the payment's refundedCents then includes it."),
  failureMessage: z.string().nullable(),
  createdAt: Timestamp,
});

export const PaymentResource = z.object({
  id: z.string(),
  invoiceId: z.string(),
  amountCents: z.number().int(),
  currency: z.string(),
  method: z.string(),
  provider: z.enum(["manual", "stripe", "paypal"]),
  status: z.enum(["PENDING", "SUCCEEDED", "FAILED", "REFUNDED", "DISPUTED"]),
  refundedCents: z.number().int(),
  overpaymentCents: z.number().int(),
  cardBrand: z.string().nullable(),
  cardLast4: z.string().nullable(),
  reference: z.string().nullable(),
  note: z.string().nullable(),
  receivedOn: DateOnly.describe(
    "The day the payment was received (YYYY-MM-DD): as the contractor chose it, or for online payments the day in the business's time zone. Prefer it to receivedAt.",
  ),
  receivedAt: Timestamp.describe("When it was received. For a manual payment only its day is known: 12:00 UTC of receivedOn (use receivedOn)."),
  createdAt: Timestamp,
  updatedAt: Timestamp.describe("Changes with a refund, a dispute or a bank debit settling."),
});

// ---------------------------------------------------------------------------------------------
// Business profile
const PREFIX_PATTERN = /^[A-Za-z0-9\-/]*$/;
export const BusinessUpdateBody = z
  .strictObject({
    ...contactFields(BUSINESS_LIMITS),
    website: nullableText(BUSINESS_LIMITS.website),
    currency: bodyText().length(3).describe("ISO 4217; fixed once the business has invoices or estimates."),
    timeZone: bodyText().max(BUSINESS_LIMITS.timeZone).describe("IANA name such as America/Chicago."),
    defaultTaxRate: DefaultTaxPercent,
    invoicePrefix: bodyText().max(BUSINESS_LIMITS.prefix).regex(PREFIX_PATTERN, "Use letters, digits, - and /"),
    nextInvoiceNumber: z.number().int().min(1).max(MAX_DOCUMENT_NUMBER).describe("Only goes up: numbers are never reused."),
    estimatePrefix: bodyText().max(BUSINESS_LIMITS.prefix).regex(PREFIX_PATTERN, "Use letters, digits, - and /"),
    nextEstimateNumber: z.number().int().min(1).max(MAX_DOCUMENT_NUMBER).describe("Only goes up: numbers are never reused."),
    paymentTermsDays: z.number().int().min(0).max(MAX_PAYMENT_TERMS_DAYS).describe("0 means due on receipt."),
    reviewUrl: nullableText(BUSINESS_LIMITS.reviewUrl).describe("https:// only; required to turn review requests on."),
    reviewRequestsEnabled: z.boolean(),
    reviewRequestPeriodDays: z.number().int().min(REVIEW_PERIOD_DAYS.min).max(REVIEW_PERIOD_DAYS.max),
    remindersEnabled: z.boolean(),
    reminderDays: z.array(z.number().int().min(REMINDER_DAYS.min).max(REMINDER_DAYS.max)).min(1).max(REMINDER_DAYS.count),
    accentColor: z
      .string()
      .regex(ACCENT_COLOR_PATTERN, ACCENT_COLOR_MESSAGE)
      .nullable()
      .describe("Branding on customer pages, emails and PDFs: #rrggbb, or null for none."),
  })
  .partial();

export const BusinessResource = z.object({
  ...contactResource,
  website: z.string().nullable(),
  currency: z.string(),
  currencyLocked: z.boolean(),
  timeZone: z.string(),
  defaultTaxRate: z.string(),
  invoicePrefix: z.string(),
  nextInvoiceNumber: z.number().int(),
  estimatePrefix: z.string(),
  nextEstimateNumber: z.number().int(),
  paymentTermsDays: z.number().int(),
  reviewUrl: z.string().nullable(),
  reviewRequestsEnabled: z.boolean(),
  reviewRequestPeriodDays: z.number().int(),
  remindersEnabled: z.boolean(),
  reminderDays: z.array(z.number().int()),
  hasLogo: z.boolean(),
  accentColor: z.string().nullable(),
  updatedAt: Timestamp,
});

/** The merged profile as the business form's values, for BusinessProfileSchema. */
export function businessFormValues(profile: z.infer<typeof BusinessResource>, patch: z.infer<typeof BusinessUpdateBody>) {
  const merged = { ...profile, ...patch };
  const text = (v: string | null | undefined) => v ?? "";
  return {
    name: merged.name,
    email: text(merged.email),
    phone: text(merged.phone),
    website: text(merged.website),
    addressLine1: text(merged.addressLine1),
    addressLine2: text(merged.addressLine2),
    city: text(merged.city),
    region: text(merged.region),
    postalCode: text(merged.postalCode),
    country: text(merged.country),
    currency: merged.currency,
    timeZone: merged.timeZone,
    defaultTaxRate: merged.defaultTaxRate,
    invoicePrefix: merged.invoicePrefix,
    nextInvoiceNumber: String(merged.nextInvoiceNumber),
    // A number the client sends is meant (a lower one is refused). One it did not send is the value
    // just read: if a document took it meanwhile, the web form's "left as rendered" allowance keeps
    // the current, higher one instead of refusing a field the client never touched.
    nextInvoiceNumberWas: patch.nextInvoiceNumber === undefined ? String(profile.nextInvoiceNumber) : undefined,
    estimatePrefix: merged.estimatePrefix,
    nextEstimateNumber: String(merged.nextEstimateNumber),
    nextEstimateNumberWas: patch.nextEstimateNumber === undefined ? String(profile.nextEstimateNumber) : undefined,
    paymentTermsDays: String(merged.paymentTermsDays),
    reviewUrl: text(merged.reviewUrl),
    reviewRequestsEnabled: merged.reviewRequestsEnabled,
    reviewRequestPeriodDays: String(merged.reviewRequestPeriodDays),
    remindersEnabled: merged.remindersEnabled,
    reminderDays: merged.reminderDays.join(", "),
    accentColor: text(merged.accentColor),
  };
}
export { BusinessProfileSchema };

export const UserResource = z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.string(), businessId: z.string() });

// ---------------------------------------------------------------------------------------------
// Lists: cursor pages in the order of last change, so the apps can sync with updatedSince + order=asc.
export const MAX_PAGE_SIZE = 100;
export const ListQuery = z.strictObject({
  // Plain decimal digits only: "0x10", "1e1", " 5" and "+3" are refused rather than guessed at.
  limit: z
    .string()
    .regex(new RegExp(`^(?:[1-9][0-9]?|${MAX_PAGE_SIZE})$`), `Use a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE, `Use a whole number from 1 to ${MAX_PAGE_SIZE}`))
    .default(50)
    .describe(`Items per page, 1 to ${MAX_PAGE_SIZE} (default 50), as plain digits.`),
  cursor: z.string().max(300).optional().describe("nextCursor from the previous page."),
  order: z.enum(["asc", "desc"]).default("desc").describe("By last change: desc (newest first) or asc (for sync)."),
  updatedSince: ApiTimestamp.optional().describe(
    `Only items changed at or after this time (ISO 8601, ${API_TIME_MIN.slice(0, 4)} to ${API_TIME_MAX.slice(0, 4)}).`,
  ),
});

export const CustomerListQuery = ListQuery.extend({
  q: bodyText().max(100).optional().describe("Search name, email and phone."),
  archived: z.enum(["true", "false"]).optional().describe("true: include archived customers."),
});
export const InvoiceListQuery = ListQuery.extend({
  status: z.enum(["DRAFT", "SENT", "VIEWED", "PARTIALLY_PAID", "PAID", "VOID"]).optional(),
  customerId: bodyText().max(64).optional(),
});
export const EstimateListQuery = ListQuery.extend({
  status: z.enum(["DRAFT", "SENT", "VIEWED", "APPROVED", "DECLINED", "VOID"]).optional(),
  customerId: bodyText().max(64).optional(),
});
export const PaymentListQuery = ListQuery.extend({
  invoiceId: bodyText().max(64).optional(),
});

export const DeletionListQuery = ListQuery.omit({ order: true, updatedSince: true }).extend({
  since: ApiTimestamp.optional().describe("Only deletions at or after this time: the time of the app's last sync."),
  resource: z.enum(["customer", "invoice", "estimate", "payment"]).optional().describe("Only deletions of this kind."),
});

export const DeletionResource = z.object({
  resource: z.enum(["customer", "invoice", "estimate", "payment"]),
  id: z.string().describe("The id of the deleted item. Nothing else is kept (an erased person leaves only this id)."),
  deletedAt: Timestamp,
});

// ---------------------------------------------------------------------------------------------
// Errors and pages
/**
 * Every error code the API answers. The OpenAPI document lists them as an enum, and a test reads the
 * source for every `new ApiError(status, "code"` so a new code cannot go undocumented.
 */
export const API_ERROR_CODES = [
  "bad_request",
  "validation_failed",
  "invalid_json",
  "invalid_body",
  "body_too_large",
  "unauthorized",
  "invalid_credentials",
  "refresh_token_invalid",
  "refresh_token_expired",
  "refresh_token_reused",
  "forbidden",
  "refresh_token_mismatch",
  "not_found",
  "method_not_allowed",
  "conflict",
  "refresh_in_progress",
  "invoice_not_sent",
  "invoice_void",
  "idempotency_key_reused",
  "idempotency_in_progress",
  "gone",
  "precondition_failed",
  "rate_limited",
  "internal_error",
  "error",
] as const;

export const ErrorResource = z.object({
  error: z.object({
    code: z.enum(API_ERROR_CODES).describe("Stable machine-readable code. Apps branch on it; new codes are added only with a new API version."),
    message: z.string().describe("A sentence to show the user."),
    fields: z.record(z.string(), z.array(z.string())).optional().describe('Per-field messages, keyed by path such as "lines.0.unitPriceCents".'),
  }),
});

export function pageResource<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable().describe("Pass as ?cursor= for the next page; null on the last page.") });
}

export function itemResource<T extends z.ZodType>(item: T) {
  return z.object({ data: item });
}

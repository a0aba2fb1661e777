// What the JSON API reads and writes, over the same domain functions the web pages use. Every
// query is scoped by the token's businessId inside the query; another business's id is a 404.
import type { z } from "zod";
import type { Prisma, Refund } from "~/generated/prisma/client.ts";
import { keysetWhere, pageOf, type Cursor } from "~/models/paging.server";
import { ApiError, parseOrThrow, zodFields, type ListOptions } from "~/web/api.server";
import { prisma } from "~/utils/db.server";
import { formatMoney, percentToInput, quantityToInput } from "~/utils/money";
import { todayIn, toDateString } from "~/utils/dates";
import {
  BusinessProfileSchema,
  businessFormValues,
  CustomerFormSchema,
  customerFormValues,
  EstimateInputBody,
  InvoiceInputBody,
  type BusinessResource,
  type BusinessUpdateBody,
  type CustomerBodyFields,
  type CustomerResource,
  type DocumentBody,
  type EstimateResource,
  type InvoiceResource,
  type PaymentCreateBody,
  type PaymentResource,
  type PayLinkResource,
  type RefundBody,
  type RefundResource,
} from "~/models/api-schemas";
import { getBusinessProfile, updateBusinessProfile } from "~/models/business.server";
import { archiveCustomer, createCustomer, restoreCustomer, updateCustomer } from "~/models/customer.server";
import type { DocumentKind } from "~/models/document-input";
import { paymentDay } from "~/models/payments/payment-rules";
import { DomainError, notFound, requirePlausibleId } from "~/models/errors.server";
import { createEstimate, updateEstimate } from "~/models/estimate.server";
import { formatEstimateNumber, formatInvoiceNumber } from "~/models/document-numbers";
import { amountDueNowCents, balanceCents, createInvoice, displayStatus, updateInvoice } from "~/models/invoice.server";
import { dayNumber, LINK_LIFETIME_DAYS, signedUrl } from "~/models/signed-link.server";
import { applyPayment, refundPayment } from "~/models/payments/payment.server";
import { RefundProviderError, requestRefund } from "~/models/payments/refund.server";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A cursor page of `base`, in the order of last change; `updatedSince` and the cursor must both hold. */
function pageQuery<W extends object>(base: W, options: ListOptions, cursor: Cursor | null) {
  return {
    where: {
      ...base,
      AND: [keysetWhere("updatedAt", cursor, options.order), options.updatedSince ? { updatedAt: { gte: new Date(options.updatedSince) } } : {}],
    },
    orderBy: [{ updatedAt: options.order }, { id: options.order }],
    take: options.limit + 1,
  };
}

/**
 * Customers and the business profile: runs the web form's schema over the API body's values (their
 * fields have the same names and units at both edges). Invoices and estimates parse their bodies into
 * the domain input instead (InvoiceInputBody, EstimateInputBody).
 */
function applyRules<S extends z.ZodType>(schema: S, values: unknown): z.output<S> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  throw new ApiError(400, "validation_failed", "Some fields are not valid.", zodFields(parsed.error));
}

// ---------------------------------------------------------------------------------------------
// Customers
type CustomerRow = Prisma.CustomerGetPayload<object>;

function customerResource(c: CustomerRow): z.input<typeof CustomerResource> {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    phone: c.phone,
    addressLine1: c.addressLine1,
    addressLine2: c.addressLine2,
    city: c.city,
    region: c.region,
    postalCode: c.postalCode,
    country: c.country,
    notes: c.notes,
    archived: c.archivedAt !== null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export async function apiListCustomers(businessId: string, options: ListOptions & { q?: string; archived?: boolean }, cursor: Cursor | null) {
  const text = options.q?.trim().replace(/[\\%_]/g, "\\$&");
  const base: Prisma.CustomerWhereInput = {
    businessId,
    // A sync (updatedSince) gets archived customers too, as archived: otherwise archiving one would
    // look like nothing happened, and the app would keep showing it as active.
    ...(options.archived || options.updatedSince ? {} : { archivedAt: null }),
    ...(text
      ? {
          OR: [
            { name: { contains: text, mode: "insensitive" } },
            { email: { contains: text, mode: "insensitive" } },
            { phone: { contains: text, mode: "insensitive" } },
          ],
        }
      : {}),
  };
  const rows = await prisma.customer.findMany(pageQuery(base, options, cursor));
  const page = pageOf(rows, options.limit, (r) => r.updatedAt);
  return { data: page.data.map(customerResource), nextCursor: page.nextCursor };
}

export async function apiGetCustomer(businessId: string, id: string) {
  requirePlausibleId(id, "Customer");
  const customer = await prisma.customer.findFirst({ where: { id, businessId } });
  return customer ? customerResource(customer) : notFound("Customer not found");
}

export async function apiCreateCustomer(businessId: string, body: CustomerBodyFields) {
  const input = applyRules(CustomerFormSchema.strict(), customerFormValues(body));
  return customerResource(await createCustomer(businessId, input));
}

/** A partial update: the fields sent replace the stored ones (null clears), the rest are kept. */
export async function apiUpdateCustomer(businessId: string, current: z.input<typeof CustomerResource>, body: CustomerBodyFields) {
  const { archived, ...fields } = body;
  const { id, archived: _a, createdAt: _c, updatedAt: _u, ...stored } = current;
  if (Object.keys(fields).length) {
    await updateCustomer(businessId, id, applyRules(CustomerFormSchema.strict(), customerFormValues({ ...stored, ...fields })), {
      expectedUpdatedAt: new Date(current.updatedAt),
    });
  }
  if (archived === true) await archiveCustomer(businessId, id);
  if (archived === false) await restoreCustomer(businessId, id);
  return apiGetCustomer(businessId, id);
}

// ---------------------------------------------------------------------------------------------
// Invoices and estimates
const documentInclude = { lines: { orderBy: { position: "asc" } }, customer: { select: { name: true } } } as const;
type InvoiceRow = Prisma.InvoiceGetPayload<{ include: typeof documentInclude }>;
type EstimateRow = Prisma.EstimateGetPayload<{ include: typeof documentInclude & { invoice: { select: { id: true } } } }>;
type Prefixes = { invoicePrefix: string; estimatePrefix: string; timeZone: string; currency: string };

function prefixes(businessId: string): Promise<Prefixes> {
  return prisma.business.findUniqueOrThrow({
    where: { id: businessId },
    select: { invoicePrefix: true, estimatePrefix: true, timeZone: true, currency: true },
  });
}

/** What invoices and estimates answer alike; displayNumber comes formatted for the kind. */
function documentCommon(d: InvoiceRow | EstimateRow, displayNumber: string) {
  return {
    id: d.id,
    number: d.number,
    displayNumber,
    currency: d.currency,
    customerId: d.customerId,
    customerName: d.customer.name,
    issueDate: toDateString(d.issueDate),
    taxMode: d.taxMode,
    taxRate: percentToInput(d.taxRate),
    discountType: d.discountType,
    discountAmountCents: d.discountType === "AMOUNT" ? d.discountValue : null,
    discountPercent: d.discountType === "PERCENT" ? percentToInput(d.discountValue) : null,
    notes: d.notes,
    terms: d.terms,
    lines: d.lines.map((l) => ({
      description: l.description,
      quantity: quantityToInput(l.quantityMilli),
      unitPriceCents: l.unitPriceCents,
      taxRate: percentToInput(l.taxRate),
      amountCents: l.amountCents,
      taxCents: l.taxCents,
    })),
    subtotalCents: d.subtotalCents,
    discountCents: d.discountCents,
    taxCents: d.taxCents,
    totalCents: d.totalCents,
    sentAt: iso(d.sentAt),
    viewedAt: iso(d.viewedAt),
    voidedAt: iso(d.voidedAt),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

function invoiceResource(i: InvoiceRow, business: Prefixes): z.input<typeof InvoiceResource> {
  return {
    ...documentCommon(i, formatInvoiceNumber(business.invoicePrefix, i.number)),
    status: i.status,
    overdue: displayStatus(i, todayIn(business.timeZone)) === "OVERDUE",
    dueDate: toDateString(i.dueDate),
    depositCents: i.depositCents,
    amountPaidCents: i.amountPaidCents,
    balanceCents: balanceCents(i),
    overpaidCents: i.overpaidCents,
    version: i.version,
    paidAt: iso(i.paidAt),
    estimateId: i.estimateId,
  };
}

function estimateResource(e: EstimateRow, business: Prefixes): z.input<typeof EstimateResource> {
  return {
    ...documentCommon(e, formatEstimateNumber(business.estimatePrefix, e.number)),
    status: e.status,
    validUntil: e.validUntil ? toDateString(e.validUntil) : null,
    approvedAt: iso(e.approvedAt),
    declinedAt: iso(e.declinedAt),
    invoiceId: e.invoice?.id ?? null,
  };
}

export async function apiListInvoices(businessId: string, options: ListOptions & { status?: string; customerId?: string }, cursor: Cursor | null) {
  const base: Prisma.InvoiceWhereInput = {
    businessId,
    ...(options.status ? { status: options.status as never } : {}),
    ...(options.customerId ? { customerId: options.customerId } : {}),
  };
  const [rows, business] = await Promise.all([
    prisma.invoice.findMany({ ...pageQuery(base, options, cursor), include: documentInclude }),
    prefixes(businessId),
  ]);
  const page = pageOf(rows, options.limit, (r) => r.updatedAt);
  return { data: page.data.map((r) => invoiceResource(r, business)), nextCursor: page.nextCursor };
}

export async function apiGetInvoice(businessId: string, id: string) {
  requirePlausibleId(id, "Invoice");
  const [invoice, business] = await Promise.all([prisma.invoice.findFirst({ where: { id, businessId }, include: documentInclude }), prefixes(businessId)]);
  return invoice ? invoiceResource(invoice, business) : notFound("Invoice not found");
}

const estimateInclude = { ...documentInclude, invoice: { select: { id: true } } } as const;

export async function apiListEstimates(businessId: string, options: ListOptions & { status?: string; customerId?: string }, cursor: Cursor | null) {
  const base: Prisma.EstimateWhereInput = {
    businessId,
    ...(options.status ? { status: options.status as never } : {}),
    ...(options.customerId ? { customerId: options.customerId } : {}),
  };
  const [rows, business] = await Promise.all([
    prisma.estimate.findMany({ ...pageQuery(base, options, cursor), include: estimateInclude }),
    prefixes(businessId),
  ]);
  const page = pageOf(rows, options.limit, (r) => r.updatedAt);
  return { data: page.data.map((r) => estimateResource(r, business)), nextCursor: page.nextCursor };
}

export async function apiGetEstimate(businessId: string, id: string) {
  requirePlausibleId(id, "Estimate");
  const [estimate, business] = await Promise.all([prisma.estimate.findFirst({ where: { id, businessId }, include: estimateInclude }), prefixes(businessId)]);
  return estimate ? estimateResource(estimate, business) : notFound("Estimate not found");
}

/** The document's current values in the API's body shape, so a PATCH can change a few of them. */
function storedBody(kind: DocumentKind, current: z.input<typeof InvoiceResource> | z.input<typeof EstimateResource>): DocumentBody {
  const base: DocumentBody = {
    customerId: current.customerId,
    issueDate: current.issueDate,
    taxMode: current.taxMode,
    taxRate: current.taxRate,
    discountType: current.discountType,
    discountAmountCents: current.discountAmountCents ?? undefined,
    discountPercent: current.discountPercent ?? undefined,
    notes: current.notes,
    terms: current.terms,
    lines: current.lines.map((l) => ({ description: l.description, quantity: l.quantity, unitPriceCents: l.unitPriceCents, taxRate: l.taxRate })),
  };
  if (kind === "invoice" && "dueDate" in current) return { ...base, dueDate: current.dueDate, depositCents: current.depositCents };
  if (kind === "estimate" && "validUntil" in current) return { ...base, validUntil: current.validUntil };
  return base;
}

export async function apiCreateInvoice(businessId: string, body: DocumentBody, userId: string) {
  const invoice = await createInvoice(businessId, parseOrThrow(InvoiceInputBody, body), { userId });
  return apiGetInvoice(businessId, invoice.id);
}

export async function apiUpdateInvoice(businessId: string, current: z.input<typeof InvoiceResource>, patch: DocumentBody, userId: string) {
  // An empty PATCH changes nothing: no revision, no new version, no change for the apps to sync.
  if (!Object.keys(patch).length) return current;
  const input = parseOrThrow(InvoiceInputBody, { ...storedBody("invoice", current), ...patch });
  await updateInvoice(businessId, current.id, input, userId, { expectedUpdatedAt: new Date(current.updatedAt) });
  return apiGetInvoice(businessId, current.id);
}

export async function apiCreateEstimate(businessId: string, body: DocumentBody) {
  const estimate = await createEstimate(businessId, parseOrThrow(EstimateInputBody, body));
  return apiGetEstimate(businessId, estimate.id);
}

export async function apiUpdateEstimate(businessId: string, current: z.input<typeof EstimateResource>, patch: DocumentBody) {
  if (!Object.keys(patch).length) return current;
  const input = parseOrThrow(EstimateInputBody, { ...storedBody("estimate", current), ...patch });
  await updateEstimate(businessId, current.id, input, { expectedUpdatedAt: new Date(current.updatedAt) });
  return apiGetEstimate(businessId, current.id);
}

/**
 * The customer's signed pay link and a text message carrying it. A draft has no link yet (send it,
 * or send it "via text"); a void invoice no longer has one.
 */
export function payLinkOf(invoice: z.input<typeof InvoiceResource>, now = new Date()): z.input<typeof PayLinkResource> {
  if (invoice.status === "DRAFT") throw new ApiError(409, "invoice_not_sent", "Send the invoice first: a draft has no pay link.");
  if (invoice.status === "VOID") throw new ApiError(409, "invoice_void", "This invoice is void and cannot be paid.");
  const expiresAt = new Date((dayNumber(now) + LINK_LIFETIME_DAYS) * 86_400_000);
  const url = signedUrl("pay", invoice.id, now);
  const due = amountDueNowCents(invoice);
  return {
    url,
    expiresAt: expiresAt.toISOString(),
    smsBody: `Invoice ${invoice.displayNumber} for ${formatMoney(due, invoice.currency)}. View and pay: ${url}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Payments
type PaymentRow = Prisma.PaymentGetPayload<object>;

function paymentResource(p: PaymentRow, timeZone: string): z.input<typeof PaymentResource> {
  return {
    id: p.id,
    invoiceId: p.invoiceId,
    amountCents: p.amountCents,
    currency: p.currency,
    method: p.method,
    provider: p.provider as "manual" | "stripe" | "paypal",
    status: p.status,
    refundedCents: p.refundedCents,
    overpaymentCents: p.overpaymentCents,
    cardBrand: p.cardBrand,
    cardLast4: p.cardLast4,
    reference: p.reference,
    note: p.note,
    receivedOn: paymentDay(p, timeZone),
    receivedAt: p.receivedAt.toISOString(),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

function businessTimeZone(businessId: string) {
  return prisma.business.findUniqueOrThrow({ where: { id: businessId }, select: { timeZone: true } }).then((b) => b.timeZone);
}

export async function apiListPayments(businessId: string, options: ListOptions & { invoiceId?: string }, cursor: Cursor | null) {
  const base: Prisma.PaymentWhereInput = { businessId, ...(options.invoiceId ? { invoiceId: options.invoiceId } : {}) };
  const [rows, timeZone] = await Promise.all([prisma.payment.findMany(pageQuery(base, options, cursor)), businessTimeZone(businessId)]);
  const page = pageOf(rows, options.limit, (r) => r.updatedAt);
  return { data: page.data.map((p) => paymentResource(p, timeZone)), nextCursor: page.nextCursor };
}

/**
 * POST /payments/:id/refund. Manual payments (empty body): recorded as given back, as before. Card and
 * PayPal payments: refunded at the provider through requestRefund (amount optional, reason required),
 * once per Idempotency-Key; the payment changes when the provider's webhook confirms it.
 */
export async function apiRefundPayment(businessId: string, userId: string, id: string, body: z.output<typeof RefundBody>, idempotencyKey: string) {
  requirePlausibleId(id, "Payment");
  const payment = (await prisma.payment.findFirst({ where: { id, businessId } })) ?? notFound("Payment not found");
  if (payment.provider === "manual") {
    if (body.amountCents !== undefined || body.reason !== undefined) {
      throw new ApiError(400, "validation_failed", "Manual payments are refunded whole; send an empty body.", {
        body: ["Send an empty body for a manual payment"],
      });
    }
    await refundPayment(businessId, payment.id);
    return { status: 200, body: { data: await apiGetPayment(businessId, payment.id) } };
  }
  if (!body.reason) throw new ApiError(400, "validation_failed", "Say why you are refunding.", { reason: ["Required for card and PayPal payments"] });
  try {
    const result = await requestRefund({
      businessId,
      paymentId: payment.id,
      amountCents: body.amountCents ?? null,
      reason: body.reason,
      idempotencyKey: `api:${idempotencyKey}`,
      requestedById: userId,
    });
    if (result.status === "duplicate" && body.amountCents !== undefined && body.amountCents !== result.refund.amountCents) {
      throw new ApiError(409, "idempotency_key_reused", "This Idempotency-Key was already used for a different refund. Use a new key for a new refund.");
    }
    return {
      status: result.status === "requested" ? 202 : 200,
      body: { data: await apiGetPayment(businessId, payment.id), refund: refundResource(result.refund), duplicate: result.status === "duplicate" },
    };
  } catch (error) {
    if (error instanceof RefundProviderError) throw new ApiError(error.status === 504 ? 504 : 502, "provider_error", error.message);
    if (error instanceof DomainError && error.field === "amount") throw new ApiError(400, "validation_failed", error.message, { amountCents: [error.message] });
    if (error instanceof DomainError && error.field === "reason") throw new ApiError(400, "validation_failed", error.message, { reason: [error.message] });
    throw error;
  }
}

function refundResource(r: Refund): z.input<typeof RefundResource> {
  return {
    id: r.id,
    paymentId: r.paymentId,
    amountCents: r.amountCents,
    currency: r.currency,
    reason: r.reason,
    status: r.status,
    failureMessage: r.failureMessage,
    createdAt: r.createdAt.toISOString(),
  };
}

export async function apiGetPayment(businessId: string, id: string) {
  requirePlausibleId(id, "Payment");
  const [payment, timeZone] = await Promise.all([prisma.payment.findFirst({ where: { id, businessId } }), businessTimeZone(businessId)]);
  return payment ? paymentResource(payment, timeZone) : notFound("Payment not found");
}

/**
 * Records a payment received by hand through the one payment path (invoice row locked). With an
 * Idempotency-Key header a retried request records nothing twice and returns the first payment.
 */
export async function apiRecordPayment(
  businessId: string,
  invoice: { id: string; currency: string },
  body: z.output<typeof PaymentCreateBody>,
  userId: string,
  idempotencyKey: string,
) {
  const result = await applyPayment({
    businessId,
    invoiceId: invoice.id,
    amountCents: body.amountCents,
    currency: invoice.currency,
    method: body.method,
    provider: "manual",
    providerPaymentId: `${businessId}:api:${idempotencyKey}`,
    receivedAt: new Date(`${body.receivedOn}T12:00:00Z`),
    receivedOn: body.receivedOn,
    confirmOverpayment: body.confirmOverpayment ?? false,
    reference: body.reference || null,
    note: body.note || null,
    recordedById: userId,
  }).catch((error: unknown) => {
    // The domain names the web form's field; the API's is amountCents.
    if (error instanceof DomainError && error.field === "amount") throw new ApiError(400, "validation_failed", error.message, { amountCents: [error.message] });
    throw error;
  });
  const payment = await apiGetPayment(businessId, result.paymentId);
  // A retry is the same request again. The key on another invoice, or for another amount or method,
  // is a different payment: answering "already recorded" would drop it without anyone noticing.
  if (result.status === "duplicate" && (payment.invoiceId !== invoice.id || payment.amountCents !== body.amountCents || payment.method !== body.method)) {
    throw new ApiError(409, "idempotency_key_reused", "This Idempotency-Key was already used for a different payment. Use a new key for a new payment.");
  }
  return { created: result.status === "applied", payment };
}

// ---------------------------------------------------------------------------------------------
// Business profile
export async function apiGetBusiness(businessId: string): Promise<z.input<typeof BusinessResource>> {
  const b = await getBusinessProfile(businessId);
  return {
    id: b.id,
    name: b.name,
    email: b.email,
    phone: b.phone,
    website: b.website,
    addressLine1: b.addressLine1,
    addressLine2: b.addressLine2,
    city: b.city,
    region: b.region,
    postalCode: b.postalCode,
    country: b.country,
    currency: b.currency,
    currencyLocked: b.currencyLocked,
    timeZone: b.timeZone,
    defaultTaxRate: percentToInput(b.defaultTaxRate),
    invoicePrefix: b.invoicePrefix,
    nextInvoiceNumber: b.nextInvoiceNumber,
    estimatePrefix: b.estimatePrefix,
    nextEstimateNumber: b.nextEstimateNumber,
    paymentTermsDays: b.paymentTermsDays,
    reviewUrl: b.reviewUrl,
    reviewRequestsEnabled: b.reviewRequestsEnabled,
    reviewRequestPeriodDays: b.reviewRequestPeriodDays,
    remindersEnabled: b.remindersEnabled,
    reminderDays: b.reminderDays,
    hasLogo: b.hasLogo,
    accentColor: b.accentColor,
    updatedAt: b.updatedAt.toISOString(),
  };
}

export async function apiUpdateBusiness(businessId: string, current: z.input<typeof BusinessResource>, patch: z.output<typeof BusinessUpdateBody>) {
  const input = applyRules(BusinessProfileSchema, businessFormValues(current, patch));
  const result = await updateBusinessProfile(businessId, input, { expectedUpdatedAt: new Date(current.updatedAt) });
  if (!result.ok) throw new ApiError(400, "validation_failed", "Some fields are not valid.", result.fieldErrors as Record<string, string[]>);
  return apiGetBusiness(businessId);
}

// Customers: create, edit, archive, search, keyset pages, history and balance, export pages.
// Every query carries businessId inside its where clause; another business's customer id behaves
// exactly like a missing one (404). The businessId always comes from the session, never a form.
import type { Customer, Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";
import { todayIn, toDateString } from "~/utils/dates";
import { recordActivity } from "./activity.server";
import type { CustomerInput } from "./customer-form";
import { paymentDay } from "./payments/payment-rules";
import { assertUnchanged, notFound, PLAUSIBLE_ID, requirePlausibleId } from "./errors.server";
import { formatEstimateNumber, formatInvoiceNumber } from "./document-numbers";
import { displayStatus, OPEN_STATUSES } from "./invoice.server";
import { listPayments } from "./payments/payment.server";

const CUSTOMER_PAGE_SIZE = 25;
const MAX_CUSTOMER_PAGE_SIZE = 100;
export const EXPORT_BATCH_SIZE = 1000;
const HISTORY_LIMIT = 100;
/** How many matches the editor's customer picker offers (with and without JavaScript). */
export const CUSTOMER_PICK_LIMIT = 8;
const MAX_QUERY_LENGTH = 100;

function customerData(input: CustomerInput) {
  // Optional fields the form left blank are cleared, so an edit can remove an old phone number.
  return {
    name: input.name,
    email: input.email ?? null,
    phone: input.phone ?? null,
    addressLine1: input.addressLine1 ?? null,
    addressLine2: input.addressLine2 ?? null,
    city: input.city ?? null,
    region: input.region ?? null,
    postalCode: input.postalCode ?? null,
    country: input.country ?? null,
    notes: input.notes ?? null,
  };
}

/** Customers offered in the editor's select: active ones by name, plus the current one if archived. */
export async function customerOptions(businessId: string, currentId?: string | null) {
  const customers = await prisma.customer.findMany({
    where: { businessId, archivedAt: null },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: 1000,
    select: { id: true, name: true },
  });
  if (currentId && !customers.some((c) => c.id === currentId)) {
    const current = await prisma.customer.findFirst({ where: { id: currentId, businessId }, select: { id: true, name: true } });
    if (current) customers.unshift(current);
  }
  return customers;
}

export async function createCustomer(businessId: string, input: CustomerInput) {
  return prisma.$transaction(async (tx) => {
    const customer = await tx.customer.create({ data: { businessId, ...customerData(input) } });
    await recordActivity(tx, { businessId, type: "customer.created", message: `Customer ${customer.name} added`, customerId: customer.id });
    return customer;
  });
}

export async function getCustomer(businessId: string, id: string) {
  requirePlausibleId(id, "Customer");
  const customer = await prisma.customer.findFirst({ where: { id, businessId } });
  return customer ?? notFound("Customer not found");
}

export async function updateCustomer(businessId: string, id: string, input: CustomerInput, options: { expectedUpdatedAt?: Date } = {}) {
  requirePlausibleId(id, "Customer");
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.customer.updateMany({ where: { id, businessId, updatedAt: options.expectedUpdatedAt }, data: customerData(input) });
    if (!count) {
      const current = await tx.customer.findFirst({ where: { id, businessId }, select: { updatedAt: true } });
      if (!current) notFound("Customer not found");
      assertUnchanged(current, options.expectedUpdatedAt);
    }
    await recordActivity(tx, { businessId, type: "customer.updated", message: `Customer ${input.name} updated`, customerId: id });
    return tx.customer.findFirstOrThrow({ where: { id, businessId } });
  });
}

async function setArchived(businessId: string, id: string, archived: boolean) {
  requirePlausibleId(id, "Customer");
  return prisma.$transaction(async (tx) => {
    // Only a change of state is written, so archiving twice keeps the first archivedAt.
    const { count } = await tx.customer.updateMany({
      where: { id, businessId, archivedAt: archived ? null : { not: null } },
      data: { archivedAt: archived ? new Date() : null },
    });
    const customer = await tx.customer.findFirst({ where: { id, businessId } });
    if (!customer) notFound("Customer not found");
    if (count) {
      await recordActivity(tx, {
        businessId,
        type: archived ? "customer.archived" : "customer.restored",
        message: `Customer ${customer.name} ${archived ? "archived" : "restored"}`,
        customerId: id,
      });
    }
    return customer;
  });
}

/** Hides the customer from the list and from the pickers of new invoices and estimates. Their history stays. */
export function archiveCustomer(businessId: string, id: string) {
  return setArchived(businessId, id, true);
}

export function restoreCustomer(businessId: string, id: string) {
  return setArchived(businessId, id, false);
}

// ---------------------------------------------------------------------------------------------
// Listing: search and keyset pages ordered by (name, id), served by the index Customer(businessId, name, id).

type CustomerCursor = { name: string; id: string };

/** The cursor is the (name, id) of the last row of a page, as URL-safe base64 of JSON. */
export function encodeCursor(cursor: CustomerCursor) {
  return Buffer.from(JSON.stringify([cursor.name, cursor.id]), "utf8").toString("base64url");
}

/** Null for anything that is not a cursor this code made: a tampered cursor is simply ignored. */
export function decodeCursor(value: string | null | undefined): CustomerCursor | null {
  if (!value || value.length > 1000) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [name, id] = parsed;
    if (typeof name !== "string" || typeof id !== "string" || name.length > 500 || name.includes("\u0000")) return null;
    if (!PLAUSIBLE_ID.test(id)) return null;
    return { name, id };
  } catch {
    return null;
  }
}

/** Search text as typed, made safe to send: no control characters, bounded length. */
export function normalizeQuery(q: string | null | undefined) {
  return (q ?? "")
    .replace(/[\u0000-\u001f\u007f]/g, " ")
    .trim()
    .slice(0, MAX_QUERY_LENGTH)
    .trim();
}

/** Rows strictly after the cursor in (name, id) order. */
function afterCursor(cursor: CustomerCursor): Prisma.CustomerWhereInput {
  // `name >= cursor.name` is implied by the OR, but stated on its own it becomes an index bound, so a
  // deep page starts where the last one ended instead of scanning from the first row.
  return { name: { gte: cursor.name }, OR: [{ name: { gt: cursor.name } }, { id: { gt: cursor.id } }] };
}

type ListCustomersOptions = {
  /** Case-insensitive text searched in name, email and phone. */
  q?: string | null;
  /** true: archived customers are listed too (marked as archived). Default: active customers only. */
  archived?: boolean;
  /** The nextCursor of the previous page. */
  after?: string | null;
  limit?: number;
};

export async function listCustomers(businessId: string, options: ListCustomersOptions = {}) {
  const limit = Math.max(1, Math.min(Math.trunc(options.limit ?? CUSTOMER_PAGE_SIZE) || CUSTOMER_PAGE_SIZE, MAX_CUSTOMER_PAGE_SIZE));
  const q = normalizeQuery(options.q);
  const cursor = decodeCursor(options.after);
  const and: Prisma.CustomerWhereInput[] = [];
  if (q) {
    // Prisma sends `contains` as ILIKE '%…%' without escaping, so "%" or "_" typed in the search
    // box would match everything; backslash is Postgres's default LIKE escape.
    const contains = q.replace(/[\\%_]/g, "\\$&");
    and.push({
      OR: [{ name: { contains, mode: "insensitive" } }, { email: { contains, mode: "insensitive" } }, { phone: { contains, mode: "insensitive" } }],
    });
  }
  if (cursor) and.push(afterCursor(cursor));
  const rows = await prisma.customer.findMany({
    where: { businessId, ...(options.archived ? {} : { archivedAt: null }), AND: and },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: limit + 1,
    select: { id: true, name: true, email: true, phone: true, city: true, region: true, archivedAt: true },
  });
  const hasMore = rows.length > limit;
  const customers = hasMore ? rows.slice(0, limit) : rows;
  const last = customers[customers.length - 1];
  return { customers, nextCursor: hasMore && last ? encodeCursor(last) : null };
}

/**
 * Every customer of the business (archived too) in (name, id) order, EXPORT_BATCH_SIZE rows at a
 * time, so an export of tens of thousands of customers never holds them all in memory.
 */
export async function* customerExportBatches(businessId: string, batchSize = EXPORT_BATCH_SIZE) {
  let cursor: CustomerCursor | null = null;
  for (;;) {
    const batch: Customer[] = await prisma.customer.findMany({
      where: { businessId, ...(cursor ? afterCursor(cursor) : {}) },
      orderBy: [{ name: "asc" }, { id: "asc" }],
      take: batchSize,
    });
    if (batch.length) yield batch;
    if (batch.length < batchSize) return;
    const last = batch[batch.length - 1];
    cursor = { name: last.name, id: last.id };
  }
}

// ---------------------------------------------------------------------------------------------
// History: what the business has done with one customer, newest first, and what they owe.

export async function customerHistory(businessId: string, id: string) {
  const customer = await getCustomer(businessId, id);
  const where = { businessId, customerId: customer.id };
  const [business, estimates, invoices, payments, owed] = await Promise.all([
    prisma.business.findUniqueOrThrow({
      where: { id: businessId },
      select: { currency: true, timeZone: true, invoicePrefix: true, estimatePrefix: true },
    }),
    prisma.estimate.findMany({
      where,
      orderBy: [{ issueDate: "desc" }, { number: "desc" }],
      take: HISTORY_LIMIT + 1,
      select: { id: true, number: true, status: true, issueDate: true, validUntil: true, totalCents: true, currency: true },
    }),
    prisma.invoice.findMany({
      where,
      orderBy: [{ issueDate: "desc" }, { number: "desc" }],
      take: HISTORY_LIMIT + 1,
      select: {
        id: true,
        number: true,
        status: true,
        issueDate: true,
        dueDate: true,
        totalCents: true,
        amountPaidCents: true,
        currency: true,
      },
    }),
    listPayments(businessId, { customerId: customer.id, take: HISTORY_LIMIT + 1 }),
    // Summed per currency: a business that changed currency must not add dollars to euros.
    prisma.invoice.groupBy({
      by: ["currency"],
      where: { ...where, status: { in: OPEN_STATUSES } },
      _sum: { totalCents: true, amountPaidCents: true },
      orderBy: { currency: "asc" },
    }),
  ]);
  const balanceOwed = owed
    .map((row) => ({ currency: row.currency, cents: (row._sum.totalCents ?? 0) - (row._sum.amountPaidCents ?? 0) }))
    .filter((row) => row.cents !== 0);
  const today = todayIn(business.timeZone);
  return {
    customer,
    business,
    estimates: estimates.slice(0, HISTORY_LIMIT).map((estimate) => ({
      ...estimate,
      label: formatEstimateNumber(business.estimatePrefix, estimate.number),
      issuedOn: toDateString(estimate.issueDate),
      validUntilOn: estimate.validUntil ? toDateString(estimate.validUntil) : null,
    })),
    moreEstimates: estimates.length > HISTORY_LIMIT,
    invoices: invoices.slice(0, HISTORY_LIMIT).map((invoice) => ({
      ...invoice,
      label: formatInvoiceNumber(business.invoicePrefix, invoice.number),
      issuedOn: toDateString(invoice.issueDate),
      dueOn: toDateString(invoice.dueDate),
      displayStatus: displayStatus(invoice, today),
    })),
    moreInvoices: invoices.length > HISTORY_LIMIT,
    payments: payments.slice(0, HISTORY_LIMIT).map((p) => ({
      id: p.id,
      amountCents: p.amountCents,
      currency: p.currency,
      method: p.method,
      status: p.status,
      receivedAt: p.receivedAt,
      // The day as the owner recorded it (online payments: the day in the business's time zone).
      receivedOn: paymentDay(p, business.timeZone),
      reference: p.reference,
      invoice: { id: p.invoice.id, number: p.invoice.number, label: formatInvoiceNumber(business.invoicePrefix, p.invoice.number) },
    })),
    morePayments: payments.length > HISTORY_LIMIT,
    /** Sum of totalCents - amountPaidCents over SENT, VIEWED and PARTIALLY_PAID invoices, per currency. */
    balanceOwed,
  };
}

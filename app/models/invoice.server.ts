// Invoices: numbering, totals, edits with history, status rules. Every query is scoped by businessId
// inside the query; another business's id behaves exactly like a missing one (404).
import type { InvoiceStatus, Prisma } from "~/generated/prisma/client.ts";
import { invoiceSentEmail } from "~/emails/invoice-sent.server";
import { prisma } from "~/utils/db.server";
import { queueEmail } from "~/utils/email.server";
import { formatMoney } from "~/utils/money";
import { dateOnly, todayIn, toDateString } from "~/utils/dates";
import { loadEmailBrand } from "./branding.server";
import { invoiceLabel, recordActivity } from "./activity.server";
import type { InvoiceInput } from "./document-input";
import { assertUnchanged, DomainError, notFound } from "./errors.server";
import { formatInvoiceNumber } from "./document-numbers";
import { documentCustomer, documentRows } from "./document.server";
import { signedUrl } from "./signed-link.server";
import { assertCanWrite } from "./subscription.server";

type Tx = Prisma.TransactionClient;

/**
 * Options for transactions that take a row lock others queue behind (the business row for numbering,
 * the invoice row for payments). Under a burst the queue is the point, so waiting for a pooled
 * connection may take longer than Prisma's 2 s default before the transaction even starts.
 */
export const LOCKING_TRANSACTION = { maxWait: 15_000, timeout: 20_000 } as const;

export const OPEN_STATUSES: InvoiceStatus[] = ["SENT", "VIEWED", "PARTIALLY_PAID"];
type DisplayStatus = InvoiceStatus | "OVERDUE";
/** List filters: a display status, or OPEN for every unpaid, sent invoice. */
type StatusFilter = DisplayStatus | "OPEN";

/** Invoice numbers are formatted in the pure document-numbers module; the invoice pages import it from here. */
export { formatInvoiceNumber };

/** Overdue is derived, never stored: an open invoice whose due date is before today in the business's zone. */
export function displayStatus(invoice: { status: InvoiceStatus; dueDate: Date | string }, today: string): DisplayStatus {
  if (OPEN_STATUSES.includes(invoice.status) && toDateString(invoice.dueDate) < today) return "OVERDUE";
  return invoice.status;
}

export function balanceCents(invoice: { totalCents: number; amountPaidCents: number }) {
  return Math.max(0, invoice.totalCents - invoice.amountPaidCents);
}

/** What the customer is asked to pay now: the deposit while it is not covered, otherwise the balance. */
export function amountDueNowCents(invoice: { totalCents: number; amountPaidCents: number; depositCents: number }) {
  const balance = balanceCents(invoice);
  if (invoice.depositCents > 0 && invoice.amountPaidCents < invoice.depositCents) {
    return Math.min(balance, invoice.depositCents - invoice.amountPaidCents);
  }
  return balance;
}

/** Takes the next number from the business row; the row lock serialises concurrent creates. */
async function takeNumber(tx: Tx, businessId: string, kind: "invoice" | "estimate") {
  const column = kind === "invoice" ? "nextInvoiceNumber" : "nextEstimateNumber";
  const rows = await tx.$queryRawUnsafe<{ number: number; currency: string; prefix: string }[]>(
    `UPDATE "Business" SET "${column}" = "${column}" + 1 WHERE id = $1
     RETURNING "${column}" - 1 AS number, currency, "${kind === "invoice" ? "invoicePrefix" : "estimatePrefix"}" AS prefix`,
    businessId,
  );
  if (!rows.length) notFound();
  return rows[0];
}
export { takeNumber as takeDocumentNumber };

export async function createInvoice(
  businessId: string,
  input: InvoiceInput,
  options: { userId?: string; estimateId?: string; tx?: Tx; recurring?: { scheduleId: string; period: string } } = {},
) {
  const run = async (tx: Tx) => {
    await assertCanWrite(businessId, { tx });
    const customer = await documentCustomer(tx, businessId, input.customerId, { active: true });
    const { number, currency, prefix } = await takeNumber(tx, businessId, "invoice");
    const { lines, columns } = documentRows(businessId, input);
    const invoice = await tx.invoice.create({
      data: {
        businessId,
        customerId: customer.id,
        estimateId: options.estimateId,
        number,
        currency,
        ...columns,
        dueDate: dateOnly(input.dueDate),
        depositCents: input.depositCents,
        recurringScheduleId: options.recurring?.scheduleId,
        recurringPeriod: options.recurring ? dateOnly(options.recurring.period) : undefined,
        lines: { createMany: { data: lines } },
      },
      select: { id: true, number: true },
    });
    await recordActivity(tx, {
      businessId,
      type: "invoice.created",
      message: `Invoice ${formatInvoiceNumber(prefix, number)} created for ${customer.name}`,
      invoiceId: invoice.id,
      customerId: customer.id,
    });
    return invoice;
  };
  return options.tx ? run(options.tx) : prisma.$transaction(run, LOCKING_TRANSACTION);
}

const invoiceDetail = {
  lines: { orderBy: { position: "asc" } },
  customer: true,
  payments: { orderBy: { receivedAt: "asc" } },
  revisions: { orderBy: { version: "desc" }, select: { id: true, version: true, createdAt: true, snapshot: true } },
  estimate: { select: { id: true, number: true } },
  emailMessages: {
    orderBy: { createdAt: "desc" },
    take: 20,
    select: {
      id: true,
      template: true,
      to: true,
      status: true,
      error: true,
      createdAt: true,
      sentAt: true,
      deliveredAt: true,
      openedAt: true,
      clickedAt: true,
      bouncedAt: true,
      complainedAt: true,
    },
  },
  recurringSchedule: { select: { id: true, active: true } },
  schedulesFromThis: { where: { active: true }, select: { id: true } },
} satisfies Prisma.InvoiceInclude;

export async function getInvoice(businessId: string, id: string) {
  const invoice = await prisma.invoice.findFirst({ where: { id, businessId }, include: invoiceDetail });
  return invoice ?? notFound("Invoice not found");
}

const invoicePageDetail = {
  ...invoiceDetail,
  payments: {
    orderBy: { receivedAt: "asc" },
    include: {
      refunds: {
        orderBy: { createdAt: "desc" },
        select: { id: true, amountCents: true, status: true, reason: true, failureMessage: true, createdAt: true },
      },
    },
  },
} satisfies Prisma.InvoiceInclude;

/**
 * The invoice page's read: the invoice with each payment's refunds, in one statement, so the balance,
 * the payments and the refunds shown all come from the same moment (a refund the provider confirms
 * between two reads cannot show as refunded beside a balance from before it).
 */
export async function getInvoiceWithRefunds(businessId: string, id: string) {
  const invoice = await prisma.invoice.findFirst({ where: { id, businessId }, include: invoicePageDetail });
  return invoice ?? notFound("Invoice not found");
}

/** Locks the invoice row for the rest of the transaction (SELECT ... FOR UPDATE), scoped to the business. */
export async function lockInvoice(tx: Tx, businessId: string, id: string) {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Invoice" WHERE id = ${id} AND "businessId" = ${businessId} FOR UPDATE`;
  if (!rows.length) notFound("Invoice not found");
  return tx.invoice.findUniqueOrThrow({ where: { id }, include: { lines: { orderBy: { position: "asc" } } } });
}

function snapshotOf(invoice: Awaited<ReturnType<typeof lockInvoice>>) {
  return {
    number: invoice.number,
    status: invoice.status,
    customerId: invoice.customerId,
    issueDate: toDateString(invoice.issueDate),
    dueDate: toDateString(invoice.dueDate),
    taxMode: invoice.taxMode,
    taxRate: invoice.taxRate,
    discountType: invoice.discountType,
    discountValue: invoice.discountValue,
    depositCents: invoice.depositCents,
    subtotalCents: invoice.subtotalCents,
    discountCents: invoice.discountCents,
    taxCents: invoice.taxCents,
    totalCents: invoice.totalCents,
    notes: invoice.notes,
    terms: invoice.terms,
    lines: invoice.lines.map((l) => ({
      description: l.description,
      quantityMilli: l.quantityMilli,
      unitPriceCents: l.unitPriceCents,
      taxRate: l.taxRate,
      amountCents: l.amountCents,
      taxCents: l.taxCents,
    })),
  };
}

/** Why an invoice in this status cannot be edited, or null when it can. */
export function editBlockedReason(status: InvoiceStatus) {
  if (status === "PAID") return "A paid invoice cannot be edited. Void it or refund the payment instead.";
  if (status === "VOID") return "A void invoice cannot be edited.";
  return null;
}

/** Paid and void invoices are frozen; sent ones keep every earlier version as a revision. */
export async function updateInvoice(businessId: string, id: string, input: InvoiceInput, userId?: string, options: { expectedUpdatedAt?: Date } = {}) {
  return prisma.$transaction(async (tx) => {
    const current = await lockInvoice(tx, businessId, id);
    assertUnchanged(current, options.expectedUpdatedAt);
    const blocked = editBlockedReason(current.status);
    if (blocked) throw new DomainError(blocked);
    const customer = await documentCustomer(tx, businessId, input.customerId, { active: false });
    const { totals, lines, columns } = documentRows(businessId, input);
    if (current.amountPaidCents > totals.totalCents) {
      throw new DomainError("The new total is less than what the customer has already paid.", "lines");
    }
    const keepHistory = current.status !== "DRAFT";
    if (keepHistory) {
      await tx.invoiceRevision.create({
        data: { businessId, invoiceId: id, version: current.version, snapshot: snapshotOf(current), editedById: userId },
      });
    }
    await tx.invoiceLine.deleteMany({ where: { invoiceId: id, businessId } });
    await tx.invoiceLine.createMany({ data: lines.map((l) => ({ ...l, invoiceId: id })) });
    let status: InvoiceStatus = current.status;
    if (current.amountPaidCents > 0) status = current.amountPaidCents >= totals.totalCents ? "PAID" : "PARTIALLY_PAID";
    await tx.invoice.update({
      where: { id },
      data: {
        customerId: customer.id,
        ...columns,
        dueDate: dateOnly(input.dueDate),
        depositCents: input.depositCents,
        status,
        paidAt: status === "PAID" ? (current.paidAt ?? new Date()) : current.paidAt,
        version: keepHistory ? current.version + 1 : current.version,
      },
    });
    await recordActivity(tx, {
      businessId,
      type: "invoice.updated",
      message: keepHistory
        ? `Invoice ${await invoiceLabel(tx, businessId, current.number)} edited (version ${current.version + 1})`
        : `Invoice ${await invoiceLabel(tx, businessId, current.number)} edited`,
      invoiceId: id,
      customerId: customer.id,
    });
  });
}

/** Marks an invoice sent (the first send moves a draft to SENT; later sends keep the status). */
export async function markInvoiceSent(businessId: string, id: string) {
  return prisma.$transaction(async (tx) => {
    await assertCanWrite(businessId, { tx });
    const invoice = await lockInvoice(tx, businessId, id);
    if (invoice.status === "VOID") throw new DomainError("A void invoice cannot be sent.");
    const now = new Date();
    await tx.invoice.update({
      where: { id },
      data: { status: invoice.status === "DRAFT" ? "SENT" : invoice.status, sentAt: now },
    });
    await recordActivity(tx, {
      businessId,
      type: "invoice.sent",
      message: `Invoice ${await invoiceLabel(tx, businessId, invoice.number)} sent`,
      invoiceId: id,
      customerId: invoice.customerId,
    });
    return invoice;
  });
}

/**
 * Emails the customer the signed pay link and marks the invoice sent. The email and its send job are
 * queued in the same transaction, so an invoice is never marked sent by email without its message.
 */
export async function sendInvoice(businessId: string, id: string) {
  await prisma.$transaction((tx) => sendInvoiceInTx(tx, businessId, id), LOCKING_TRANSACTION);
}

export async function sendInvoiceInTx(tx: Tx, businessId: string, id: string) {
  await assertCanWrite(businessId, { tx });
  const invoice = await lockInvoice(tx, businessId, id);
  if (invoice.status === "VOID") throw new DomainError("A void invoice cannot be sent.");
  // One after the other: a transaction is one connection, and pg refuses overlapping queries on one client (pg 9).
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: invoice.customerId }, select: { name: true, email: true } });
  const business = await tx.business.findUniqueOrThrow({ where: { id: businessId }, select: { name: true, invoicePrefix: true } });
  if (!customer.email) throw new DomainError("Add an email address to the customer first, or text them the link.");
  await tx.invoice.update({ where: { id }, data: { status: invoice.status === "DRAFT" ? "SENT" : invoice.status, sentAt: new Date() } });
  await recordActivity(tx, {
    businessId,
    type: "invoice.sent",
    message: `Invoice ${await invoiceLabel(tx, businessId, invoice.number)} emailed to ${customer.email}`,
    invoiceId: id,
    customerId: invoice.customerId,
  });
  return queueEmail(tx, {
    businessId,
    to: customer.email,
    template: "invoice-sent",
    invoiceId: id,
    ...invoiceSentEmail({
      businessName: business.name,
      customerName: customer.name,
      invoiceNumber: formatInvoiceNumber(business.invoicePrefix, invoice.number),
      amountDue: formatMoney(amountDueNowCents(invoice), invoice.currency),
      dueDate: toDateString(invoice.dueDate),
      url: signedUrl("pay", id),
      brand: await loadEmailBrand(businessId, tx),
    }),
  });
}

/** The customer opened the invoice: SENT becomes VIEWED once; later states are kept. */
/** How often a customer's repeat views of a link are written down (lastViewedAt). */
export const VIEW_REFRESH_MS = 60_000;

/** True when a view of a document last seen as `seen` would change nothing worth a write. */
export function viewIsFresh(seen: { status: string; lastViewedAt: Date | null } | undefined, now = Date.now()) {
  return !!seen && seen.status !== "SENT" && !!seen.lastViewedAt && now - seen.lastViewedAt.getTime() < VIEW_REFRESH_MS;
}

/**
 * The customer opened the invoice. The first view moves SENT to VIEWED, sets viewedAt and adds an
 * activity event; later views only move lastViewedAt, and at most once a minute, so a customer
 * refreshing the pay page costs reads only. `seen` is the row the caller already loaded: when it
 * shows a view within the minute, no statement is sent at all. The row lock in the CTE makes two
 * simultaneous first views record one event.
 */
export async function markInvoiceViewed(businessId: string, id: string, seen?: { status: string; lastViewedAt: Date | null }) {
  if (viewIsFresh(seen)) return;
  const rows = await prisma.$queryRaw<{ previousStatus: string; number: number; customerId: string }[]>`
    WITH target AS (
      SELECT id, status FROM "Invoice"
       WHERE id = ${id} AND "businessId" = ${businessId}
         AND ("lastViewedAt" IS NULL OR "lastViewedAt" < (now() AT TIME ZONE 'UTC') - interval '1 minute')
         FOR UPDATE
    )
    UPDATE "Invoice" AS i SET
      "lastViewedAt" = now() AT TIME ZONE 'UTC',
      status = CASE WHEN target.status = 'SENT' THEN 'VIEWED'::"InvoiceStatus" ELSE i.status END,
      "viewedAt" = CASE WHEN target.status = 'SENT' THEN now() AT TIME ZONE 'UTC' ELSE i."viewedAt" END,
      "updatedAt" = CASE WHEN target.status = 'SENT' THEN now() AT TIME ZONE 'UTC' ELSE i."updatedAt" END
    FROM target WHERE i.id = target.id
    RETURNING target.status::text AS "previousStatus", i.number, i."customerId"`;
  const first = rows[0];
  if (first?.previousStatus === "SENT") {
    await prisma.activityEvent.create({
      data: {
        businessId,
        type: "invoice.viewed",
        message: `Customer opened invoice ${await invoiceLabel(prisma, businessId, first.number)}`,
        invoiceId: id,
        customerId: first.customerId,
      },
    });
  }
}

export async function voidInvoice(businessId: string, id: string) {
  return prisma.$transaction(async (tx) => {
    const invoice = await lockInvoice(tx, businessId, id);
    if (invoice.status === "VOID") return invoice;
    await tx.invoice.update({ where: { id }, data: { status: "VOID", voidedAt: new Date() } });
    await recordActivity(tx, {
      businessId,
      type: "invoice.voided",
      message: `Invoice ${await invoiceLabel(tx, businessId, invoice.number)} voided`,
      invoiceId: id,
      customerId: invoice.customerId,
    });
    return invoice;
  });
}

type InvoiceListFilters = {
  status?: StatusFilter;
  customerId?: string;
  from?: string;
  to?: string;
  q?: string;
  /** Keyset cursor: the last invoice number of the previous page (list is newest number first). */
  before?: number;
  limit?: number;
};

/** Prisma passes `contains` to ILIKE as is: escape it so a typed % or _ is text, not a wildcard. */
function likeText(text: string) {
  return text.replace(/[\\%_]/g, "\\$&");
}

/** Text shorter than a trigram gives the trigram index nothing to look up. */
const TRIGRAM_LENGTH = 3;
/** Past this many matching customers, walking invoices newest-first finds a page sooner than a list of ids. */
const NAME_MATCH_LIMIT = 1000;

/**
 * The customers whose name contains `q`, found through the trigram index (Customer_name_trgm_idx), or
 * null when the index cannot help (under three characters) or so many match that filtering the
 * newest-first walk by name is cheaper anyway.
 */
async function customersNamed(businessId: string, q: string | undefined) {
  const text = q?.trim();
  if (!text || text.length < TRIGRAM_LENGTH) return null;
  const rows = await prisma.customer.findMany({
    where: { businessId, name: { contains: likeText(text), mode: "insensitive" } },
    select: { id: true },
    take: NAME_MATCH_LIMIT + 1,
  });
  return rows.length > NAME_MATCH_LIMIT ? null : rows.map((r) => r.id);
}

/**
 * `nameMatches`: the ids of the customers whose name matches `q`, when already looked up (see
 * customersNamed); otherwise the name is matched through the join, invoice by invoice.
 */
function invoiceWhere(businessId: string, filters: InvoiceListFilters, today: string, nameMatches?: string[] | null): Prisma.InvoiceWhereInput {
  const where: Prisma.InvoiceWhereInput = { businessId };
  if (filters.status === "OVERDUE") {
    where.status = { in: OPEN_STATUSES };
    where.dueDate = { lt: dateOnly(today) };
  } else if (filters.status === "OPEN") where.status = { in: OPEN_STATUSES };
  else if (filters.status) where.status = filters.status;
  if (filters.customerId) where.customerId = filters.customerId;
  if (filters.from || filters.to) {
    where.issueDate = { ...(filters.from ? { gte: dateOnly(filters.from) } : {}), ...(filters.to ? { lte: dateOnly(filters.to) } : {}) };
  }
  const q = filters.q?.trim();
  if (q) {
    const digits = q.replace(/^\D+/, "");
    where.OR = [
      nameMatches ? { customerId: { in: nameMatches } } : { customer: { name: { contains: likeText(q), mode: "insensitive" } } },
      ...(/^\d{1,9}$/.test(digits) ? [{ number: Number(digits) }] : []),
    ];
  }
  return where;
}

export async function listInvoices(businessId: string, filters: InvoiceListFilters, today: string) {
  const limit = Math.min(filters.limit ?? 25, 100);
  // A name search looks up the matching customers first (a trigram index scan), then walks only their
  // invoices: for a mid-frequency name that is about 460 buffers instead of 10,800 (BENCHMARKS.md).
  const where = invoiceWhere(businessId, filters, today, await customersNamed(businessId, filters.q));
  if (filters.before) where.number = { lt: filters.before };
  const rows = await prisma.invoice.findMany({
    where,
    orderBy: { number: "desc" },
    take: limit + 1,
    select: {
      id: true,
      number: true,
      status: true,
      issueDate: true,
      dueDate: true,
      totalCents: true,
      amountPaidCents: true,
      currency: true,
      customer: { select: { id: true, name: true } },
    },
  });
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  return { invoices: page, nextCursor: hasMore ? page[page.length - 1].number : null };
}

export async function businessToday(businessId: string) {
  const business = await prisma.business.findUniqueOrThrow({ where: { id: businessId }, select: { timeZone: true } });
  return todayIn(business.timeZone);
}

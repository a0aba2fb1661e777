// Expenses and their receipt photos. Every query carries businessId in its where clause: another
// business's expense, customer, invoice or receipt behaves exactly like a missing one. Receipt bytes live
// in ExpenseReceipt and are loaded only to serve or read one photo.
import { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";
import { dateOnly, todayIn, toDateString } from "~/utils/dates";
import { DomainError, notFound, PLAUSIBLE_ID, requirePlausibleId } from "./errors.server";
import {
  EXPENSE_PAGE_SIZE,
  type ExpenseCategory,
  type ExpenseFilters,
  type ExpenseInput,
  receiptRejection,
  type ReceiptMimeType,
  sniffReceiptType,
} from "./expense-form";
import { formatInvoiceNumber } from "./document-numbers";

/** Drafts (read on the new-expense form, never saved) older than this are deleted by the nightly cleanup. */
const DRAFT_RECEIPT_TTL_MS = 24 * 60 * 60 * 1000;
const INVOICE_OPTIONS_LIMIT = 200;

export type ReceiptUpload = { bytes: Uint8Array<ArrayBuffer>; mimeType: ReceiptMimeType };

/** The photo must be an accepted image whose sniffed type is the one given. */
function checkReceipt(upload: ReceiptUpload) {
  const rejection = receiptRejection(upload.bytes);
  if (rejection) throw new DomainError(rejection, "receipt");
  if (sniffReceiptType(upload.bytes) !== upload.mimeType) throw new DomainError("That file is not the image type it claims to be", "receipt");
}

type Tx = Prisma.TransactionClient;

/** The customer and invoice an expense points at must be this business's (checked inside the write). */
async function checkLinks(tx: Tx, businessId: string, input: Pick<ExpenseInput, "customerId" | "invoiceId">) {
  if (input.customerId) {
    const customer = await tx.customer.findFirst({ where: { id: input.customerId, businessId }, select: { id: true } });
    if (!customer) throw new DomainError("Choose one of your customers", "customerId");
  }
  if (input.invoiceId) {
    const invoice = await tx.invoice.findFirst({ where: { id: input.invoiceId, businessId }, select: { id: true, customerId: true } });
    if (!invoice) throw new DomainError("Choose one of your invoices", "invoiceId");
    if (input.customerId && invoice.customerId !== input.customerId) {
      throw new DomainError("That invoice is for a different customer", "invoiceId");
    }
  }
}

/** Attaches the new photo, or the draft that was read, to the expense (replacing any earlier photo). */
async function attachReceipt(tx: Tx, businessId: string, expenseId: string, receipt: { upload?: ReceiptUpload | null; draftId?: string | null }) {
  if (receipt.upload) {
    checkReceipt(receipt.upload);
    await tx.expenseReceipt.deleteMany({ where: { businessId, expenseId } });
    await tx.expenseReceipt.create({
      data: { businessId, expenseId, bytes: receipt.upload.bytes, mimeType: receipt.upload.mimeType, byteSize: receipt.upload.bytes.byteLength },
    });
    return;
  }
  if (receipt.draftId) {
    const draft = await tx.expenseReceipt.findFirst({ where: { id: receipt.draftId, businessId, expenseId: null }, select: { id: true } });
    if (!draft) throw new DomainError("The receipt photo that was read is no longer available: choose it again", "receipt");
    await tx.expenseReceipt.deleteMany({ where: { businessId, expenseId } });
    await tx.expenseReceipt.update({ where: { id: draft.id }, data: { expenseId } });
  }
}

function expenseData(input: ExpenseInput) {
  return {
    vendor: input.vendor,
    amountCents: input.amount,
    spentOn: dateOnly(input.spentOn),
    category: input.category,
    notes: input.notes,
    customerId: input.customerId,
    invoiceId: input.invoiceId,
  };
}

export async function createExpense(businessId: string, input: ExpenseInput, receipt: { upload?: ReceiptUpload | null; draftId?: string | null } = {}) {
  return prisma.$transaction(async (tx) => {
    await checkLinks(tx, businessId, input);
    const business = await tx.business.findUniqueOrThrow({ where: { id: businessId }, select: { currency: true } });
    const expense = await tx.expense.create({ data: { businessId, currency: business.currency, ...expenseData(input) }, select: { id: true } });
    await attachReceipt(tx, businessId, expense.id, receipt);
    return expense;
  });
}

export async function updateExpense(
  businessId: string,
  id: string,
  input: ExpenseInput,
  receipt: { upload?: ReceiptUpload | null; draftId?: string | null } = {},
) {
  requirePlausibleId(id, "Expense");
  return prisma.$transaction(async (tx) => {
    await checkLinks(tx, businessId, input);
    const { count } = await tx.expense.updateMany({ where: { id, businessId }, data: expenseData(input) });
    if (!count) notFound("Expense not found");
    await attachReceipt(tx, businessId, id, receipt);
    return { id };
  });
}

export async function deleteExpense(businessId: string, id: string) {
  requirePlausibleId(id, "Expense");
  const { count } = await prisma.expense.deleteMany({ where: { id, businessId } });
  if (!count) notFound("Expense not found");
}

export async function removeReceipt(businessId: string, expenseId: string) {
  await getExpense(businessId, expenseId);
  await prisma.expenseReceipt.deleteMany({ where: { businessId, expenseId } });
}

/** The expense with its links and its photo's metadata (never the bytes); 404 for another business's. */
export async function getExpense(businessId: string, id: string) {
  requirePlausibleId(id, "Expense");
  const expense = await prisma.expense.findFirst({
    where: { id, businessId },
    include: {
      customer: { select: { id: true, name: true } },
      invoice: { select: { id: true, number: true } },
      receipt: { select: { id: true, mimeType: true, byteSize: true, createdAt: true } },
    },
  });
  return expense ?? notFound("Expense not found");
}

/** The saved photo of an expense, or null. */
export async function getReceipt(businessId: string, expenseId: string) {
  if (!PLAUSIBLE_ID.test(expenseId)) return null;
  return prisma.expenseReceipt.findFirst({ where: { businessId, expenseId }, select: { bytes: true, mimeType: true, createdAt: true } });
}

/** A photo read on the new-expense form and not saved yet. */
export async function getDraftReceipt(businessId: string, id: string) {
  if (!PLAUSIBLE_ID.test(id)) return null;
  return prisma.expenseReceipt.findFirst({ where: { id, businessId, expenseId: null }, select: { id: true, bytes: true, mimeType: true } });
}

/** Keeps a photo the AI assistant has read, so the form can be saved without choosing the file again. */
export async function storeDraftReceipt(businessId: string, upload: ReceiptUpload) {
  checkReceipt(upload);
  return prisma.expenseReceipt.create({
    data: { businessId, expenseId: null, bytes: upload.bytes, mimeType: upload.mimeType, byteSize: upload.bytes.byteLength },
    select: { id: true },
  });
}

/** Housekeeping: drafts nobody saved. */
export async function deleteStaleDraftReceipts(now = new Date()) {
  const { count } = await prisma.expenseReceipt.deleteMany({ where: { expenseId: null, createdAt: { lt: new Date(now.getTime() - DRAFT_RECEIPT_TTL_MS) } } });
  return count;
}

// ---- Lists and totals --------------------------------------------------------------------------

type Cursor = { spentOn: string; id: string };

function encodeCursor(cursor: Cursor) {
  return Buffer.from(JSON.stringify([cursor.spentOn, cursor.id]), "utf8").toString("base64url");
}

function decodeCursor(value: string | undefined): Cursor | null {
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [spentOn, id] = parsed;
    if (typeof spentOn !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(spentOn) || typeof id !== "string" || !PLAUSIBLE_ID.test(id)) return null;
    return { spentOn, id };
  } catch {
    return null;
  }
}

function monthRange(month: string) {
  const [year, m] = month.split("-").map(Number);
  const start = new Date(Date.UTC(year, m - 1, 1));
  const end = new Date(Date.UTC(year, m, 1));
  return { start, end };
}

function filterWhere(businessId: string, filters: ExpenseFilters): Prisma.ExpenseWhereInput {
  const where: Prisma.ExpenseWhereInput = { businessId };
  if (filters.month) {
    const { start, end } = monthRange(filters.month);
    where.spentOn = { gte: start, lt: end };
  }
  if (filters.category) where.category = filters.category;
  if (filters.customerId) where.customerId = filters.customerId;
  // Prisma sends `contains` as ILIKE '%…%' without escaping; backslash is Postgres's LIKE escape.
  if (filters.q) where.vendor = { contains: filters.q.replace(/[\\%_]/g, "\\$&"), mode: "insensitive" };
  return where;
}

/** One page of expenses, newest first, keyset-paged on (spentOn, id). */
export async function listExpenses(businessId: string, filters: ExpenseFilters, limit = EXPENSE_PAGE_SIZE) {
  const where = filterWhere(businessId, filters);
  const cursor = decodeCursor(filters.after);
  if (cursor) {
    const day = dateOnly(cursor.spentOn);
    where.AND = [{ spentOn: { lte: day } }, { OR: [{ spentOn: { lt: day } }, { id: { lt: cursor.id } }] }];
  }
  const [business, rows] = await Promise.all([
    prisma.business.findUniqueOrThrow({ where: { id: businessId }, select: { invoicePrefix: true } }),
    prisma.expense.findMany({
      where,
      orderBy: [{ spentOn: "desc" }, { id: "desc" }],
      take: limit + 1,
      select: {
        id: true,
        vendor: true,
        amountCents: true,
        currency: true,
        spentOn: true,
        category: true,
        customer: { select: { id: true, name: true } },
        invoice: { select: { id: true, number: true } },
        receipt: { select: { id: true } },
      },
    }),
  ]);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    expenses: page.map((e) => ({
      id: e.id,
      vendor: e.vendor,
      amountCents: e.amountCents,
      currency: e.currency,
      spentOn: toDateString(e.spentOn),
      category: e.category as ExpenseCategory,
      customer: e.customer,
      invoice: e.invoice ? { id: e.invoice.id, label: formatInvoiceNumber(business.invoicePrefix, e.invoice.number) } : null,
      hasReceipt: Boolean(e.receipt),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ spentOn: toDateString(last.spentOn), id: last.id }) : null,
  };
}

type MonthTotal = { month: string; currency: string; totalCents: number; count: number };

/** Totals per calendar month (and currency) of the filtered expenses, newest month first, at most 24. */
export async function expenseMonthTotals(businessId: string, filters: ExpenseFilters): Promise<MonthTotal[]> {
  const conditions = [Prisma.sql`"businessId" = ${businessId}`];
  if (filters.month) {
    const { start, end } = monthRange(filters.month);
    conditions.push(Prisma.sql`"spentOn" >= ${toDateString(start)}::date AND "spentOn" < ${toDateString(end)}::date`);
  }
  if (filters.category) conditions.push(Prisma.sql`category = ${filters.category}::"ExpenseCategory"`);
  if (filters.customerId) conditions.push(Prisma.sql`"customerId" = ${filters.customerId}`);
  if (filters.q) conditions.push(Prisma.sql`vendor ILIKE ${`%${filters.q.replace(/[\\%_]/g, "\\$&")}%`}`);
  const rows = await prisma.$queryRaw<{ month: string; currency: string; total: bigint; count: bigint }[]>`
    SELECT to_char(date_trunc('month', "spentOn"), 'YYYY-MM') AS month, currency, SUM("amountCents")::bigint AS total, COUNT(*)::bigint AS count
    FROM "Expense" WHERE ${Prisma.join(conditions, " AND ")}
    GROUP BY 1, 2 ORDER BY 1 DESC, 2 LIMIT 24`;
  return rows.map((r) => ({ month: r.month, currency: r.currency, totalCents: Number(r.total), count: Number(r.count) }));
}

/** Customers and invoices the expense form offers, plus the ones it already points at. */
export async function expenseFormOptions(businessId: string, current: { customerId?: string | null; invoiceId?: string | null } = {}) {
  const [business, customers, invoices] = await Promise.all([
    prisma.business.findUniqueOrThrow({ where: { id: businessId }, select: { currency: true, timeZone: true, invoicePrefix: true } }),
    prisma.customer.findMany({
      where: { businessId, OR: [{ archivedAt: null }, ...(current.customerId ? [{ id: current.customerId }] : [])] },
      orderBy: [{ name: "asc" }, { id: "asc" }],
      take: 1000,
      select: { id: true, name: true },
    }),
    prisma.invoice.findMany({
      where: { businessId },
      orderBy: { number: "desc" },
      take: INVOICE_OPTIONS_LIMIT,
      select: { id: true, number: true, customer: { select: { name: true } } },
    }),
  ]);
  if (current.invoiceId && !invoices.some((i) => i.id === current.invoiceId)) {
    const invoice = await prisma.invoice.findFirst({
      where: { id: current.invoiceId, businessId },
      select: { id: true, number: true, customer: { select: { name: true } } },
    });
    if (invoice) invoices.unshift(invoice);
  }
  return {
    currency: business.currency,
    today: todayIn(business.timeZone),
    customers,
    invoices: invoices.map((i) => ({ id: i.id, label: `${formatInvoiceNumber(business.invoicePrefix, i.number)} · ${i.customer.name}` })),
  };
}

// What account closure (account-closure.server.ts) and erasing one customer (customer-erasure.server.ts)
// do alike: invoices stay for the books but point at a nameless placeholder customer with their free
// text removed, payments lose whatever identifies the payer, and queued emails never go out. Each
// helper runs in the caller's transaction. See docs/decisions/008-data-export-and-account-deletion.md.
import type { EmailStatus, Prisma } from "~/generated/prisma/client.ts";
import { emailJobKey } from "~/utils/email.server";
import { removeJobs } from "~/utils/jobs.server";
import { exportJobKey } from "./data-export.server";

type Tx = Prisma.TransactionClient;

/** The customer kept invoices point at once their real customer is gone: a name that names nobody. */
export const DELETED_CUSTOMER_NAME = "Deleted customer";
/** Line descriptions are replaced by this; quantities, prices and tax stay, so the totals still add up. */
export const REMOVED_TEXT = "(removed)";

/** A large business has many rows to rewrite; the statements are set-based, but give them time. */
export const ERASURE_TRANSACTION = { maxWait: 15_000, timeout: 120_000 } as const;

/** Every field of Customer that can say who someone is or how to reach them. */
const NO_CONTACT_DETAILS = {
  email: null,
  phone: null,
  addressLine1: null,
  addressLine2: null,
  city: null,
  region: null,
  postalCode: null,
  country: null,
  notes: null,
} as const;

const placeholderWhere = (businessId: string) =>
  ({ businessId, name: DELETED_CUSTOMER_NAME, archivedAt: { not: null }, ...NO_CONTACT_DETAILS }) satisfies Prisma.CustomerWhereInput;

/** True for the placeholder itself: erasing it would have nowhere to move its invoices, and it names nobody. */
export function isDeletedCustomerPlaceholder(customer: { name: string; archivedAt: Date | null } & Record<keyof typeof NO_CONTACT_DETAILS, string | null>) {
  return (
    customer.name === DELETED_CUSTOMER_NAME &&
    customer.archivedAt !== null &&
    Object.keys(NO_CONTACT_DETAILS).every((k) => customer[k as keyof typeof NO_CONTACT_DETAILS] === null)
  );
}

/**
 * The business's one "Deleted customer" (archived, no contact fields), created on first use. A
 * transaction-scoped advisory lock makes two erasures at once share one placeholder instead of making two.
 */
export async function deletedCustomerPlaceholder(tx: Tx, businessId: string): Promise<string> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`deleted-customer:${businessId}`}, 0))`;
  const existing = await tx.customer.findFirst({ where: placeholderWhere(businessId), orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true } });
  if (existing) return existing.id;
  const created = await tx.customer.create({ data: { businessId, name: DELETED_CUSTOMER_NAME, archivedAt: new Date() }, select: { id: true } });
  return created.id;
}

/**
 * Keeps invoices for their numbers, dates, statuses and totals, and removes what names or describes the
 * customer: they move to the placeholder (Invoice.customerId is required, hence not a null), notes and
 * terms go, line descriptions become REMOVED_TEXT, and the revision snapshots (full copies) are deleted.
 * `invoiceIds` omitted: every invoice of the business.
 */
export async function stripInvoices(tx: Tx, businessId: string, placeholderId: string, invoiceIds?: string[]) {
  const ids = invoiceIds ? { in: invoiceIds } : undefined;
  await tx.invoiceRevision.deleteMany({ where: { businessId, invoiceId: ids } });
  // Photos of the job show the customer's home: personal data, not the books.
  await tx.jobPhoto.deleteMany({ where: { businessId, invoiceId: ids } });
  await tx.invoiceLine.updateMany({ where: { businessId, invoiceId: ids }, data: { description: REMOVED_TEXT } });
  const { count } = await tx.invoice.updateMany({ where: { businessId, id: ids }, data: { customerId: placeholderId, notes: null, terms: null } });
  return count;
}

/**
 * Payments stay for tax and reconciliation (amounts, currency, dates, status, refunds, disputes and the
 * provider's payment id); what could identify the payer or was typed about them goes.
 */
export const PAYER_DETAILS_REMOVED = { cardBrand: null, cardLast4: null, reference: null, note: null, failureReason: null } as const;

/** Messages whose send job may still be in the queue: waiting or retrying, or failed for good. */
const PENDING_EMAIL: EmailStatus[] = ["QUEUED", "FAILED"];

/**
 * Every pending job of the business: its messages' send jobs (batches never mix businesses) and its
 * exports' jobs, found by their keys through our own rows and removed with graphile-worker's
 * remove_job. Run before those rows are deleted. A job a worker holds right now is stopped instead; its
 * task finds its row gone and skips. Returns the jobs removed.
 */
export async function removePendingJobsOfBusiness(tx: Tx, businessId: string) {
  const messages = await tx.emailMessage.findMany({ where: { businessId, status: { in: PENDING_EMAIL } }, select: { id: true, batchJobKey: true } });
  const exports = await tx.dataExport.findMany({ where: { businessId, status: { in: ["QUEUED", "RUNNING", "FAILED"] } }, select: { id: true } });
  return removeJobs(tx, [...messages.map(emailJobKey), ...exports.map((e) => exportJobKey(e.id))]);
}

/**
 * The pending send jobs of these messages, before the messages are deleted. A message's own job goes;
 * a batch job (reminders) goes when every message still waiting in it is one of these, and otherwise
 * stays for the others: its items for these messages find their rows gone and are skipped, so other
 * customers' emails in the same batch still go out. Returns the jobs removed.
 */
export async function removePendingEmailJobs(tx: Tx, messageIds: string[]) {
  if (!messageIds.length) return 0;
  const keys = await tx.$queryRaw<{ key: string }[]>`
    SELECT DISTINCT coalesce(m."batchJobKey", 'send-email:' || m.id) AS key
      FROM "EmailMessage" m
     WHERE m.id = ANY(${messageIds}::text[])
       AND (m."batchJobKey" IS NULL
            OR NOT EXISTS (SELECT 1 FROM "EmailMessage" o
                            WHERE o."batchJobKey" = m."batchJobKey" AND o.status IN ('QUEUED', 'FAILED')
                              AND NOT (o.id = ANY(${messageIds}::text[]))))`;
  return removeJobs(
    tx,
    keys.map((k) => k.key),
  );
}

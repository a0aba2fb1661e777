// What account closure (account-closure.server.ts) and erasing one customer (customer-erasure.server.ts)
// do alike: invoices stay for the books but point at a nameless placeholder customer with their free
// text removed, payments lose whatever identifies the payer, and queued emails never go out. Each
// helper runs in the caller's transaction. See docs/decisions/008-data-export-and-account-deletion.md.
import type { Prisma } from "~/generated/prisma/client.ts";

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
  return customer.name === DELETED_CUSTOMER_NAME && customer.archivedAt !== null && Object.keys(NO_CONTACT_DETAILS).every((k) => customer[k as keyof typeof NO_CONTACT_DETAILS] === null);
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

/** Every pending graphile-worker job whose payload names the business (every job the app queues for one does). */
export async function removePendingJobsOfBusiness(tx: Tx, businessId: string) {
  // complete_jobs leaves a job a worker holds right now; such a send finds its message gone and skips.
  const removed = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM graphile_worker.complete_jobs(ARRAY(
      SELECT j.id FROM graphile_worker._private_jobs j
       WHERE j.payload->>'businessId' = ${businessId}
          OR (json_typeof(j.payload) = 'array'
              AND j.payload::jsonb @> jsonb_build_array(jsonb_build_object('businessId', ${businessId}::text)))))`;
  return removed[0]?.n ?? 0;
}

/**
 * The pending send-email jobs of these messages. A job for one message ({ messageId }) goes; a batch job
 * ([{ messageId }, ...], reminders) goes when every item is one of them, and otherwise loses just those
 * items, so other customers' emails in the same batch still go out. A job a worker holds right now is
 * left alone: its send finds the message row gone and skips it. Returns the jobs removed or trimmed.
 */
export async function removePendingEmailJobs(tx: Tx, messageIds: string[]) {
  if (!messageIds.length) return 0;
  const removed = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM graphile_worker.complete_jobs(ARRAY(
      SELECT j.id FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
       WHERE t.identifier = 'send-email'
         AND CASE json_typeof(j.payload)
               WHEN 'object' THEN j.payload->>'messageId' = ANY(${messageIds}::text[])
               WHEN 'array' THEN NOT EXISTS (SELECT 1 FROM json_array_elements(j.payload) item WHERE NOT (item->>'messageId' = ANY(${messageIds}::text[])))
               ELSE false
             END))`;
  const trimmed = await tx.$executeRaw`
    UPDATE graphile_worker._private_jobs j
       SET payload = (SELECT json_agg(item) FROM json_array_elements(j.payload) item WHERE NOT (item->>'messageId' = ANY(${messageIds}::text[])))
      FROM graphile_worker._private_tasks t
     WHERE t.id = j.task_id AND t.identifier = 'send-email' AND j.locked_at IS NULL
       AND json_typeof(j.payload) = 'array'
       AND EXISTS (SELECT 1 FROM json_array_elements(j.payload) item WHERE item->>'messageId' = ANY(${messageIds}::text[]))`;
  return (removed[0]?.n ?? 0) + trimmed;
}

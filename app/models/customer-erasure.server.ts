// Erasing one customer (the customer page's "Erase customer"), for a deletion request under CCPA or the
// GDPR. In ONE transaction, for that customer only: their estimates, emails (and the jobs that would
// send them), activity, recurring schedules and property details go, and the customer row itself; their
// invoices and payments stay for the books, moved to the business's "Deleted customer" and stripped of
// anything that names or describes them, as account closure does for a whole business. See
// docs/decisions/008-data-export-and-account-deletion.md ("Erasing one customer").
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { formatMoney } from "~/utils/money";
import { DomainError, notFound } from "./errors.server";
import { formatInvoiceNumber } from "./document-numbers";
import { OPEN_STATUSES } from "./invoice.server";
import {
  deletedCustomerPlaceholder,
  ERASURE_TRANSACTION,
  isDeletedCustomerPlaceholder,
  PAYER_DETAILS_REMOVED,
  REMOVED_TEXT,
  removePendingEmailJobs,
  stripInvoices,
} from "./personal-data.server";

type Tx = Prisma.TransactionClient;

type ErasureSummary = {
  estimates: number;
  invoicesKept: number;
  paymentsKept: number;
  emails: number;
  jobs: number;
  activities: number;
  schedules: number;
  expensesUnlinked: number;
  exports: number;
};

/**
 * Erases a customer of `businessId`. Another business's customer, an unknown id or one erased already:
 * 404 with nothing written. A customer who still owes money on a sent invoice: DomainError (nothing
 * written), because the invoice is the only way to collect it.
 */
export async function eraseCustomer(businessId: string, customerId: string): Promise<ErasureSummary> {
  const summary = await prisma.$transaction((tx) => eraseCustomerInTx(tx, businessId, customerId), ERASURE_TRANSACTION);
  // Ids and counts only: the log must not become another copy of the person.
  logger.info({ businessId, customerId, ...summary }, "customer erased");
  return summary;
}

async function eraseCustomerInTx(tx: Tx, businessId: string, customerId: string): Promise<ErasureSummary> {
  // The lock makes a second erasure (a double submit) wait, then find the row gone: 404. A new invoice or
  // estimate for the customer waits too (its foreign key check needs the row), then fails.
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT c.id FROM "Customer" c JOIN "Business" b ON b.id = c."businessId"
     WHERE c.id = ${customerId} AND c."businessId" = ${businessId} AND b."closedAt" IS NULL
       FOR UPDATE OF c`;
  if (!locked.length) notFound("Customer not found");
  const customer = await tx.customer.findFirstOrThrow({ where: { id: customerId, businessId } });
  if (isDeletedCustomerPlaceholder(customer)) {
    throw new DomainError("This is where the invoices of erased customers are kept. It holds no personal details, so there is nothing to erase.");
  }

  // Their invoices and estimates are locked too, so none is sent, paid or converted between the check
  // below and the rewrite: such a change waits, then finds the document moved or gone.
  await tx.$queryRaw`SELECT id FROM "Invoice" WHERE "businessId" = ${businessId} AND "customerId" = ${customerId} FOR UPDATE`;
  await tx.$queryRaw`SELECT id FROM "Estimate" WHERE "businessId" = ${businessId} AND "customerId" = ${customerId} FOR UPDATE`;
  const invoices = await tx.invoice.findMany({
    where: { businessId, customerId },
    select: { id: true, number: true, status: true, totalCents: true, amountPaidCents: true, currency: true },
    orderBy: { number: "asc" },
  });
  const owing = invoices.filter((i) => OPEN_STATUSES.includes(i.status) && i.totalCents - i.amountPaidCents > 0);
  if (owing.length) {
    const { invoicePrefix } = await tx.business.findUniqueOrThrow({ where: { id: businessId }, select: { invoicePrefix: true } });
    const list = owing
      .map((i) => `${formatInvoiceNumber(invoicePrefix, i.number)} (${formatMoney(i.totalCents - i.amountPaidCents, i.currency)} due)`)
      .join(", ");
    throw new DomainError(
      `${owing.length === 1 ? "Invoice" : "Invoices"} ${list} ${owing.length === 1 ? "is" : "are"} still open. Void ${owing.length === 1 ? "it" : "them"} or record the payment first, then erase the customer.`,
    );
  }

  const invoiceIds = invoices.map((i) => i.id);
  const estimateIds = (await tx.estimate.findMany({ where: { businessId, customerId }, select: { id: true } })).map((e) => e.id);
  const paymentIds = invoiceIds.length
    ? (await tx.payment.findMany({ where: { businessId, invoiceId: { in: invoiceIds } }, select: { id: true } })).map((p) => p.id)
    : [];

  // Nothing may go out to them after this commits: every email about their documents or to their
  // address (bodies included), and the jobs that would send the queued ones.
  const messageIds = (
    await tx.emailMessage.findMany({
      where: {
        businessId,
        OR: [
          { invoiceId: { in: invoiceIds } },
          { estimateId: { in: estimateIds } },
          { paymentId: { in: paymentIds } },
          ...(customer.email ? [{ to: { equals: customer.email.trim(), mode: "insensitive" as const } }] : []),
        ],
      },
      select: { id: true },
    })
  ).map((m) => m.id);
  const jobs = await removePendingEmailJobs(tx, messageIds);
  const emails = await tx.emailMessage.deleteMany({ where: { businessId, id: { in: messageIds } } });

  // Activity about them or their documents: the messages carry their name, email or a failure reason.
  const activities = await tx.activityEvent.deleteMany({
    where: { businessId, OR: [{ customerId }, { invoiceId: { in: invoiceIds } }, { estimateId: { in: estimateIds } }] },
  });
  // Their schedules, and any schedule copying one of their invoices (it would copy "(removed)" lines).
  const schedules = await tx.recurringSchedule.deleteMany({ where: { businessId, OR: [{ customerId }, { templateInvoiceId: { in: invoiceIds } }] } });
  await tx.propertyDetails.deleteMany({ where: { businessId, customerId } });
  // Expenses are the business's own books: they stay, no longer tied to the person.
  const expensesUnlinked = await tx.expense.updateMany({ where: { businessId, customerId }, data: { customerId: null } });
  // Estimates carry no payments: they go whole (lines cascade). An invoice converted from one keeps its
  // own copy (Invoice.estimateId is SetNull) and is stripped below.
  const estimates = await tx.estimate.deleteMany({ where: { businessId, customerId } });

  let invoicesKept = 0;
  let paymentsKept = 0;
  if (invoiceIds.length) {
    const placeholderId = await deletedCustomerPlaceholder(tx, businessId);
    invoicesKept = await stripInvoices(tx, businessId, placeholderId, invoiceIds);
    paymentsKept = (await tx.payment.updateMany({ where: { businessId, invoiceId: { in: invoiceIds } }, data: PAYER_DETAILS_REMOVED })).count;
    // The reason typed for a refund may name the customer; the refund itself stays with its payment.
    await tx.refund.updateMany({ where: { businessId, payment: { invoiceId: { in: invoiceIds } } }, data: { reason: REMOVED_TEXT, failureMessage: null } });
  }

  // A finished export is a copy of them too: it goes. One being built right now may have read them: it
  // fails (its job then finds it no longer RUNNING and stores nothing) and the owner can export again.
  const expired = await tx.dataExport.updateMany({ where: { businessId, status: "READY" }, data: { status: "EXPIRED", bytes: null } });
  const stopped = await tx.dataExport.updateMany({
    where: { businessId, status: "RUNNING" },
    data: { status: "FAILED", error: "A customer was erased while this export was being built. Export again.", finishedAt: new Date() },
  });

  await tx.customer.deleteMany({ where: { id: customerId, businessId } });
  return {
    estimates: estimates.count,
    invoicesKept,
    paymentsKept,
    emails: emails.count,
    jobs,
    activities: activities.count,
    schedules: schedules.count,
    expensesUnlinked: expensesUnlinked.count,
    exports: expired.count + stopped.count,
  };
}

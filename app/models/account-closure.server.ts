// Account closure (Settings → Subscription → Cancel and delete). In ONE transaction: every personal
// detail of the business, its customers and its users goes; the money records a tax office or an
// auditor may ask for stay, stripped of anything that names a person; the business is marked closed,
// which severs every signed pay and estimate link at once. See
// docs/decisions/008-data-export-and-account-deletion.md for what is deleted, what is kept and why.
import bcrypt from "bcrypt";
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { notFound } from "./errors.server";
import { disconnectPayPalInTx } from "./payments/paypal-connect.server";
import {
  deletedCustomerPlaceholder,
  ERASURE_TRANSACTION,
  PAYER_DETAILS_REMOVED,
  REMOVED_TEXT,
  removePendingJobsOfBusiness,
  stripInvoices,
} from "./personal-data.server";
import { STRIPE_ACCOUNT_CLEARED } from "./payments/stripe-connect.server";
import { cancelSubscriptionNow } from "./subscription.server";

export { DELETED_CUSTOMER_NAME, REMOVED_TEXT } from "./personal-data.server";

type Tx = Prisma.TransactionClient;

/** What a closed business is called from then on; its contact details are gone. */
export const CLOSED_BUSINESS_NAME = "Closed account";

type CloseAccountResult = { ok: true; summary: ClosureSummary } | { ok: false; field: "password" | "confirmName"; message: string };

type ClosureSummary = {
  customers: number;
  estimates: number;
  expenses: number;
  invoicesKept: number;
  paymentsKept: number;
  emails: number;
  jobs: number;
  users: number;
};

const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/** What closing the account deletes, shown before the owner confirms: the business and its counts. */
export async function accountClosureSummary(businessId: string) {
  const business = await prisma.business.findUnique({
    where: { id: businessId },
    select: { name: true, createdAt: true, _count: { select: { invoices: true, customers: true, payments: true } } },
  });
  return business ?? notFound("Business not found");
}

/**
 * Checks the owner's password and the typed business name, then closes the account. The user must
 * belong to the business (else 404, nothing written); a wrong password or name writes nothing.
 */
export async function closeAccount(input: { businessId: string; userId: string; password: string; confirmName: string }): Promise<CloseAccountResult> {
  const user = await prisma.user.findFirst({
    where: { id: input.userId, businessId: input.businessId, business: { closedAt: null } },
    select: { passwordHash: true, business: { select: { name: true } } },
  });
  if (!user) notFound("Business not found");
  if (!(await bcrypt.compare(input.password, user.passwordHash))) return { ok: false, field: "password", message: "That is not your password" };
  if (!sameName(input.confirmName, user.business.name)) {
    return { ok: false, field: "confirmName", message: `Type the business name exactly as shown: ${user.business.name}` };
  }
  const summary = await closeBusiness(input.businessId);
  return { ok: true, summary };
}

/**
 * Closes a business without the owner's password: the closure form (after its checks) and the operator's
 * `scripts/close-business.ts` (re-running closures after a database restore from before them). The log
 * line names only the business id, so the operator can find the closures to re-run.
 */
export async function closeBusiness(businessId: string): Promise<ClosureSummary> {
  // No charge may follow a closure: the Invoice Link subscription ends at once, before anything is
  // deleted (if Stripe cannot be reached, nothing is deleted and the owner can try again).
  await cancelSubscriptionNow(businessId);
  const summary = await prisma.$transaction((tx) => closeBusinessInTx(tx, businessId), ERASURE_TRANSACTION);
  logger.info({ businessId, ...summary }, "account closed");
  return summary;
}

/**
 * The deletion itself, in the caller's transaction. Locks the business row first, so a second closure
 * (a double submit) waits and then finds it closed (404). Only rows of `businessId` are touched.
 */
async function closeBusinessInTx(tx: Tx, businessId: string): Promise<ClosureSummary> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Business" WHERE id = ${businessId} AND "closedAt" IS NULL FOR UPDATE`;
  if (!locked.length) notFound("Business not found");

  // Nothing may go out after this commits: queued emails and their jobs, exports, schedules.
  const jobs = await removePendingJobsOfBusiness(tx, businessId);
  const emails = await tx.emailMessage.deleteMany({ where: { businessId } });
  await tx.dataExport.deleteMany({ where: { businessId } });
  await tx.activityEvent.deleteMany({ where: { businessId } });
  await tx.recurringSchedule.deleteMany({ where: { businessId } });
  // The business's own books and photos (receipts may show names and card digits), and the Rentcast
  // facts about customers' homes: nothing a tax office asks the platform for.
  const expenses = await tx.expense.deleteMany({ where: { businessId } });
  await tx.expenseReceipt.deleteMany({ where: { businessId } });
  await tx.savedItem.deleteMany({ where: { businessId } });
  // Job photos show customers' homes (and the invoices that stay keep no pictures of them).
  await tx.jobPhoto.deleteMany({ where: { businessId } });
  await tx.propertyDetails.deleteMany({ where: { businessId } });
  await tx.propertyLookupUsage.deleteMany({ where: { businessId } });

  // Estimates carry no payments: they go whole (lines cascade; a converted invoice keeps its own copy).
  const estimates = await tx.estimate.deleteMany({ where: { businessId } });

  // Invoices stay for their numbers and totals; they move to one nameless customer (the one an earlier
  // erasure of a single customer made, if any), lose their text and revisions, and every customer goes.
  let invoicesKept = 0;
  let placeholderId: string | null = null;
  if (await tx.invoice.count({ where: { businessId } })) {
    placeholderId = await deletedCustomerPlaceholder(tx, businessId);
    invoicesKept = await stripInvoices(tx, businessId, placeholderId);
  } else {
    await tx.invoiceRevision.deleteMany({ where: { businessId } });
  }
  const customers = await tx.customer.deleteMany({ where: { businessId, ...(placeholderId ? { id: { not: placeholderId } } : {}) } });

  // The users who recorded payments are deleted below, so recordedById goes too.
  const paymentsKept = await tx.payment.updateMany({ where: { businessId }, data: { ...PAYER_DETAILS_REMOVED, recordedById: null } });
  // Refunds stay with their payments, without the reason the owner typed (it may name the customer).
  await tx.refund.updateMany({ where: { businessId }, data: { reason: REMOVED_TEXT, failureMessage: null, requestedById: null } });

  // The business's PayPal merchant is forgotten: pay pages are severed anyway, and no webhook or refund
  // may act for it any more. Onboarding states in flight go too.
  await disconnectPayPalInTx(tx, businessId);
  await tx.connectState.deleteMany({ where: { businessId } });

  // Signed out everywhere, and the emails become free for a new sign-up.
  await tx.session.deleteMany({ where: { businessId } });
  await tx.refreshTokenFamily.deleteMany({ where: { businessId } });
  await tx.passwordResetToken.deleteMany({ where: { user: { businessId } } });
  const users = await tx.user.deleteMany({ where: { businessId } });

  await tx.business.update({
    where: { id: businessId },
    data: {
      name: CLOSED_BUSINESS_NAME,
      email: null,
      phone: null,
      website: null,
      addressLine1: null,
      addressLine2: null,
      city: null,
      region: null,
      postalCode: null,
      country: null,
      reviewUrl: null,
      reviewRequestsEnabled: false,
      remindersEnabled: false,
      logo: null,
      logoMimeType: null,
      logoUpdatedAt: null,
      // Its Stripe connected account is disconnected: pay links are severed anyway, and the account stays
      // the contractor's own at Stripe. Only the id and a cached state were ever stored, never a key.
      ...STRIPE_ACCOUNT_CLEARED,
      closedAt: new Date(),
    },
  });
  // The deletes above left sync tombstones (deleted-records.server.ts); a closed account has no app
  // left to sync (its devices are signed out), so they go too.
  await tx.deletedRecord.deleteMany({ where: { businessId } });
  // So do the notes of its writes for kept pages (decision 029): its sessions are gone, so no page of it is kept.
  await tx.businessChange.deleteMany({ where: { businessId } });
  return {
    customers: customers.count,
    estimates: estimates.count,
    expenses: expenses.count,
    invoicesKept,
    paymentsKept: paymentsKept.count,
    emails: emails.count,
    jobs,
    users: users.count,
  };
}

/**
 * How long a closed business's kept money records (invoice numbers and totals, payments) stay: long
 * enough for the tax retention periods of our markets (the IRS asks for up to 7 years), then they go.
 */
export const CLOSED_RECORDS_RETENTION_YEARS = 7;

/**
 * The nightly cleanup: closed businesses past the retention period are deleted whole. Invoices go
 * first (their customer link is RESTRICT), then the business row, whose delete cascades to the rest.
 */
export async function purgeClosedBusinesses(now = new Date()) {
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - CLOSED_RECORDS_RETENTION_YEARS);
  const due = await prisma.business.findMany({ where: { closedAt: { lt: cutoff } }, select: { id: true }, take: 100 });
  for (const { id } of due) {
    await prisma.$transaction(async (tx) => {
      await tx.invoice.deleteMany({ where: { businessId: id } });
      await tx.estimate.deleteMany({ where: { businessId: id } });
      await tx.business.deleteMany({ where: { id, closedAt: { lt: cutoff } } });
      // The notes of these deletes for kept pages (decision 029): there is no business left to keep a page of.
      await tx.businessChange.deleteMany({ where: { businessId: id } });
    }, ERASURE_TRANSACTION);
    logger.info({ businessId: id }, "closed business purged after the retention period");
  }
  return due.length;
}

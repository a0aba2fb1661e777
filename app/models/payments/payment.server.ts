// The one place a payment is applied to an invoice: manual payments, Stripe and PayPal webhooks, and
// the PayPal capture on the customer's return all end here. In one transaction: lock the invoice row
// (SELECT ... FOR UPDATE), insert the payment unless its unique (provider, providerAccountId, providerPaymentId)
// is taken, so a repeated event is a no-op, recompute what the invoice has been paid from its payments,
// and queue the receipt (once per payment, by its dedupe key), or mark the payment's follow-up as pending
// for the coalescing payment-follow-ups job (follow-ups.server.ts, docs/decisions/024).
// A webhook's new payment costs three statements between BEGIN and COMMIT: the lock, the insert (with the
// follow-up's marker), and the invoice's update with its activity, each a named prepared statement:
// webhooks arrive in bursts, and each round trip holds the row lock. No job is added inside: a
// transaction that adds one notifies, and notifying commits are serialized database-wide. While a payment
// needs only those raw statements (a webhook's new payment, or its repeat), the transaction runs on
// node-postgres alone, BEGIN written with the lock and COMMIT with the invoice's write; a path that needs
// Prisma's model calls runs again from the start in Prisma's transaction (decision 027).
import { randomBytes } from "node:crypto";
import { Prisma, type Invoice, type Payment, type PaymentMethod, type PaymentStatus } from "~/generated/prisma/client.ts";
import { prisma, rawQueryInTx, transactionWithConnection, usesTransactionConnection } from "~/utils/db.server";
import { formatMoney } from "~/utils/money";
import { addDays, dateOnly, DATE_MIN, todayIn } from "~/utils/dates";
import { invoiceLabel, recordActivity } from "~/models/activity.server";
import { DomainError, notFound } from "~/models/errors.server";
import { formatInvoiceNumber } from "~/models/document-numbers";
import { balanceCents, LOCKING_TRANSACTION, lockInvoice } from "~/models/invoice.server";
import { invoicePaidMessage, invoicePaidNoticeTo, queueInvoicePaidNotice } from "~/models/contractor-notices.server";
import { emailBrand } from "~/models/branding.server";
import { queueEmails, type QueuedEmail } from "~/utils/email.server";
import { isUniqueViolation } from "~/models/user.server";
import { newRowId } from "~/utils/row-id.server";
import { WAKE_PAYMENT_FOLLOW_UPS, wakeFailed, wakePaymentFollowUps } from "./follow-up-wake.server";
import { MAX_PAID_CENTS, MAX_PAYMENT_DAYS_AHEAD, paymentDay } from "./payment-rules";
import { queueReceipt, receiptMessage } from "./receipt.server";
import { settleRefundsInTx } from "./refund.server";

type Tx = Prisma.TransactionClient;
type PaymentProvider = "manual" | "stripe" | "paypal";

export type ApplyPaymentInput = {
  businessId: string;
  invoiceId: string;
  amountCents: number;
  currency: string;
  method: PaymentMethod;
  provider: PaymentProvider;
  /** The connected account or merchant the money landed in; "" (the default) for manual payments and single-account mode. */
  providerAccountId?: string;
  /** Unique per provider and account: the form's idempotency key for manual payments, the provider's id otherwise. */
  providerPaymentId: string;
  /** PENDING for a bank debit that is still processing (it does not count until it SUCCEEDS); FAILED when it bounced. */
  status?: Extract<PaymentStatus, "PENDING" | "SUCCEEDED" | "FAILED">;
  receivedAt?: Date;
  /** The day received (YYYY-MM-DD) as the contractor chose it; default: today in the business's time zone. */
  receivedOn?: string;
  /** A manual payment more than the invoice's total above its balance is refused unless this is true. */
  confirmOverpayment?: boolean;
  reference?: string | null;
  note?: string | null;
  recordedById?: string | null;
  cardBrand?: string | null;
  cardLast4?: string | null;
  failureReason?: string | null;
  /**
   * Provider webhooks: the receipt and the "invoice paid" notice are not queued in this transaction; the
   * payment is marked (followUpPendingAt) and the payment-follow-ups job (jobs/payment-follow-ups.ts)
   * queues them, after reading the card's brand and last four from the provider when the event did not
   * carry them. The job is woken after the commit; the crontab's sweep finds any marker it missed.
   */
  followUpInJob?: boolean;
};

type ApplyPaymentResult =
  | { status: "applied"; paymentId: string; overpaymentCents: number; invoiceStatus: string; receiptEmailId?: string | null }
  | { status: "duplicate"; paymentId: string };

function checkAmount(amountCents: number) {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) throw new DomainError("The amount must be above zero", "amount");
}

export { MAX_PAID_CENTS, MAX_PAYMENT_DAYS_AHEAD };

export { paymentDay };

/** The rules of a manual payment that need the locked invoice and the business's calendar. */
function checkManualPayment(input: ApplyPaymentInput, invoice: PaymentInvoice, today: string) {
  if (input.receivedOn && (input.receivedOn < DATE_MIN || input.receivedOn > addDays(today, MAX_PAYMENT_DAYS_AHEAD))) {
    throw new DomainError(`Pick a date between ${DATE_MIN} and ${MAX_PAYMENT_DAYS_AHEAD} days from today`, "receivedOn");
  }
  const overpayment = input.amountCents - balanceCents(invoice);
  if (overpayment > invoice.totalCents && !input.confirmOverpayment) {
    throw new DomainError(
      `This is ${formatMoney(overpayment, invoice.currency)} more than the balance due. Check the amount, or confirm that you received this much.`,
      "confirmOverpayment",
    );
  }
}

/**
 * Runs `work` in the invoice-locking transaction (the receipt it queues commits with it): on node-postgres
 * alone while it sends only raw statements (rawQueryInTx), else in Prisma's transaction, from the start.
 */
function inLockingTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  return transactionWithConnection(work, LOCKING_TRANSACTION);
}

export async function applyPayment(input: ApplyPaymentInput): Promise<ApplyPaymentResult> {
  checkAmount(input.amountCents);
  let result: ApplyPaymentResult;
  let woke = false;
  try {
    result = await inLockingTransaction(async (tx) => {
      const applied = await applyPaymentInTx(tx, input);
      woke = wokeWithCommit.has(tx);
      return applied;
    });
  } catch (error) {
    // Two requests with the same key on different invoices, or a race the lock did not cover (23505:
    // node-postgres's code for it, from a statement sent on the transaction's connection).
    if (isUniqueViolation(error) || (error as { code?: unknown }).code === "23505") {
      const existing = await findProviderPayment(prisma, input.provider, input.providerAccountId ?? "", input.providerPaymentId);
      if (existing) return { status: "duplicate", paymentId: existing.id };
    }
    throw error;
  }
  // Outside the transaction: the marker is committed, so a wake-up that fails (or a crash right here)
  // leaves the follow-up to the crontab's sweep, never lost.
  // (A payment on its own connection wrote its wake-up behind its COMMIT: completePayment.)
  if (input.followUpInJob && result.status === "applied" && !woke) await wakePaymentFollowUps();
  return result;
}

function findProviderPayment(db: Tx | typeof prisma, provider: string, providerAccountId: string, providerPaymentId: string) {
  return db.payment.findUnique({ where: { provider_providerAccountId_providerPaymentId: { provider, providerAccountId, providerPaymentId } } });
}

/**
 * The payment recorded under a provider id, read in the payment's transaction (a repeated event: a raw
 * statement, so a duplicate stays on the transaction's own connection; decision 027). The same row as findProviderPayment.
 */
async function providerPaymentInTx(tx: Tx, provider: string, providerAccountId: string, providerPaymentId: string): Promise<Payment | null> {
  const rows = await rawQueryInTx<Payment>(
    tx,
    Prisma.sql`/* prepared:payment-by-provider-id */
    SELECT * FROM "Payment" WHERE provider = ${provider} AND "providerAccountId" = ${providerAccountId} AND "providerPaymentId" = ${providerPaymentId}`,
  );
  return rows[0] ?? null;
}

// PENDING may settle either way; every other state only moves through refunds and disputes.
const NEXT_STATES: Record<PaymentStatus, PaymentStatus[]> = {
  PENDING: ["SUCCEEDED", "FAILED"],
  SUCCEEDED: [],
  FAILED: [],
  REFUNDED: [],
  DISPUTED: [],
};

/** What applying a payment reads from the locked invoice; `business` when it was read in the same statement. */
type PaymentInvoice = Pick<
  Invoice,
  "id" | "businessId" | "customerId" | "number" | "status" | "currency" | "totalCents" | "amountPaidCents" | "viewedAt" | "sentAt" | "paidAt"
> & { business?: { timeZone: string; invoicePrefix: string; closedAt: Date | null } };

type LockedInvoiceRow = Omit<PaymentInvoice, "business"> & { timeZone: string; invoicePrefix: string; closedAt: Date | null };

/**
 * Locks the invoice row (only within its business) and reads what a payment needs of it and of its
 * business in the same statement. The business's columns cannot change what a payment does mid-way.
 */
async function lockInvoiceForPayment(
  tx: Tx,
  businessId: string,
  invoiceId: string,
): Promise<PaymentInvoice & { business: NonNullable<PaymentInvoice["business"]> }> {
  // Named prepared statements (app/utils/db.server.ts): this, the insert and the invoice's write are the
  // payment transaction's statements, planned once per connection instead of on every webhook.
  const rows = await rawQueryInTx<LockedInvoiceRow>(
    tx,
    Prisma.sql`/* prepared:payment-lock */
    SELECT i.id, i."businessId", i."customerId", i.number, i.status::text AS status, i.currency, i."totalCents", i."amountPaidCents",
           i."viewedAt", i."sentAt", i."paidAt", b."timeZone", b."invoicePrefix", b."closedAt"
      FROM "Invoice" i JOIN "Business" b ON b.id = i."businessId"
     WHERE i.id = ${invoiceId} AND i."businessId" = ${businessId}
       FOR UPDATE OF i`,
  );
  if (!rows.length) notFound("Invoice not found");
  const { timeZone, invoicePrefix, closedAt, ...invoice } = rows[0];
  return { ...invoice, business: { timeZone, invoicePrefix, closedAt } };
}

/** "INV-0005", without a query when the business's prefix came with the locked invoice. */
async function labelOf(tx: Tx, invoice: PaymentInvoice) {
  return invoice.business ? formatInvoiceNumber(invoice.business.invoicePrefix, invoice.number) : invoiceLabel(tx, invoice.businessId, invoice.number);
}

/**
 * Card details to store: none for a closed account, whose payments are kept for the books only (a late
 * webhook still records the money).
 */
function cardDetails(input: Pick<ApplyPaymentInput, "cardBrand" | "cardLast4">, closed: boolean) {
  return closed ? { cardBrand: null, cardLast4: null } : { cardBrand: input.cardBrand ?? null, cardLast4: input.cardLast4 ?? null };
}

/** Whether the business is closed; asked only when there are card details to keep, so cash and checks cost nothing. */
async function businessClosed(tx: Tx, invoice: PaymentInvoice, input: Pick<ApplyPaymentInput, "cardBrand" | "cardLast4">) {
  if (!input.cardBrand && !input.cardLast4) return false;
  if (invoice.business) return invoice.business.closedAt !== null;
  return (await tx.business.count({ where: { id: invoice.businessId, closedAt: { not: null } } })) > 0;
}

/** A cuid-shaped id (the ids Prisma makes), for the payment inserted in SQL. */
function newPaymentId() {
  return `c${Date.now().toString(36)}${randomBytes(10).toString("hex")}`.slice(0, 25);
}

/** The rules a new payment must pass on the locked invoice; a DomainError when it may not be recorded. */
function checkNewPayment(input: ApplyPaymentInput, invoice: PaymentInvoice, status: PaymentStatus, today: string) {
  if (invoice.status === "VOID" && input.provider === "manual") throw new DomainError("This invoice is void; it cannot take payments.");
  if (invoice.status === "DRAFT" && input.provider !== "manual") throw new DomainError("This invoice has not been sent.");
  if (input.currency !== invoice.currency) throw new DomainError(`Payments for this invoice must be in ${invoice.currency}.`, "amount");
  if (status !== "FAILED" && invoice.amountPaidCents + input.amountCents > MAX_PAID_CENTS) {
    throw new DomainError(`This invoice cannot take more than ${formatMoney(MAX_PAID_CENTS, invoice.currency)} in payments.`, "amount");
  }
  if (input.provider === "manual") checkManualPayment(input, invoice, today);
}

/**
 * Inserts the payment unless its provider id is taken (then null), in one statement that also sums
 * what the invoice's succeeded payments held before it (the row lock keeps that sum still), so the
 * overpayment is known without another round trip.
 */
async function insertPayment(tx: Tx, input: ApplyPaymentInput, invoice: PaymentInvoice, status: PaymentStatus, receivedOn: string, closed: boolean) {
  const card = cardDetails(input, closed);
  const now = new Date();
  // The follow-up's marker commits with the payment: there is never a payment whose follow-up is unknown.
  const followUpPendingAt = input.followUpInJob ? now : null;
  const rows = await rawQueryInTx<{ id: string; overpaymentCents: number; paidBefore: number }>(
    tx,
    Prisma.sql`/* prepared:payment-insert */
    WITH before AS (
      SELECT COALESCE(SUM("amountCents" - "refundedCents"), 0)::int AS cents FROM "Payment" WHERE "invoiceId" = ${invoice.id} AND status = 'SUCCEEDED'
    )
    INSERT INTO "Payment" (id, "businessId", "invoiceId", "amountCents", currency, method, provider, "providerAccountId", "providerPaymentId", status,
                           "overpaymentCents", reference, note, "receivedAt", "receivedOn", "recordedById", "cardBrand", "cardLast4", "failureReason",
                           "followUpPendingAt", "createdAt", "updatedAt")
    SELECT ${newPaymentId()}, ${invoice.businessId}, ${invoice.id}, ${input.amountCents}, ${input.currency}, ${input.method}::"PaymentMethod",
           ${input.provider}, ${input.providerAccountId ?? ""}, ${input.providerPaymentId}, ${status}::"PaymentStatus",
           CASE WHEN ${status} = 'SUCCEEDED' THEN GREATEST(0, ${input.amountCents}::int - GREATEST(0, ${invoice.totalCents}::int - before.cents)) ELSE 0 END,
           ${input.reference ?? null}, ${input.note ?? null}, ${input.receivedAt ?? now}, ${dateOnly(receivedOn)}, ${input.recordedById ?? null},
           ${card.cardBrand}, ${card.cardLast4}, ${input.failureReason ?? null}, ${followUpPendingAt}, ${now}, ${now}
      FROM before
    ON CONFLICT (provider, "providerAccountId", "providerPaymentId") DO NOTHING
    RETURNING id, "overpaymentCents", (SELECT cents FROM before) AS "paidBefore"`,
  );
  return rows[0] ?? null;
}

async function applyPaymentInTx(tx: Tx, input: ApplyPaymentInput): Promise<ApplyPaymentResult> {
  checkAmount(input.amountCents);
  const invoice = await lockInvoiceForPayment(tx, input.businessId, input.invoiceId);
  // A closed account keeps the money for the books only: no card details, no emails, so no job either.
  if (input.followUpInJob && invoice.business.closedAt) input = { ...input, followUpInJob: false };
  const status = input.status ?? "SUCCEEDED";
  const today = todayIn(invoice.business.timeZone);
  // A payment already recorded under this provider id is looked up only when the insert finds it taken,
  // or when a rule refuses the new one (a repeat of an accepted event must stay a quiet duplicate).
  let refusal: DomainError | null = null;
  try {
    checkNewPayment(input, invoice, status, today);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    refusal = error;
  }
  // Money that actually arrived from a provider is always recorded, even on a voided invoice: it has
  // to be refunded by hand, and the activity feed says so.
  const inserted = refusal ? null : await insertPayment(tx, input, invoice, status, input.receivedOn ?? today, invoice.business.closedAt !== null);
  if (!inserted) {
    const existing = await providerPaymentInTx(tx, input.provider, input.providerAccountId ?? "", input.providerPaymentId);
    if (!existing) throw refusal ?? new Error("the payment's provider id was taken, but no payment has it");
    if (existing.invoiceId !== invoice.id || !NEXT_STATES[existing.status].includes(status)) return { status: "duplicate", paymentId: existing.id };
    // An ACH debit settled (or bounced): the same row moves on; events arriving twice stop at the check above.
    return settlePendingPayment(tx, invoice, existing, status, input);
  }
  if (status !== "SUCCEEDED") {
    const amount = formatMoney(input.amountCents, input.currency);
    const label = await labelOf(tx, invoice);
    await recordActivity(tx, {
      businessId: input.businessId,
      type: status === "PENDING" ? "payment.processing" : "payment.failed",
      message:
        status === "PENDING"
          ? `Bank payment of ${amount} on invoice ${label} is processing`
          : `Payment of ${amount} on invoice ${label} failed${input.failureReason ? `: ${input.failureReason}` : ""}`,
      invoiceId: invoice.id,
      customerId: invoice.customerId,
    });
    // The follow-up (marked by the insert) still fills in the bank's name and last four of a debit that is processing.
    return { status: "applied", paymentId: inserted.id, overpaymentCents: 0, invoiceStatus: invoice.status };
  }
  return completePayment(
    tx,
    invoice,
    { id: inserted.id, amountCents: input.amountCents, currency: input.currency, overpaymentCents: inserted.overpaymentCents },
    { paidBefore: inserted.paidBefore, followUpInJob: input.followUpInJob },
  );
}

async function settlePendingPayment(tx: Tx, invoice: PaymentInvoice, payment: Payment, status: PaymentStatus, input: ApplyPaymentInput) {
  const incoming = cardDetails(input, await businessClosed(tx, invoice, input));
  const updated = await tx.payment.update({
    where: { id: payment.id },
    data: {
      status,
      failureReason: input.failureReason ?? null,
      cardBrand: payment.cardBrand ?? incoming.cardBrand,
      cardLast4: payment.cardLast4 ?? incoming.cardLast4,
      // The settled debit's receipt: a new marker (a follow-up already holding the old one finds it changed and leaves it).
      ...(input.followUpInJob && status === "SUCCEEDED" ? { followUpPendingAt: new Date(), followUpInvoicePaidAt: null, followUpAttempts: 0 } : {}),
    },
  });
  if (status === "SUCCEEDED") return completePayment(tx, invoice, updated, { followUpInJob: input.followUpInJob });
  await recordActivity(tx, {
    businessId: invoice.businessId,
    type: "payment.failed",
    message: `Bank payment of ${formatMoney(payment.amountCents, payment.currency)} on invoice ${await labelOf(tx, invoice)} failed${input.failureReason ? `: ${input.failureReason}` : ""}`,
    invoiceId: invoice.id,
    customerId: invoice.customerId,
  });
  return { status: "applied" as const, paymentId: payment.id, overpaymentCents: 0, invoiceStatus: invoice.status };
}

/**
 * The payment's money counts from now: flag any overpayment, recompute the invoice, record the
 * activity, queue the receipt (here, or through the payment-received job).
 * `paidBefore`: what the invoice's succeeded payments held before this one, when the insert summed it
 * (then the overpayment is already on the row and no aggregate is needed).
 */
async function completePayment(
  tx: Tx,
  invoice: PaymentInvoice,
  payment: Pick<Payment, "id" | "amountCents" | "currency" | "overpaymentCents">,
  options: { paidBefore?: number; followUpInJob?: boolean } = {},
): Promise<ApplyPaymentResult> {
  const amountPaidCents = options.paidBefore !== undefined ? options.paidBefore + payment.amountCents : await paidCents(tx, invoice.id);
  const next = paidState(invoice, amountPaidCents);
  const { status: invoiceStatus, paidAt, becamePaid } = next;
  // What was paid before this payment counted, so the part beyond the balance then is its overpayment.
  const before = amountPaidCents - payment.amountCents;
  const overpaymentCents = Math.max(0, payment.amountCents - Math.max(0, invoice.totalCents - before));
  if (overpaymentCents !== payment.overpaymentCents) await tx.payment.update({ where: { id: payment.id }, data: { overpaymentCents } });
  const amount = formatMoney(payment.amountCents, payment.currency);
  const label = await labelOf(tx, invoice);
  const activity = [
    ...(becamePaid ? [paidActivity(invoice, label)] : []),
    {
      businessId: invoice.businessId,
      type: overpaymentCents ? "payment.overpaid" : "payment.received",
      message: overpaymentCents
        ? `Payment of ${amount} on invoice ${label} overpays it by ${formatMoney(overpaymentCents, payment.currency)}`
        : `Payment of ${amount} received on invoice ${label}${invoice.status === "VOID" ? " (the invoice is void: refund it)" : ""}`,
      invoiceId: invoice.id,
      customerId: invoice.customerId,
    },
  ];
  // The invoice's update, the activity and (for a webhook whose payment paid the invoice) the notice's
  // date on the follow-up's marker: one statement, one round trip.
  const paidNotice = options.followUpInJob && becamePaid ? { paymentId: payment.id, invoicePaidAt: paidAt! } : null;
  // A webhook's payment ends here: on its own connection, COMMIT and the follow-ups' wake-up go out with
  // this statement, in one write (decision 027); else applyPayment wakes them after the commit.
  const wake = options.followUpInJob && usesTransactionConnection(tx);
  await writeInvoicePaid(tx, invoice.id, next, activity, paidNotice, {
    last: options.followUpInJob,
    thenOutside: wake ? { statement: WAKE_PAYMENT_FOLLOW_UPS, failed: wakeFailed } : undefined,
  });
  if (wake) wokeWithCommit.add(tx);
  if (options.followUpInJob) return { status: "applied", paymentId: payment.id, overpaymentCents, invoiceStatus, receiptEmailId: null };
  if (becamePaid) await queueInvoicePaidNotice(tx, invoice, paidAt!);
  const receiptEmailId = await queueReceipt(tx, invoice.id, payment.id);
  return { status: "applied", paymentId: payment.id, overpaymentCents, invoiceStatus, receiptEmailId };
}

/** Transactions whose payment wrote the follow-ups' wake-up behind its COMMIT (applyPayment then sends none). */
const wokeWithCommit = new WeakSet<Tx>();

type ActivityRow = { businessId: string; type: string; message: string; invoiceId: string; customerId: string };

/**
 * Writes the invoice's paid state, inserts the activity rows and, when a webhook's payment paid the
 * invoice, keeps the paid date on the payment for its follow-up's notice, in one statement: the payment
 * holds the invoice's row lock until it commits, so each round trip saved shortens the time a burst of
 * payments waits on it.
 */
async function writeInvoicePaid(
  tx: Tx,
  invoiceId: string,
  next: PaidState,
  activity: ActivityRow[],
  paidNotice: { paymentId: string; invoicePaidAt: Date } | null,
  options?: Parameters<typeof rawQueryInTx>[2],
) {
  const now = new Date();
  const rows = JSON.stringify(activity.map((a) => ({ id: newRowId(), ...a })));
  await rawQueryInTx(
    tx,
    Prisma.sql`/* prepared:payment-invoice-paid */
    WITH invoice AS (
      UPDATE "Invoice"
         SET "amountPaidCents" = ${next.amountPaidCents}, "overpaidCents" = ${next.overpaidCents}, status = ${next.status}::"InvoiceStatus",
             "paidAt" = ${next.paidAt}, "sentAt" = ${next.sentAt}, "updatedAt" = ${now}
       WHERE id = ${invoiceId}
      RETURNING id
    ), activity AS (
      INSERT INTO "ActivityEvent" (id, "businessId", type, message, "invoiceId", "customerId", "createdAt")
      SELECT id, "businessId", type, message, "invoiceId", "customerId", ${now}
        FROM json_to_recordset(${rows}::json) AS x(id text, "businessId" text, type text, message text, "invoiceId" text, "customerId" text)
      RETURNING id
    ), follow_up AS (
      UPDATE "Payment" SET "followUpInvoicePaidAt" = ${paidNotice?.invoicePaidAt ?? null}
       WHERE id = ${paidNotice?.paymentId ?? ""} AND ${paidNotice !== null}::boolean
      RETURNING id
    )
    SELECT (SELECT count(*) FROM invoice)::int AS invoices, (SELECT count(*) FROM activity)::int AS activities,
           (SELECT count(*) FROM follow_up)::int AS "followUps"`,
    options,
  );
}

const paidActivity = (invoice: PaymentInvoice, label: string) => ({
  businessId: invoice.businessId,
  type: "invoice.paid",
  message: `Invoice ${label} paid in full`,
  invoiceId: invoice.id,
  customerId: invoice.customerId,
});

/** A webhook payment's follow-up: from its marker (payment-follow-ups) or a payment-received job queued before markers. */
export type PaymentReceivedJob = { paymentId: string; businessId: string; invoicePaidAt: string | null };

/** What the payment-received job reads, in one statement: the payment, its invoice, the customer, the business (its brand, the owner's address). */
export type PaymentFollowUpFacts = {
  id: string;
  businessId: string;
  invoiceId: string;
  provider: string;
  providerAccountId: string;
  providerPaymentId: string;
  status: PaymentStatus;
  method: PaymentMethod;
  cardBrand: string | null;
  cardLast4: string | null;
  amountCents: number;
  currency: string;
  receivedAt: Date;
  /** YYYY-MM-DD, or null for payments written before receivedOn existed. */
  receivedOn: string | null;
  number: number;
  totalCents: number;
  amountPaidCents: number;
  invoiceCurrency: string;
  customerName: string;
  customerEmail: string | null;
  businessName: string;
  businessEmail: string | null;
  invoicePrefix: string;
  timeZone: string;
  closedAt: Date | null;
  accentColor: string | null;
  logoMimeType: string | null;
  logoUpdatedAt: Date | null;
  ownerEmail: string | null;
};

/** The payment-received job's one read; null when the payment is gone (an erased account). */
export async function readPaymentFollowUp(job: Pick<PaymentReceivedJob, "paymentId" | "businessId">): Promise<PaymentFollowUpFacts | null> {
  const rows = await prisma.$queryRaw<PaymentFollowUpFacts[]>`
    SELECT p.id, p."businessId", p."invoiceId", p.provider, p."providerAccountId", p."providerPaymentId", p.status::text AS status,
           p.method::text AS method, p."cardBrand", p."cardLast4", p."amountCents", p.currency, p."receivedAt", p."receivedOn"::text AS "receivedOn",
           i.number, i."totalCents", i."amountPaidCents", i.currency AS "invoiceCurrency",
           c.name AS "customerName", c.email AS "customerEmail",
           b.name AS "businessName", b.email AS "businessEmail", b."invoicePrefix", b."timeZone", b."closedAt",
           b."accentColor", b."logoMimeType", b."logoUpdatedAt",
           (SELECT u.email FROM "User" u WHERE u."businessId" = b.id AND u.role = 'OWNER' ORDER BY u."createdAt" LIMIT 1) AS "ownerEmail"
      FROM "Payment" p
      JOIN "Invoice" i ON i.id = p."invoiceId" AND i."businessId" = p."businessId"
      JOIN "Customer" c ON c.id = i."customerId"
      JOIN "Business" b ON b.id = p."businessId"
     WHERE p.id = ${job.paymentId} AND p."businessId" = ${job.businessId}`;
  return rows[0] ?? null;
}

/**
 * What the payment-received job does once it knows the card's details (or that there are none to
 * know), from its one read (readPaymentFollowUp): keep them on the payment (not for a closed account),
 * then queue the receipt if the money counted and the "invoice paid" notice if this payment paid the
 * invoice, in one transaction of the statements that write (the card's update, one insert of both
 * emails, their jobs). Each email has its dedupe key, so a retried job sends nothing twice; the card's
 * update only fills details still missing.
 * `lease`: the marker (followUpPendingAt) the payment-follow-ups job claimed. The same transaction clears
 * it, under the invoice's row lock, and writes nothing when the marker is no longer that lease (another
 * worker took it over, or a newer event marked the payment again): so a follow-up's writes commit exactly
 * once with its marker's clearing. Returns false then.
 */
export async function completePaymentFollowUp(
  job: PaymentReceivedJob,
  facts: PaymentFollowUpFacts,
  details: { method: PaymentMethod; cardBrand: string | null; cardLast4: string | null } | null,
  lease?: Date,
): Promise<boolean> {
  const closed = facts.closedAt !== null;
  const card = details && !facts.cardBrand && !facts.cardLast4 ? { method: details.method, ...cardDetails(details, closed) } : null;
  const payment = card ? { ...facts, ...card } : facts;
  const emails: QueuedEmail[] = [];
  const noticeTo = job.invoicePaidAt ? invoicePaidNoticeTo({ email: facts.businessEmail, closedAt: facts.closedAt }, facts.ownerEmail) : null;
  if (job.invoicePaidAt && noticeTo) {
    emails.push(
      invoicePaidMessage({
        invoice: { id: facts.invoiceId, businessId: facts.businessId, number: facts.number, currency: facts.invoiceCurrency, totalCents: facts.totalCents },
        to: noticeTo,
        invoicePrefix: facts.invoicePrefix,
        customerName: facts.customerName,
        paidAt: new Date(job.invoicePaidAt),
      }),
    );
  }
  // A payment that is still processing or bounced gets no receipt; one refunded or disputed since did count.
  const counted = payment.status === "SUCCEEDED" || payment.status === "REFUNDED" || payment.status === "DISPUTED";
  const receipt = counted
    ? receiptMessage({
        payment: { ...payment, paidOn: payment.receivedOn ?? todayIn(facts.timeZone, payment.receivedAt) },
        invoice: { id: facts.invoiceId, number: facts.number, totalCents: facts.totalCents, amountPaidCents: facts.amountPaidCents },
        customer: { name: facts.customerName, email: facts.customerEmail },
        business: { name: facts.businessName, invoicePrefix: facts.invoicePrefix, closedAt: facts.closedAt },
        brand: emailBrand({ id: facts.businessId, accentColor: facts.accentColor, logoMimeType: facts.logoMimeType, logoUpdatedAt: facts.logoUpdatedAt }),
      })
    : null;
  if (receipt) emails.push(receipt);
  if (!card && !emails.length && !lease) return true;
  return prisma.$transaction(async (tx) => {
    if (lease) {
      // The invoice's row lock first, as every payment change takes it (see the card's update below).
      const cleared = await tx.$executeRaw`
        WITH invoice AS (SELECT id FROM "Invoice" WHERE id = ${facts.invoiceId} AND "businessId" = ${facts.businessId} FOR UPDATE)
        UPDATE "Payment" SET "followUpPendingAt" = NULL, "followUpInvoicePaidAt" = NULL, "followUpAttempts" = 0
         WHERE id = ${facts.id} AND "followUpPendingAt" = ${lease} AND EXISTS (SELECT 1 FROM invoice)`;
      if (cleared === 0) return false;
    }
    if (card) {
      // The invoice's row lock first, as every payment change takes it: a repeated webhook holds it while
      // its insert waits on this payment's row, so updating the payment first could deadlock with it.
      await tx.$executeRaw`
        WITH invoice AS (SELECT id FROM "Invoice" WHERE id = ${facts.invoiceId} AND "businessId" = ${facts.businessId} FOR UPDATE)
        UPDATE "Payment" SET method = ${card.method}::"PaymentMethod", "cardBrand" = ${card.cardBrand}, "cardLast4" = ${card.cardLast4}, "updatedAt" = now()
         WHERE id = ${facts.id} AND "cardBrand" IS NULL AND "cardLast4" IS NULL AND EXISTS (SELECT 1 FROM invoice)`;
    }
    // A dedupe key already taken (a retried job) is skipped.
    if (emails.length) await queueEmails(tx, emails);
    return true;
  });
}

/** Money kept from succeeded payments, less refunds. */
async function paidCents(tx: Tx, invoiceId: string) {
  const sum = await tx.payment.aggregate({
    where: { invoiceId, status: "SUCCEEDED" },
    _sum: { amountCents: true, refundedCents: true },
  });
  return (sum._sum.amountCents ?? 0) - (sum._sum.refundedCents ?? 0);
}

type PaidState = {
  amountPaidCents: number;
  overpaidCents: number;
  status: Invoice["status"];
  paidAt: Date | null;
  sentAt: Date | null;
  becamePaid: boolean;
};

/**
 * The invoice's paid amount and status, derived from what its payments hold (not by adding and
 * subtracting, which keeps it right whatever order events arrive in).
 */
function paidState(invoice: PaymentInvoice, amountPaidCents: number): PaidState {
  const paid = amountPaidCents >= invoice.totalCents && invoice.totalCents > 0;
  const status =
    invoice.status === "VOID"
      ? "VOID"
      : paid
        ? "PAID"
        : amountPaidCents > 0
          ? "PARTIALLY_PAID"
          : invoice.viewedAt
            ? "VIEWED"
            : invoice.sentAt || invoice.status !== "DRAFT"
              ? "SENT"
              : "DRAFT";
  // paidAt is set once, by the payment that completes the invoice, and cleared if money goes back.
  const paidAt = status === "PAID" ? (invoice.paidAt ?? new Date()) : invoice.status === "VOID" ? invoice.paidAt : null;
  return {
    amountPaidCents,
    overpaidCents: Math.max(0, amountPaidCents - invoice.totalCents),
    status,
    paidAt,
    sentAt: invoice.sentAt ?? (status !== "DRAFT" ? new Date() : null),
    becamePaid: status === "PAID" && invoice.status !== "PAID",
  };
}

/**
 * Writes the invoice's paid amount and status, derived from its payments (called under the row lock;
 * `knownPaidCents` when the caller summed them in the same transaction).
 */
async function updateInvoicePaid(tx: Tx, invoice: PaymentInvoice, knownPaidCents?: number) {
  const next = paidState(invoice, knownPaidCents ?? (await paidCents(tx, invoice.id)));
  await tx.invoice.updateMany({
    where: { id: invoice.id },
    data: { amountPaidCents: next.amountPaidCents, overpaidCents: next.overpaidCents, status: next.status, paidAt: next.paidAt, sentAt: next.sentAt },
  });
  return next;
}

/**
 * Recomputes the invoice from its payments after a refund or a dispute (called under the row lock),
 * with the activity and the contractor's notice when that pays it in full again.
 */
async function recomputeInvoice(tx: Tx, invoice: PaymentInvoice) {
  const result = await updateInvoicePaid(tx, invoice);
  if (result.becamePaid) {
    await recordActivity(tx, paidActivity(invoice, await labelOf(tx, invoice)));
    await queueInvoicePaidNotice(tx, invoice, result.paidAt!);
  }
  return result;
}

/**
 * "Mark paid": records the remaining balance as one manual payment. Idempotent twice over: the form's
 * key makes a repeated submission a no-op, and an invoice with no balance left gets no new payment.
 */
export async function markInvoicePaid(input: Omit<ApplyPaymentInput, "amountCents" | "currency">) {
  return inLockingTransaction(async (tx) => {
    const invoice = await lockInvoice(tx, input.businessId, input.invoiceId);
    const balance = balanceCents(invoice);
    if (balance === 0) {
      const existing = await findProviderPayment(tx, input.provider, input.providerAccountId ?? "", input.providerPaymentId);
      return existing ? ({ status: "duplicate", paymentId: existing.id } as const) : ({ status: "nothing-due" } as const);
    }
    return applyPaymentInTx(tx, { ...input, amountCents: balance, currency: invoice.currency });
  });
}

export async function listPayments(businessId: string, options: { invoiceId?: string; customerId?: string; take?: number } = {}) {
  return prisma.payment.findMany({
    where: { businessId, invoiceId: options.invoiceId, invoice: options.customerId ? { customerId: options.customerId } : undefined },
    orderBy: { receivedAt: "desc" },
    take: options.take ?? 100,
    include: { invoice: { select: { id: true, number: true, customer: { select: { id: true, name: true } } } } },
  });
}

/** Locks the invoice a provider payment belongs to, then re-reads the payment under that lock. */
async function lockProviderPayment(tx: Tx, provider: PaymentProvider, providerAccountId: string, providerPaymentId: string) {
  const found = await findProviderPayment(tx, provider, providerAccountId, providerPaymentId);
  if (!found) return null;
  const invoice = await lockInvoice(tx, found.businessId, found.invoiceId);
  const payment = await tx.payment.findUniqueOrThrow({ where: { id: found.id } });
  return { invoice, payment };
}

export type ProviderChangeResult = { status: "updated" | "unchanged" | "unknown-payment"; paymentId?: string };

/**
 * A provider says `refundedTotalCents` of a payment has been refunded so far (a running total, so a
 * repeated or late event can only move it forward). A full refund makes the payment REFUNDED.
 */
export async function applyProviderRefund(
  provider: PaymentProvider,
  providerPaymentId: string,
  refundedTotalCents: number,
  providerAccountId = "",
): Promise<ProviderChangeResult> {
  return prisma.$transaction(async (tx) => {
    const locked = await lockProviderPayment(tx, provider, providerAccountId, providerPaymentId);
    if (!locked) return { status: "unknown-payment" };
    const { invoice, payment } = locked;
    const refundedCents = Math.min(payment.amountCents, Math.max(payment.refundedCents, refundedTotalCents));
    // Refunds asked for in the app that this total covers are no longer "on their way".
    await settleRefundsInTx(tx, payment.id, refundedCents);
    if (refundedCents === payment.refundedCents) return { status: "unchanged", paymentId: payment.id };
    const fully = refundedCents === payment.amountCents;
    await tx.payment.update({
      where: { id: payment.id },
      data: { refundedCents, status: fully && payment.status === "SUCCEEDED" ? "REFUNDED" : payment.status },
    });
    await recomputeInvoice(tx, invoice);
    await recordActivity(tx, {
      businessId: invoice.businessId,
      type: "payment.refunded",
      message: `${formatMoney(refundedCents - payment.refundedCents, payment.currency)} of a ${formatMoney(payment.amountCents, payment.currency)} payment on invoice ${await invoiceLabel(tx, invoice.businessId, invoice.number)} refunded`,
      invoiceId: invoice.id,
      customerId: invoice.customerId,
    });
    return { status: "updated", paymentId: payment.id };
  }, LOCKING_TRANSACTION);
}

/**
 * A dispute (chargeback): while it is open, or once it is lost, the money is gone from the invoice; a
 * won dispute gives it back. Each dispute has the provider's id: a repeat, or a late retry of a dispute
 * already settled, changes nothing.
 */
export async function applyProviderDispute(
  provider: PaymentProvider,
  providerPaymentId: string,
  dispute: { id: string; outcome: "opened" | "won" | "lost" },
  providerAccountId = "",
): Promise<ProviderChangeResult> {
  return prisma.$transaction(async (tx) => {
    const locked = await lockProviderPayment(tx, provider, providerAccountId, providerPaymentId);
    if (!locked) return { status: "unknown-payment" };
    const { invoice, payment } = locked;
    const next: PaymentStatus | null =
      dispute.outcome === "opened"
        ? payment.status === "SUCCEEDED" && payment.disputeId !== dispute.id
          ? "DISPUTED"
          : null
        : dispute.outcome === "won" && payment.status === "DISPUTED" && payment.disputeId === dispute.id
          ? "SUCCEEDED"
          : null;
    if (!next) return { status: "unchanged", paymentId: payment.id };
    await tx.payment.update({
      where: { id: payment.id },
      data: { status: next, disputeId: dispute.id, disputedAt: next === "DISPUTED" ? new Date() : payment.disputedAt },
    });
    await recomputeInvoice(tx, invoice);
    const amount = formatMoney(payment.amountCents, payment.currency);
    await recordActivity(tx, {
      businessId: invoice.businessId,
      type: next === "SUCCEEDED" ? "payment.dispute-won" : "payment.disputed",
      message:
        next === "SUCCEEDED"
          ? `Dispute won: the ${amount} payment on invoice ${await invoiceLabel(tx, invoice.businessId, invoice.number)} counts again`
          : `The customer disputed the ${amount} payment on invoice ${await invoiceLabel(tx, invoice.businessId, invoice.number)}; respond in your ${provider === "stripe" ? "Stripe" : "PayPal"} dashboard`,
      invoiceId: invoice.id,
      customerId: invoice.customerId,
    });
    return { status: "updated", paymentId: payment.id };
  }, LOCKING_TRANSACTION);
}

/**
 * Records that a manual payment was given back. Online payments are refunded at their provider
 * (requestRefund in refund.server.ts), whose webhook then calls applyProviderRefund. Idempotent.
 */
export async function refundPayment(businessId: string, paymentId: string) {
  return prisma.$transaction(async (tx) => {
    const found = await tx.payment.findFirst({ where: { id: paymentId, businessId }, select: { invoiceId: true } });
    if (!found) throw new DomainError("Payment not found");
    const invoice = await lockInvoice(tx, businessId, found.invoiceId);
    const payment = await tx.payment.findUniqueOrThrow({ where: { id: paymentId } });
    if (payment.provider !== "manual")
      throw new DomainError(
        `Card and PayPal payments are refunded through ${payment.provider === "stripe" ? "Stripe" : "PayPal"}: use Refund with an amount and a reason.`,
      );
    if (payment.status !== "SUCCEEDED") return { status: "unchanged" as const };
    await tx.payment.update({ where: { id: paymentId }, data: { status: "REFUNDED", refundedCents: payment.amountCents } });
    await recomputeInvoice(tx, invoice);
    await recordActivity(tx, {
      businessId,
      type: "payment.refunded",
      message: `Payment of ${formatMoney(payment.amountCents, payment.currency)} on invoice ${await invoiceLabel(tx, invoice.businessId, invoice.number)} refunded`,
      invoiceId: invoice.id,
      customerId: invoice.customerId,
    });
    return { status: "refunded" as const };
  }, LOCKING_TRANSACTION);
}

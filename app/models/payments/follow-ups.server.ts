// The follow-ups of webhook payments, coalesced (docs/decisions/024-coalesced-payment-follow-ups.md).
// The payment's transaction marks it (Payment.followUpPendingAt, committed with the money); this works
// through the marked payments in batches until none is due. A batch is claimed with FOR UPDATE SKIP
// LOCKED and leased (the marker moves LEASE_SECONDS ahead), so concurrent workers take different payments
// and a worker that dies mid-batch only delays its payments until the lease ends. Each follow-up clears
// its marker in the transaction of its own writes, only if the marker is still its lease: a payment's
// follow-up commits once. A failure keeps the marker, later (backoff as graphile-worker's), and counts
// the attempt; the last attempt sends the receipt without card details, and anything failing even then
// stays pending and is retried, never dropped.
import { prisma } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { PAYMENT_FOLLOW_UPS_JOB_KEY, PAYMENT_FOLLOW_UPS_QUEUE, PAYMENT_FOLLOW_UPS_TASK } from "./follow-up-wake.server";
import { completeStripePayment } from "./stripe-events.server";

/** How many payments one claim takes (and one worker runs at a time). */
export const FOLLOW_UP_BATCH = 20;
/** How long a claimed payment is left to its worker before another may take it over. */
const LEASE_SECONDS = 300;
/** Reading the card's details is tried this many times; the last attempt sends the receipt without them. */
export const FOLLOW_UP_MAX_ATTEMPTS = 5;
/** The longest wait between two attempts, as graphile-worker's own backoff: exp(min(attempts, 10)) s. */
const retryDelaySeconds = (attempts: number) => Math.ceil(Math.exp(Math.min(attempts, 10)));

type Claimed = { id: string; businessId: string; invoicePaidAt: Date | null; attempts: number; lease: Date };

/**
 * Claims up to `limit` due follow-ups: their markers move to the end of a lease, in one statement.
 * Times are UTC wall times, as Prisma writes them to timestamp columns.
 */
async function claimFollowUps(limit: number): Promise<Claimed[]> {
  return prisma.$queryRaw<Claimed[]>`
    UPDATE "Payment" p SET "followUpPendingAt" = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${LEASE_SECONDS})
     WHERE p.id IN (SELECT id FROM "Payment" WHERE "followUpPendingAt" <= (now() AT TIME ZONE 'UTC')
                     ORDER BY "followUpPendingAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING p.id, p."businessId", p."followUpInvoicePaidAt" AS "invoicePaidAt", p."followUpAttempts" AS attempts, p."followUpPendingAt" AS lease`;
}

/** A failed attempt: the marker stays, due again after the backoff, unless someone else changed it meanwhile. */
async function deferFollowUp(claimed: Claimed) {
  await prisma.$executeRaw`
    UPDATE "Payment" SET "followUpPendingAt" = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${retryDelaySeconds(claimed.attempts + 1)}),
                         "followUpAttempts" = "followUpAttempts" + 1
     WHERE id = ${claimed.id} AND "followUpPendingAt" = ${claimed.lease}`;
}

async function followUp(claimed: Claimed): Promise<"done" | "skipped" | "failed"> {
  const job = { paymentId: claimed.id, businessId: claimed.businessId, invoicePaidAt: claimed.invoicePaidAt?.toISOString() ?? null };
  try {
    const done = await completeStripePayment(job, { last: claimed.attempts + 1 >= FOLLOW_UP_MAX_ATTEMPTS, lease: claimed.lease });
    return done ? "done" : "skipped";
  } catch (error) {
    logger[claimed.attempts + 1 >= FOLLOW_UP_MAX_ATTEMPTS ? "error" : "warn"](
      { err: error instanceof Error ? error.message : String(error), paymentId: claimed.id, attempts: claimed.attempts + 1 },
      "payment follow-up failed; it stays pending and is retried",
    );
    await deferFollowUp(claimed);
    return "failed";
  }
}

export type FollowUpRun = { done: number; skipped: number; failed: number };

/**
 * Does every due follow-up, batch after batch, until a claim finds none (so a payment marked while the
 * job runs is done by this run). Follow-ups in a batch run side by side: most of each is waiting on the
 * provider's API.
 */
export async function runPaymentFollowUps(options: { batch?: number } = {}): Promise<FollowUpRun> {
  const run: FollowUpRun = { done: 0, skipped: 0, failed: 0 };
  for (;;) {
    const claimed = await claimFollowUps(options.batch ?? FOLLOW_UP_BATCH);
    if (!claimed.length) break;
    for (const outcome of await Promise.all(claimed.map(followUp))) run[outcome]++;
  }
  if (run.failed) await scheduleRetries();
  return run;
}

/**
 * Failed follow-ups are due again after their backoff: a job is queued for the earliest (keeping an
 * earlier job that is already waiting), so a retry need not wait for the sweep.
 */
async function scheduleRetries() {
  await prisma.$queryRaw`
    SELECT count(*) FROM graphile_worker.add_job(${PAYMENT_FOLLOW_UPS_TASK}, '{}'::json,
             run_at => (SELECT min("followUpPendingAt") FROM "Payment" WHERE "followUpPendingAt" IS NOT NULL) AT TIME ZONE 'UTC',
             queue_name => ${PAYMENT_FOLLOW_UPS_QUEUE}, job_key => ${PAYMENT_FOLLOW_UPS_JOB_KEY}, job_key_mode => 'preserve_run_at')`;
}

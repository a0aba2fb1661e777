// Wakes the payment-follow-ups job after a webhook's payment committed with its follow-up marker
// (docs/decisions/024-coalesced-payment-follow-ups.md). Adding a job notifies (pg_notify), and a notifying
// commit holds a database-wide lock through its WAL flush: one job per payment serialized a burst of
// webhooks. Here a payment adds a job only when none is waiting: a queued job that has not started will
// see every marker committed before it starts, so the common case is one indexed read and no write.
// When the job is running (it may have made its last check already) or absent, add_job (replace mode)
// queues one more under the same key (or brings a failed job's retry forward); a running job's key is cleared by graphile-worker, so this happens
// once per run, not once per payment. Lost wake-ups (a crash right after the commit) are the crontab
// sweep's: every minute the same task runs and finds any marker still due.
import { Prisma } from "~/generated/prisma/client.ts";
import { rawQuery } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";

/** The task and the job key of the coalescing job (at most one waiting at a time). */
export const PAYMENT_FOLLOW_UPS_TASK = "payment-follow-ups";
export const PAYMENT_FOLLOW_UPS_JOB_KEY = "payment-follow-ups";
/**
 * Its named queue: graphile-worker runs a queue's jobs one at a time, so the job queued while one runs
 * waits (unlocked) instead of being taken by the next free worker slot, and later wake-ups find it
 * waiting and write nothing. Without it, each wake-up during a run added a job (and a NOTIFY).
 */
export const PAYMENT_FOLLOW_UPS_QUEUE = "payment-follow-ups";

/** The wake-up being sent, and the next one that callers arriving meanwhile share (decision 025). */
let sending: Promise<void> | null = null;
let next: Promise<void> | null = null;

/**
 * Queues the payment-follow-ups job unless one is waiting. Outside any transaction (graphile-worker asks
 * that its jobs view is read so, by its indexed key). A failure is logged, not thrown: the payment and
 * its marker are committed, and the sweep does the follow-up within a minute.
 * Wake-ups coalesce: a caller (whose payment has committed) shares a wake-up that has not been sent yet,
 * never one already under way, which may have read the jobs before that commit. So a burst of webhooks
 * sends one statement per round trip of it, not one per payment, and every payment is still followed by
 * a check that began after its commit.
 */
export function wakePaymentFollowUps(): Promise<void> {
  if (!sending) return (sending = wakeNow());
  next ??= sending.then(() => {
    next = null;
    return (sending = wakeNow());
  });
  return next;
}

function wakeNow(): Promise<void> {
  const wake: Promise<void> = wakeOnce().finally(() => {
    if (sending === wake) sending = null;
  });
  return wake;
}

/**
 * The wake-up: queues the job unless one is waiting (CASE evaluates the add_job subquery only then). Outside
 * any transaction. A payment on its own connection writes it behind its COMMIT (payment.server.ts, decision
 * 027): no round trip of its own, one per payment; otherwise wakePaymentFollowUps sends it, coalesced.
 */
export const WAKE_PAYMENT_FOLLOW_UPS = Prisma.sql`/* prepared:payment-follow-ups-wake */
      SELECT CASE WHEN EXISTS (SELECT 1 FROM graphile_worker.jobs WHERE key = ${PAYMENT_FOLLOW_UPS_JOB_KEY} AND locked_at IS NULL AND attempts < max_attempts AND run_at <= now())
                  THEN false
                  ELSE (SELECT true FROM graphile_worker.add_job(${PAYMENT_FOLLOW_UPS_TASK}, '{}'::json, queue_name => ${PAYMENT_FOLLOW_UPS_QUEUE}, job_key => ${PAYMENT_FOLLOW_UPS_JOB_KEY}))
             END AS added`;

/** A wake-up that failed: logged; the payment and its marker are committed, and the sweep does the follow-up. */
export function wakeFailed(error: unknown) {
  logger.warn({ err: error instanceof Error ? error.message : String(error) }, "could not wake the payment follow-ups; the sweep will do them");
}

async function wakeOnce(): Promise<void> {
  try {
    await rawQuery(WAKE_PAYMENT_FOLLOW_UPS);
  } catch (error) {
    wakeFailed(error);
  }
}

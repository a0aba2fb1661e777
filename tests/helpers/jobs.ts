// Waiting for background work a test's request left behind: a Stripe webhook answers once the money is
// recorded with its follow-up marker, and the payment-follow-ups job (jobs/payment-follow-ups.ts, run by the
// server's in-process worker) then reads the card's details and queues the receipt.
import { FOLLOW_UP_MAX_ATTEMPTS } from "~/models/payments/follow-ups.server";
import { prisma } from "~/utils/db.server";

/**
 * Resolves once no payment's follow-up is pending (one that used up its attempts is retried for ever,
 * and does not count) and no payment-received job (queued before markers) is waiting or running.
 * Polls: the worker picks jobs up within milliseconds of their commit.
 */
export async function paymentFollowUpsDone(timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ n }] = await prisma.$queryRaw<{ n: number }[]>`
      SELECT (SELECT count(*)::int FROM "Payment" WHERE "followUpPendingAt" IS NOT NULL AND "followUpAttempts" < ${FOLLOW_UP_MAX_ATTEMPTS})
           + (SELECT count(*)::int FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
               WHERE t.identifier = 'payment-received' AND j.attempts < j.max_attempts) AS n`;
    if (n === 0) return;
    if (Date.now() > deadline) throw new Error(`${n} payment follow-ups still pending after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

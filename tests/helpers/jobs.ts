// Waiting for background work a test's request left behind: a Stripe webhook answers once the money is
// recorded, and the payment-received job (jobs/payment-received.ts, run by the server's in-process worker)
// then reads the card's details and queues the receipt.
import { prisma } from "~/utils/db.server";

/**
 * Resolves once no payment-received job is waiting or running (one that used up its attempts stays,
 * failed, and does not count). Polls: the worker picks jobs up within milliseconds of their commit.
 */
export async function paymentFollowUpsDone(timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ n }] = await prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
       WHERE t.identifier = 'payment-received' AND j.attempts < j.max_attempts`;
    if (n === 0) return;
    if (Date.now() > deadline) throw new Error(`${n} payment-received jobs still pending after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The coalesced follow-ups of webhook payments (app/models/payments/follow-ups.server.ts): card details,
// receipts and "invoice paid" notices of every payment marked as pending, until none is due. Woken by the
// webhook after its commit (one job waiting at a time, key payment-follow-ups) and run every minute by
// the crontab as a sweep for wake-ups that were lost. Several may run at once: they claim different payments.
import type { Task } from "graphile-worker";
import { runPaymentFollowUps } from "~/models/payments/follow-ups.server";

const paymentFollowUps: Task<"payment-follow-ups"> = async (_payload, helpers) => {
  const run = await runPaymentFollowUps();
  if (run.done || run.skipped || run.failed) {
    helpers.logger.info(`payment-follow-ups: ${run.done} done, ${run.failed} failed (retried later), ${run.skipped} taken over or gone`);
  }
};

export default paymentFollowUps;

// Delivers queued EmailMessages: one ({ messageId }) or a batch ([{ messageId }, ...], up to 500, as the
// reminder job queues them, sent with one Postmark batch call). Transient failures throw, so
// graphile-worker retries with exponential backoff up to the job's max attempts (4); in a batch only
// the items that failed are retried. Permanent failures end quietly with the message marked FAILED. The
// message row is the job's state: a message that is gone (erased, account closed) or no longer QUEUED is
// skipped, so deleting the row cancels the send.
import type { Task } from "graphile-worker";
import { z } from "zod";
import { deliverEmail, deliverEmails, POSTMARK_BATCH_LIMIT } from "~/utils/email.server";

const Item = z.object({ messageId: z.string().min(1), businessId: z.string().optional() });
const Payload = z.union([Item, z.array(Item).min(1).max(POSTMARK_BATCH_LIMIT)]) satisfies z.ZodType<GraphileWorker.Tasks["send-email"]>;

const sendEmail: Task<"send-email"> = async (payload, helpers) => {
  const parsed = Payload.parse(payload);
  const { attempts, max_attempts: maxAttempts } = helpers.job;
  if (!Array.isArray(parsed)) {
    const outcome = await deliverEmail(parsed.messageId, attempts, maxAttempts);
    if (outcome === "skipped") helpers.logger.info("send-email: message gone or already handled; skipped", { messageId: parsed.messageId });
    return;
  }
  const results = await deliverEmails(
    parsed.map((item) => item.messageId),
    attempts,
    maxAttempts,
  );
  const skipped = results.filter((r) => r.ok && r.outcome === "skipped").length;
  if (skipped) helpers.logger.info(`send-email: ${skipped} of ${parsed.length} messages gone or already handled; skipped`);
  // graphile-worker's batch contract: one promise per item; the rejected ones are retried alone.
  return results.map((r) => (r.ok ? Promise.resolve() : Promise.reject(r.error)));
};

export default sendEmail;

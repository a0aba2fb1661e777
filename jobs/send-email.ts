// Delivers queued EmailMessages: one ({ messageId }) or a batch ([{ messageId }, ...], as the reminder
// job queues them). Transient failures throw, so graphile-worker retries with exponential backoff up to
// the job's max attempts (4); in a batch only the items that failed are retried. Permanent failures
// end quietly with the message marked FAILED. The message row is the job's state: a message that is gone
// (erased, account closed) or no longer QUEUED is skipped, so deleting the row cancels the send.
import type { Task } from "graphile-worker";
import { z } from "zod";
import { deliverEmail } from "~/utils/email.server";

const Item = z.object({ messageId: z.string().min(1), businessId: z.string().optional() });
const Payload = z.union([Item, z.array(Item).min(1).max(200)]) satisfies z.ZodType<GraphileWorker.Tasks["send-email"]>;

/** Items of a batch go out a few at a time. */
const BATCH_PARALLEL = 5;

const sendEmail: Task<"send-email"> = async (payload, helpers) => {
  const parsed = Payload.parse(payload);
  const { attempts, max_attempts: maxAttempts } = helpers.job;
  if (!Array.isArray(parsed)) {
    const outcome = await deliverEmail(parsed.messageId, attempts, maxAttempts);
    if (outcome === "skipped") helpers.logger.info("send-email: message gone or already handled; skipped", { messageId: parsed.messageId });
    return;
  }
  const results: PromiseSettledResult<unknown>[] = new Array(parsed.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(BATCH_PARALLEL, parsed.length) }, async () => {
      while (next < parsed.length) {
        const i = next++;
        results[i] = await deliverEmail(parsed[i].messageId, attempts, maxAttempts).then(
          (value) => ({ status: "fulfilled", value }) as const,
          (reason: unknown) => ({ status: "rejected", reason }) as const,
        );
      }
    }),
  );
  const skipped = results.filter((r) => r.status === "fulfilled" && r.value === "skipped").length;
  if (skipped) helpers.logger.info(`send-email: ${skipped} of ${parsed.length} messages gone or already handled; skipped`);
  // graphile-worker's batch contract: one promise per item; the rejected ones are retried alone.
  return results.map((r) => (r.status === "fulfilled" ? Promise.resolve() : Promise.reject(r.reason)));
};

export default sendEmail;

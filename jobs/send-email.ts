// Delivers one queued EmailMessage. Transient failures throw, so graphile-worker retries with
// exponential backoff up to the job's max attempts (4); permanent failures end the job quietly.
import type { Task } from "graphile-worker";
import { z } from "zod";
import { deliverEmail } from "~/utils/email.server";

const Payload = z.object({ messageId: z.string().min(1), businessId: z.string().optional() });

const sendEmail: Task = async (payload, helpers) => {
  const { messageId } = Payload.parse(payload);
  const outcome = await deliverEmail(messageId, helpers.job.attempts, helpers.job.max_attempts);
  helpers.logger.debug(`email ${messageId}: ${outcome}`);
};

export default sendEmail;

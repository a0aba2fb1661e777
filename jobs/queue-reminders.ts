// Queues the overdue reminders due for a chunk of businesses (added by the overdue-reminders cron run).
// No advisory lock: chunks run in parallel on every worker, and each invoice's stage is claimed with a
// conditional UPDATE, so a repeated or overlapping chunk queues nothing twice.
import type { Task } from "graphile-worker";
import { z } from "zod";
import { sendOverdueReminders } from "~/models/reminders.server";

const Payload = z.object({ now: z.iso.datetime({ offset: true }), businessIds: z.array(z.string().min(1)).min(1).max(1_000) });

const queueReminders: Task<"queue-reminders"> = async (payload, helpers) => {
  const { now, businessIds } = Payload.parse(payload);
  const run = await sendOverdueReminders({ now: new Date(now), businessIds });
  helpers.logger.info(`queue-reminders: ${run.queued} queued of ${run.scanned} scanned in ${businessIds.length} businesses`);
};

export default queueReminders;

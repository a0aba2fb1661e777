// Cron: queue the overdue reminders due now (app/models/reminders.server.ts).
import type { Task } from "graphile-worker";
import { z } from "zod";
import { sendOverdueReminders } from "~/models/reminders.server";
import { withJobLock } from "./lock";

const Payload = z.object({ now: z.iso.datetime({ offset: true }).optional() }).passthrough();

const overdueReminders: Task = async (payload, helpers) => {
  const { now } = Payload.parse(payload ?? {});
  const run = await withJobLock(helpers, "overdue-reminders", () => sendOverdueReminders({ now: now ? new Date(now) : undefined }));
  if (run) helpers.logger.info(`overdue reminders: ${run.queued} queued of ${run.scanned} scanned`);
};

export default overdueReminders;

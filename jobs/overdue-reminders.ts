// Cron: queue the overdue reminders due now (app/models/reminders.server.ts).
import { sendOverdueReminders } from "~/models/reminders.server";
import { scheduledTask } from "./lock";

export default scheduledTask(
  "overdue-reminders",
  (now) => sendOverdueReminders({ now }),
  (run) => `${run.queued} queued of ${run.scanned} scanned`,
);

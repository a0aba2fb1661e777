// Cron: plan the overdue reminders due now and add one queue-reminders job per chunk of businesses
// (app/models/reminders.server.ts), so every worker shares the queueing.
import { scheduleOverdueReminders } from "~/models/reminders.server";
import { scheduledTask } from "./lock";

export default scheduledTask(
  "overdue-reminders",
  (now) => scheduleOverdueReminders({ now }),
  (plan) => `${plan.candidates} candidates in ${plan.businesses} businesses, ${plan.chunks.length} queue-reminders jobs`,
);

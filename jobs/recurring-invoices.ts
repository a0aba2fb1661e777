// Cron: make (and optionally send) the invoices of due recurring schedules (app/models/recurring.server.ts).
import { runRecurringSchedules } from "~/models/recurring.server";
import { scheduledTask } from "./lock";

export default scheduledTask(
  "recurring-invoices",
  (now) => runRecurringSchedules({ now }),
  (run) => `${run.invoices} created, ${run.sent} sent, ${run.finished} schedules finished`,
);

// Cron: make (and optionally send) the invoices of due recurring schedules (app/models/recurring.server.ts).
import type { Task } from "graphile-worker";
import { z } from "zod";
import { runRecurringSchedules } from "~/models/recurring.server";
import { withJobLock } from "./lock";

const Payload = z.object({ now: z.iso.datetime({ offset: true }).optional() }).passthrough();

const recurringInvoices: Task = async (payload, helpers) => {
  const { now } = Payload.parse(payload ?? {});
  const run = await withJobLock(helpers, "recurring-invoices", () => runRecurringSchedules({ now: now ? new Date(now) : undefined }));
  if (run) helpers.logger.info(`recurring invoices: ${run.invoices} created, ${run.sent} sent, ${run.finished} schedules finished`);
};

export default recurringInvoices;

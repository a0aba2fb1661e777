// Cron: email owners whose Invoice Link trial ends within 3 days and who have no plan yet
// (app/models/billing-events.server.ts; one email per business by its dedupe key).
import { sendTrialEndingEmails } from "~/models/billing-events.server";
import { scheduledTask } from "./lock";

export default scheduledTask(
  "trial-ending-emails",
  (now) => sendTrialEndingEmails({ now }),
  (run) => `${run.queued} queued of ${run.scanned} scanned`,
);

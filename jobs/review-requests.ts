// Cron: ask customers of recently paid invoices for a review (app/models/review-requests.server.ts).
import { sendReviewRequests } from "~/models/review-requests.server";
import { scheduledTask } from "./lock";

export default scheduledTask(
  "review-requests",
  (now) => sendReviewRequests({ now }),
  (run) => `${run.queued} queued`,
);

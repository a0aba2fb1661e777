// Cron: ask customers of recently paid invoices for a review (app/models/review-requests.server.ts).
import type { Task } from "graphile-worker";
import { z } from "zod";
import { sendReviewRequests } from "~/models/review-requests.server";
import { withJobLock } from "./lock";

const Payload = z.object({ now: z.iso.datetime({ offset: true }).optional() }).passthrough();

const reviewRequests: Task = async (payload, helpers) => {
  const { now } = Payload.parse(payload ?? {});
  const run = await withJobLock(helpers, "review-requests", () => sendReviewRequests({ now: now ? new Date(now) : undefined }));
  if (run) helpers.logger.info(`review requests: ${run.queued} queued`);
};

export default reviewRequests;

// What the business owner sees of the job queue: its queued and failed jobs (every job payload carries
// the businessId), and its recent emails with their delivery status. Nothing of other businesses.
// The payload is only in graphile-worker's table (its public `jobs` view leaves it out); the version is
// pinned and tests/integration cover these queries.
import { prisma } from "~/utils/db.server";

/** The development outbox (no Postmark token): the business's latest 50 emails kept instead of sent. */
export async function listDevOutbox(businessId: string) {
  return prisma.emailMessage.findMany({
    where: { businessId, transport: "dev-outbox" },
    orderBy: { createdAt: "desc" },
    take: 50,
    select: { id: true, to: true, subject: true, template: true, textBody: true, createdAt: true, status: true },
  });
}

export type JobRow = {
  id: string;
  task: string;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  lockedAt: Date | null;
  messageId: string | null;
};

export async function jobOverview(businessId: string) {
  const [jobs, emails] = await Promise.all([
    prisma.$queryRaw<JobRow[]>`
      SELECT j.id::text, t.identifier AS task, j.run_at AS "runAt", j.attempts, j.max_attempts AS "maxAttempts",
             j.last_error AS "lastError", j.locked_at AS "lockedAt",
             CASE WHEN json_typeof(j.payload) = 'object' THEN j.payload->>'messageId' END AS "messageId"
        FROM graphile_worker._private_jobs j
        JOIN graphile_worker._private_tasks t ON t.id = j.task_id
       WHERE j.payload->>'businessId' = ${businessId}
          OR (json_typeof(j.payload) = 'array' AND j.payload::jsonb @> jsonb_build_array(jsonb_build_object('businessId', ${businessId}::text)))
       ORDER BY j.run_at DESC
       LIMIT 100`,
    prisma.emailMessage.findMany({
      where: { businessId },
      orderBy: { createdAt: "desc" },
      take: 50,
      select: { id: true, to: true, subject: true, template: true, status: true, attempts: true, error: true, createdAt: true, sentAt: true, invoiceId: true },
    }),
  ]);
  const failed = jobs.filter((j) => j.attempts >= j.maxAttempts);
  const queued = jobs.filter((j) => j.attempts < j.maxAttempts);
  return { queued, failed, emails };
}

// What the business owner sees of the job queue: its queued and failed jobs (every job payload carries
// the businessId), and its recent emails with their delivery status. Nothing of other businesses.
import { prisma } from "~/utils/db.server";

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
      SELECT id::text, task_identifier AS task, run_at AS "runAt", attempts, max_attempts AS "maxAttempts",
             last_error AS "lastError", locked_at AS "lockedAt", payload->>'messageId' AS "messageId"
        FROM graphile_worker.jobs
       WHERE payload->>'businessId' = ${businessId}
       ORDER BY run_at DESC
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

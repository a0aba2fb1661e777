// What the business owner sees of the job queue: its queued and failed jobs, and its recent emails with
// their delivery status. Nothing of other businesses. A job is the business's when one of its own rows
// names the job's key: a message waiting or failed (its own job or its batch's), or one of its exports.
// The jobs themselves come from graphile-worker's public `jobs` view (docs/decisions/018-job-queue-access.md).
import { exportJobKey } from "~/models/data-export.server";
import { prisma } from "~/utils/db.server";
import { emailJobKey } from "~/utils/email.server";
import { jobsByKey } from "~/utils/jobs.server";

/** The development outbox (no Postmark token): the business's latest 50 emails kept instead of sent. */
export async function listDevOutbox(businessId: string) {
  return prisma.emailMessage.findMany({
    where: { businessId, transport: "dev-outbox" },
    orderBy: { createdAt: "desc" },
    take: 50,
    select: { id: true, to: true, subject: true, template: true, textBody: true, createdAt: true, status: true },
  });
}

type JobRow = {
  id: string;
  task: string;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  lockedAt: Date | null;
  /** The message a send-email job of its own delivers; null for a batch and other tasks. */
  messageId: string | null;
};

/** The keys of the jobs the business's rows point at; only rows whose job may still be in the queue. */
async function businessJobKeys(businessId: string) {
  const [messages, exports] = await Promise.all([
    prisma.emailMessage.findMany({ where: { businessId, status: { in: ["QUEUED", "FAILED"] } }, select: { id: true, batchJobKey: true } }),
    prisma.dataExport.findMany({ where: { businessId, status: { in: ["QUEUED", "RUNNING", "FAILED"] } }, select: { id: true } }),
  ]);
  const ownJob = new Map(messages.filter((m) => !m.batchJobKey).map((m) => [emailJobKey(m), m.id]));
  return { keys: [...messages.map(emailJobKey), ...exports.map((e) => exportJobKey(e.id))], ownJob };
}

export async function jobOverview(businessId: string) {
  const [jobs, emails] = await Promise.all([
    businessJobKeys(businessId).then(async ({ keys, ownJob }) =>
      (await jobsByKey(keys)).map(({ key, ...job }): JobRow => ({ ...job, messageId: ownJob.get(key) ?? null })),
    ),
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

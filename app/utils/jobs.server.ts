// Background jobs live in Postgres (graphile-worker). Jobs are added with SQL inside the caller's
// transaction, so a job exists exactly when the change that needs it committed. The queue is reached
// only through graphile-worker's public API: add_jobs, remove_job, complete_jobs and the read-only
// `graphile_worker.jobs` view, by job_key (docs/decisions/018-job-queue-access.md). Which jobs belong to
// what is kept in our own rows (EmailMessage, DataExport); payloads carry ids only.
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "./db.server";

type Tx = Prisma.TransactionClient;

/** One message to deliver; businessId is absent from jobs queued before it was added. */
type EmailJobItem = { messageId: string; businessId?: string };
/** A scheduled task's payload: the time to act as of (tests, backfills); graphile-worker adds `_cron`. */
export type CronJobPayload = { now?: string };

// The task names and their payloads, declared once: graphile-worker types addJob, quickAddJob and
// Task<name> from this, jobs/worker.ts must implement exactly these, and addJobs below checks each
// payload. The task files still parse payloads with zod (old jobs, SQL-added jobs).
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- graphile-worker 0.17 declares its task types in this global namespace; augmenting it is the documented way
  namespace GraphileWorker {
    interface Tasks {
      /** One message, or a batch (reminders) whose failed items are retried alone. */
      "send-email": EmailJobItem | EmailJobItem[];
      "export-data": { exportId: string; businessId: string };
      /** The follow-up of a provider webhook's payment: card details, receipt, the contractor's notice. */
      /** Jobs queued before follow-ups were coalesced (payment-follow-ups); still run until none is left. */
      "payment-received": { paymentId: string; businessId: string; invoicePaidAt: string | null };
      /** Every webhook payment marked followUpPendingAt: woken after the payment's commit, and every minute by the crontab. */
      "payment-follow-ups": CronJobPayload;
      "overdue-reminders": CronJobPayload;
      /** One chunk of the overdue-reminders plan: these businesses' reminders, as of `now`. */
      "queue-reminders": { now: string; businessIds: string[] };
      "recurring-invoices": CronJobPayload;
      "review-requests": CronJobPayload;
      cleanup: CronJobPayload;
      "trial-ending-emails": CronJobPayload;
    }
  }
}

export type TaskName = keyof GraphileWorker.Tasks;

export type JobSpec = {
  [Task in TaskName]: {
    task: Task;
    payload: GraphileWorker.Tasks[Task];
    /** One job per key: adding a job with a key that is already queued replaces that job. */
    jobKey?: string;
    maxAttempts?: number;
    runAt?: Date;
  };
}[TaskName];

/** Adds jobs in the caller's transaction (graphile_worker.add_jobs: one round trip for many). */
export async function addJobs(tx: Tx, specs: JobSpec[]) {
  if (!specs.length) return;
  await tx.$executeRawUnsafe(
    `SELECT graphile_worker.add_jobs(
       ARRAY(SELECT (s->>'task', s->'payload', NULL, (s->>'runAt')::timestamptz, (s->>'maxAttempts')::int, s->>'jobKey', NULL, NULL)::graphile_worker.job_spec
             FROM json_array_elements($1::json) s))`,
    JSON.stringify(
      specs.map((s) => ({
        task: s.task,
        payload: s.payload,
        runAt: s.runAt?.toISOString() ?? null,
        maxAttempts: s.maxAttempts ?? null,
        jobKey: s.jobKey ?? null,
      })),
    ),
  );
}

export function addJob(tx: Tx, spec: JobSpec) {
  return addJobs(tx, [spec]);
}

/**
 * Removes the jobs with these keys (graphile_worker.remove_job), in the caller's transaction. A job a
 * worker holds right now is not deleted but loses its key and any further attempt; its task finds its
 * row gone and skips. Returns how many jobs were removed or stopped.
 */
export async function removeJobs(tx: Tx, jobKeys: string[]): Promise<number> {
  const keys = [...new Set(jobKeys)];
  if (!keys.length) return 0;
  const [row] = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(r.id)::int AS n FROM unnest(${keys}::text[]) AS k(key) CROSS JOIN LATERAL graphile_worker.remove_job(k.key) r`;
  return row?.n ?? 0;
}

/** Marks these jobs completed, which deletes them (graphile_worker.complete_jobs); locked jobs are left. */
export async function completeJobs(tx: Tx, ids: string[]) {
  if (!ids.length) return;
  await tx.$executeRaw`SELECT graphile_worker.complete_jobs(${ids}::bigint[])`;
}

type QueuedJob = {
  id: string;
  task: string;
  key: string;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  lockedAt: Date | null;
};

/**
 * The jobs with these keys as the public `graphile_worker.jobs` view shows them (no payload), newest
 * run first. graphile-worker asks that the view is read outside transactions and by an indexed filter:
 * the key is its unique index.
 */
export async function jobsByKey(jobKeys: string[], limit = 100): Promise<QueuedJob[]> {
  const keys = [...new Set(jobKeys)];
  if (!keys.length) return [];
  return prisma.$queryRaw<QueuedJob[]>`
    SELECT id::text, task_identifier AS task, key, run_at AS "runAt", attempts::int, max_attempts::int AS "maxAttempts",
           last_error AS "lastError", locked_at AS "lockedAt"
      FROM graphile_worker.jobs
     WHERE key = ANY(${keys}::text[])
     ORDER BY run_at DESC, id DESC
     LIMIT ${limit}`;
}

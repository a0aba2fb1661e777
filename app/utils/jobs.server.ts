// Background jobs live in Postgres (graphile-worker). Jobs are added with SQL inside the caller's
// transaction, so a job exists exactly when the change that needs it committed.
import type { Prisma } from "~/generated/prisma/client.ts";

type Tx = Prisma.TransactionClient;

export type JobName = "send-email" | "overdue-reminders" | "queue-reminders" | "recurring-invoices" | "review-requests" | "cleanup" | "export-data" | "trial-ending-emails";

export type JobSpec = {
  task: JobName;
  /** An object, or an array of objects for a graphile-worker batch job. */
  payload: Record<string, unknown> | Record<string, unknown>[];
  /** One job per key: adding a job with a key that is already queued replaces that job. */
  jobKey?: string;
  maxAttempts?: number;
  runAt?: Date;
};

/** Adds jobs in the caller's transaction (graphile_worker.add_jobs: one round trip for many). */
export async function addJobs(tx: Tx, specs: JobSpec[]) {
  if (!specs.length) return;
  await tx.$executeRawUnsafe(
    `SELECT graphile_worker.add_jobs(
       ARRAY(SELECT (s->>'task', s->'payload', NULL, (s->>'runAt')::timestamptz, (s->>'maxAttempts')::int, s->>'jobKey', NULL, NULL)::graphile_worker.job_spec
             FROM json_array_elements($1::json) s))`,
    JSON.stringify(specs.map((s) => ({ task: s.task, payload: s.payload, runAt: s.runAt?.toISOString() ?? null, maxAttempts: s.maxAttempts ?? null, jobKey: s.jobKey ?? null }))),
  );
}

export function addJob(tx: Tx, spec: JobSpec) {
  return addJobs(tx, [spec]);
}

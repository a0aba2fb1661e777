// The graphile-worker runner: the task list (one file per task in this folder), the crontab, logs into
// pino, and heartbeats. graphile-worker keeps a job locked by a crashed worker for 4 hours; here every
// worker writes a heartbeat every 10 s, and any worker releases the jobs of workers whose heartbeat
// stopped (60 s), so a killed worker's jobs run again within about a minute instead of 4 hours.
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Logger, makeWorkerUtils, parseCrontab, run, type LogLevel, type Runner, type Task, type WorkerEvents, type WorkerUtils } from "graphile-worker";
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import type { TaskName } from "~/utils/jobs.server";
import { logger } from "~/utils/logger.server";
import { projectRoot } from "~/utils/project-root.server";
import { captureJobError } from "~/utils/sentry.server";
import cleanup from "./cleanup";
import exportData from "./export-data";
import overdueReminders from "./overdue-reminders";
import paymentFollowUps from "./payment-follow-ups";
import paymentReceived from "./payment-received";
import queueReminders from "./queue-reminders";
import recurringInvoices from "./recurring-invoices";
import reviewRequests from "./review-requests";
import sendEmail from "./send-email";
import trialEndingEmails from "./trial-ending-emails";

// jobs/crontab, found from this file whether it runs as source (jobs/) or compiled (build/worker.js, build/server.js).
const CRONTAB = path.join(projectRoot(import.meta.dirname), "jobs", "crontab");

/** Every task declared in GraphileWorker.Tasks (app/utils/jobs.server.ts), no more and no fewer. */
const taskList = {
  "send-email": sendEmail,
  "payment-received": paymentReceived,
  "payment-follow-ups": paymentFollowUps,
  "overdue-reminders": overdueReminders,
  "queue-reminders": queueReminders,
  "recurring-invoices": recurringInvoices,
  "review-requests": reviewRequests,
  cleanup,
  "export-data": exportData,
  "trial-ending-emails": trialEndingEmails,
} satisfies { [Name in TaskName]: Task<Name> };

/** The crontab's schedules; a line naming a task this worker does not have is a boot error, not a job nobody runs. */
function cronItems(crontab = readFileSync(CRONTAB, "utf8")) {
  const items = parseCrontab(crontab);
  const unknown = items.filter((item) => !Object.hasOwn(taskList, item.task)).map((item) => item.task);
  if (unknown.length) throw new Error(`jobs/crontab names tasks that do not exist: ${unknown.join(", ")}`);
  return items;
}

const HEARTBEAT_MS = 10_000;
/** A worker silent this long is taken for dead, and its jobs are released. */
const DEAD_AFTER_SECONDS = 60;

const LEVELS: Record<LogLevel, "error" | "warn" | "info" | "debug"> = { error: "error", warning: "warn", info: "info", debug: "debug" };
const workerLogger = new Logger((scope) => (level, message, meta) => logger[LEVELS[level]]({ worker: scope, ...meta }, message));

type WorkerHandle = { runner: Runner; stop: () => Promise<void> };

/**
 * Releases the jobs of workers whose heartbeat stopped (killed processes). Runs on graphile-worker's own
 * connection pool, so a busy application pool can never make a live worker look dead. Reads the public
 * `jobs` view (locked_by, locked_at) and releases with forceUnlockWorkers. Returns their ids.
 */
async function releaseDeadWorkers(utils: WorkerUtils): Promise<string[]> {
  const ids = await utils.withPgClient(async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `SELECT DISTINCT j.locked_by AS id FROM graphile_worker.jobs j
        WHERE j.locked_by IS NOT NULL AND j.locked_at < now() - make_interval(secs => $1)
          AND NOT EXISTS (SELECT 1 FROM "WorkerHeartbeat" h
                           WHERE h."workerId" = j.locked_by AND h."lastSeenAt" > now() - make_interval(secs => $1))`,
      [DEAD_AFTER_SECONDS],
    );
    return rows.map((r) => r.id);
  });
  if (ids.length) {
    // A job replaced by key while it was locked (a re-planned reminder chunk) has its key cleared and its
    // attempts set to max_attempts by graphile-worker, so that it finishes but never runs again. If its
    // worker died, unlocking would leave it in the queue for ever: its replacement carries the work, so it
    // is completed instead.
    const superseded = await utils.withPgClient(async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `SELECT id::text AS id FROM graphile_worker.jobs
          WHERE locked_by = ANY($1::text[]) AND key IS NULL AND attempts >= max_attempts AND last_error IS NULL`,
        [ids],
      );
      return rows.map((r) => r.id);
    });
    await utils.forceUnlockWorkers(ids);
    if (superseded.length) await utils.completeJobs(superseded);
    logger.warn({ workerIds: ids, superseded: superseded.length }, "released jobs of workers that stopped without finishing them");
  }
  return ids;
}

export async function startWorker(options: { connectionString?: string; concurrency?: number; crontab?: boolean } = {}): Promise<WorkerHandle> {
  const connectionString = options.connectionString ?? env().DATABASE_URL;
  const workerIds = new Set<string>();
  /** Every worker id this runner created: its heartbeat rows are removed on stop (workerIds empties as they stop). */
  const everyWorkerId = new Set<string>();
  const utils = await makeWorkerUtils({ connectionString, logger: workerLogger });
  const beat = async () => {
    const ids = [...workerIds];
    if (ids.length) {
      await utils.withPgClient((client) =>
        client.query(
          `INSERT INTO "WorkerHeartbeat" ("workerId", host, pid, "lastSeenAt")
           SELECT unnest($1::text[]), $2, $3, now()
           ON CONFLICT ("workerId") DO UPDATE SET "lastSeenAt" = now()`,
          [ids, os.hostname(), process.pid],
        ),
      );
    }
    await releaseDeadWorkers(utils);
  };
  // Our own emitter, passed in, so the workers run() creates before it returns are seen too.
  const events: WorkerEvents = new EventEmitter();
  events.on("worker:create", ({ worker }) => {
    workerIds.add(worker.workerId);
    everyWorkerId.add(worker.workerId);
    void beat().catch((error) => logger.error({ err: error }, "worker heartbeat failed"));
  });
  events.on("worker:stop", ({ worker }) => workerIds.delete(worker.workerId));
  // graphile-worker 0.17 locks jobs with the pool's id (jobs.locked_by), not the worker's: the pool must
  // beat too, or a live worker's job that runs longer than DEAD_AFTER_SECONDS would be taken for a dead
  // worker's and released while it runs (it then ran again until its attempts ran out).
  events.on("pool:create", ({ workerPool }) => {
    workerIds.add(workerPool.id);
    everyWorkerId.add(workerPool.id);
    void beat().catch((error) => logger.error({ err: error }, "worker heartbeat failed"));
  });
  events.on("pool:release", ({ workerPool }) => workerIds.delete(workerPool.id));
  // A job that used up its attempts is a crash report: the task and job id only, never the payload.
  events.on("job:failed", ({ job, error }) => {
    void captureJobError(error, { task: job.task_identifier, id: String(job.id), attempts: job.attempts });
  });
  const runner = await run({
    connectionString,
    events,
    concurrency: options.concurrency ?? env().WORKER_CONCURRENCY,
    noHandleSignals: true,
    pollInterval: 2_000,
    taskList,
    parsedCronItems: (options.crontab ?? env().WORKER_CRONTAB === "true") ? cronItems() : [],
    logger: workerLogger,
  });
  const timer = setInterval(() => void beat().catch((error) => logger.error({ err: error }, "worker heartbeat failed")), HEARTBEAT_MS);
  timer.unref();
  await beat().catch((error) => logger.error({ err: error }, "worker heartbeat failed"));
  return {
    runner,
    stop: async () => {
      clearInterval(timer);
      await runner.stop();
      await prisma.workerHeartbeat.deleteMany({ where: { workerId: { in: [...everyWorkerId] } } }).catch(() => {});
      await utils.release();
    },
  };
}

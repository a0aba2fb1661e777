// Scheduled jobs also take a Postgres advisory lock named after the job, so two instances (or a slow
// run overlapping the next tick) never run the same job at once. The lock is session-level on the
// worker's own connection and released when the work ends (or the connection dies with a crash).
import type { JobHelpers, Task } from "graphile-worker";
import { z } from "zod";
import type { CronJobPayload, TaskName } from "~/utils/jobs.server";

async function withJobLock<T>(helpers: JobHelpers, name: string, work: () => Promise<T>): Promise<T | null> {
  return helpers.withPgClient(async (client) => {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS locked", [`invoice-link:job:${name}`]);
    if (!rows[0]?.locked) {
      helpers.logger.info(`${name}: another worker is running it; skipped`);
      return null;
    }
    try {
      return await work();
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext($1))", [`invoice-link:job:${name}`]);
    }
  });
}

// A cron payload may name the time to act as of (tests, backfills); graphile-worker adds `_cron`.
const CronPayload = z.object({ now: z.iso.datetime({ offset: true }).optional() }).passthrough() satisfies z.ZodType<CronJobPayload>;

/** A scheduled task: parse the payload, run `work` under the job's advisory lock, log its summary. */
export function scheduledTask<Name extends TaskName, T>(name: Name, work: (now: Date | undefined) => Promise<T>, summary: (result: T) => string): Task<Name> {
  return async (payload, helpers) => {
    const { now } = CronPayload.parse(payload ?? {});
    const result = await withJobLock(helpers, name, () => work(now ? new Date(now) : undefined));
    if (result) helpers.logger.info(`${name}: ${summary(result)}`);
  };
}

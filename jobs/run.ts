// `npm run worker`: a standalone job worker, for deployments that run workers apart from the web
// processes (set WORKER_IN_PROCESS=false on those). Any number may run against one database.
import "dotenv/config";
import { EnvError, parseEnv } from "~/utils/env.server";

let config: ReturnType<typeof parseEnv>;
try {
  config = parseEnv();
} catch (error) {
  if (error instanceof EnvError) {
    console.error(`Invoice Link worker refuses to start.\n${error.message}`);
    process.exit(1);
  }
  throw error;
}

// The worker's own Prisma pool: sized for its concurrency (a batch job sends several emails at once).
process.env.DATABASE_POOL_SIZE ??= String(Math.max(10, config.WORKER_CONCURRENCY * 3));
const { startWorker } = await import("./worker");
const { logger } = await import("~/utils/logger.server");
// Jobs that fail for good are reported like web errors (scrubbed the same way); a no-op without SENTRY_DSN.
await (await import("~/utils/sentry.server")).initSentry(config.SENTRY_DSN, config.NODE_ENV);
const worker = await startWorker();
logger.info("worker started");
console.log("Invoice Link worker started");

async function shutdown(signal: string) {
  logger.info({ signal }, "worker shutting down");
  setTimeout(() => process.exit(1), 15_000).unref();
  await worker.stop();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

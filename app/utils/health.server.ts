// The database check behind /health. It runs on its own tiny pool, not Prisma's: under load the app's
// pool can be fully checked out, and a check queued behind busy requests would answer late or not at
// all. Connect and statement timeouts (and an overall deadline) make a missing or hung Postgres a 503
// well within the 2 s a load balancer waits, with room for a busy event loop.
import pg from "pg";
import { env } from "./env.server";

/** The whole check gives up after this; the connect and statement timeouts sit below it. */
const HEALTH_CHECK_DEADLINE_MS = 1_000;

let pool: pg.Pool | undefined;

function healthPool() {
  if (pool) return pool;
  pool = new pg.Pool({
    connectionString: env().DATABASE_URL,
    max: 2,
    connectionTimeoutMillis: 750,
    statement_timeout: 750,
    query_timeout: 900,
    idleTimeoutMillis: 30_000,
    // A connection cut while idle (Postgres restarted) must not crash the process.
    allowExitOnIdle: true,
  });
  pool.on("error", () => {});
  return pool;
}

/** True when Postgres answered `SELECT 1` within the deadline. Never throws. */
export async function databaseReachable(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), HEALTH_CHECK_DEADLINE_MS);
  });
  const check = healthPool()
    .query("SELECT 1")
    .then(() => true)
    .catch(() => false);
  try {
    return await Promise.race([check, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

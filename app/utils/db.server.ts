// One PrismaClient per process, talking to Postgres through the pg driver adapter (no Rust engine).
// The payment transaction's hot statements skip Prisma's client runtime and run on the very connection
// of Prisma's own interactive transaction (rawQueryInTx below; docs/decisions/025-payment-statements-on-the-transaction-connection.md).
import { AsyncLocalStorage } from "node:async_hooks";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient, type Prisma } from "~/generated/prisma/client.ts";
import { env } from "./env.server";

/**
 * A raw statement that starts with `/* prepared:NAME *\/` runs as a named prepared statement: Postgres
 * parses and plans it once per connection instead of on every call. For hot statements of fixed text
 * only (the payment transaction): each name must always carry the same SQL, and every connection keeps
 * what it prepared for as long as it lives.
 */
export function preparedStatementName({ sql }: { sql: string }) {
  // The length in the name: a rebuilt module (development) with an edited statement gets a new name,
  // since node-postgres refuses one name for two texts on a connection.
  return sql.startsWith("/* prepared:") ? `${sql.slice(12, sql.indexOf(" */"))}-${sql.length}` : "";
}

/** The connection a transaction started in `transactionWithConnection` runs on, once Prisma has checked it out. */
type ConnectionSlot = { client?: pg.PoolClient; released?: boolean };
const openingTransaction = new AsyncLocalStorage<ConnectionSlot>();
const slotOfTransaction = new WeakMap<object, ConnectionSlot>();

/**
 * The adapter's pool. Prisma's adapter checks a connection out with `connect()` (the promise form) only
 * to start an interactive transaction (plain queries use `pool.query`, the callback form): one started
 * inside `transactionWithConnection` is handed to that call's slot, and the slot is closed when the
 * connection goes back to the pool, so a statement can never run on it after the transaction ended.
 */
class TransactionAwarePool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: Parameters<pg.Pool["connect"]>[0]): void;
  // Only the promise form is taken over.
  override connect(callback?: Parameters<pg.Pool["connect"]>[0]): Promise<pg.PoolClient> | void {
    if (callback) return super.connect(callback);
    return super.connect().then((client) => {
      const slot = openingTransaction.getStore();
      if (slot && !slot.client && !slot.released) {
        slot.client = client;
        const release = client.release;
        client.release = (error?: Error | boolean) => {
          slot.released = true;
          return release.call(client, error);
        };
      }
      return client;
    });
  }
}

let currentPool: TransactionAwarePool | null = null;

function createClient() {
  const options = {
    connectionString: env().DATABASE_URL,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    // Fail fast while the database is down so /health can answer 503 instead of hanging.
    connectionTimeoutMillis: 5_000,
  };
  // A new pool each time Prisma connects (again, after $disconnect, which ends it as Prisma's own pool would be).
  const adapter = {
    provider: "postgres" as const,
    adapterName: "@prisma/adapter-pg",
    connect() {
      currentPool = new TransactionAwarePool(options);
      // "" leaves a statement unnamed (parsed and planned each time), as every other query is.
      return new PrismaPg(currentPool, { statementNameGenerator: preparedStatementName, disposeExternalPool: true }).connect();
    },
  };
  return new PrismaClient({ adapter });
}

const globalForPrisma = globalThis as unknown as { __prisma?: PrismaClient };

export const prisma: PrismaClient = globalForPrisma.__prisma ?? createClient();
if (!env().isProduction) globalForPrisma.__prisma = prisma;

export type { PrismaClient };

/**
 * prisma.$transaction, whose statements may also be sent with rawQueryInTx: on the transaction's own
 * connection, without Prisma's client runtime (about 0.3 ms of CPU a statement, most of a webhook's
 * payment). Everything else in `work` uses `tx` as usual; both run in the one transaction.
 */
export async function transactionWithConnection<T>(
  work: (tx: Prisma.TransactionClient) => Promise<T>,
  options?: { maxWait?: number; timeout?: number },
): Promise<T> {
  const slot: ConnectionSlot = {};
  startingTransactions++;
  try {
    return await openingTransaction.run(slot, () =>
      prisma.$transaction((tx) => {
        started(slot);
        slotOfTransaction.set(tx, slot);
        return work(tx);
      }, options),
    );
  } finally {
    started(slot);
  }
}

// While an AsyncLocalStorage is enabled, Node (20) runs a hook on every promise in the process, pages
// included: it is enabled only while a transaction is starting, and disabled when none is.
let startingTransactions = 0;
function started(slot: ConnectionSlot & { started?: boolean }) {
  if (slot.started) return;
  slot.started = true;
  if (--startingTransactions === 0) openingTransaction.disable();
}

/** Whether rawQueryInTx sends this transaction's statements on its connection (tests). */
export function usesTransactionConnection(tx: Prisma.TransactionClient) {
  const slot = slotOfTransaction.get(tx);
  return Boolean(slot?.client && !slot.released);
}

// Timestamps as Prisma reads them: `timestamp` columns hold UTC; a `date` is midnight UTC.
const parseTimestamp = (value: string) => new Date(`${value.replace(" ", "T")}Z`);
const parseDate = (value: string) => new Date(`${value}T00:00:00Z`);
const rawTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 1114 ? parseTimestamp : oid === 1082 ? parseDate : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};
// Parameters as Prisma sends them: a Date as its UTC time (Postgres drops the Z for a `timestamp` column).
const rawValue = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

/**
 * A raw statement (Prisma.sql) in a transaction: on the transaction's connection when it was started by
 * transactionWithConnection, else through tx.$queryRaw; the same rows either way (timestamps as UTC Dates,
 * integers as numbers; no BigInt or Decimal columns here). Named prepared statements as preparedStatementName says.
 */
export async function rawQueryInTx<T>(tx: Prisma.TransactionClient, query: Prisma.Sql): Promise<T[]> {
  const slot = slotOfTransaction.get(tx);
  if (!slot?.client || slot.released) return tx.$queryRaw<T[]>(query);
  return runRaw<T>(slot.client, query);
}

/** A raw statement outside any transaction, on the adapter's pool (no Prisma runtime); through Prisma before it has connected. */
export async function rawQuery<T>(query: Prisma.Sql): Promise<T[]> {
  if (!currentPool || currentPool.ending || currentPool.ended) return prisma.$queryRaw<T[]>(query);
  return runRaw<T>(currentPool, query);
}

/** A Prisma.sql statement sent with node-postgres: named as preparedStatementName says, values and rows as Prisma has them. */
async function runRaw<T>(on: pg.Pool | pg.PoolClient, query: Prisma.Sql): Promise<T[]> {
  const result = await on.query<T & pg.QueryResultRow>({
    name: preparedStatementName({ sql: query.text }) || undefined,
    text: query.text,
    values: query.values.map(rawValue),
    types: rawTypes,
  });
  return result.rows;
}

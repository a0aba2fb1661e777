// One PrismaClient per process, talking to Postgres through the pg driver adapter (no Rust engine).
// The payment transaction runs on a connection of the adapter's pool with node-postgres alone, without
// Prisma's runtime, while it needs only raw statements (rawQueryInTx below;
// docs/decisions/027-the-payment-transaction-on-node-postgres.md).
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

let currentPool: pg.Pool | null = null;

function createClient() {
  const options = {
    connectionString: env().DATABASE_URL,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    // Fail fast while the database is down so /health can answer 503 instead of hanging.
    connectionTimeoutMillis: 5_000,
  };
  // The adapter's pool is ours, for the transactions and statements below that skip Prisma's runtime: a new
  // one each time Prisma connects (again, after $disconnect, which ends it as Prisma's own pool would be).
  const adapter = {
    provider: "postgres" as const,
    adapterName: "@prisma/adapter-pg",
    connect() {
      currentPool = new pg.Pool(options);
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

/** A transaction on a connection of our own (node-postgres alone), while its work sends only raw statements. */
type OwnTransaction = {
  client: pg.PoolClient;
  /** BEGIN is sent with the first statement, in the same write. */
  begun: boolean;
  /** COMMIT or ROLLBACK has been sent: no statement may follow. */
  ended: boolean;
  /** The work touched Prisma: it runs again, from the start, in Prisma's transaction. */
  needsPrisma: boolean;
  /** COMMIT sent with the last statement (rawQueryInTx's `last`). */
  commit?: Promise<unknown>;
  /** The statement written behind that COMMIT (rawQueryInTx's `thenOutside`), settled (its failure reported) before the connection goes back. */
  outside?: Promise<unknown>;
  /** statement_timeout (ms), set with BEGIN. */
  statementTimeout: number;
};
const ownTransactions = new WeakMap<object, OwnTransaction>();

/** What a pooled client of node-postgres has beyond its types: pipeline mode, and the socket (to write several statements at once). */
type PipelinedClient = pg.PoolClient & { pipeline: boolean; connection: { stream: { cork(): void; uncork(): void } } };

/** Thrown when work in our own transaction touches Prisma (`tx.payment...`): the work runs again in Prisma's transaction. */
class NeedsPrismaTransaction extends Error {}

/** How transactionWithConnection's transactions ran: on our own connection, or (again) in Prisma's (tests, diagnostics). */
export const transactionPaths = { own: 0, prisma: 0 };

/**
 * A transaction for `work`, whose hot statements go through rawQueryInTx; everything else in `work` uses
 * `tx` as usual. It starts on a connection of the adapter's pool with node-postgres alone (no Prisma
 * runtime: BEGIN goes out with the first statement and COMMIT with the last, one write each). The moment
 * `work` touches Prisma through `tx`, that attempt is rolled back (nothing of it stays) and `work` runs
 * again from the start in prisma.$transaction, where rawQueryInTx is tx.$queryRaw: so the rare paths keep
 * Prisma's model calls and `work` is still the one place. `work` must be safe to run twice (it is a
 * transaction's work: the first run's writes are rolled back; keep side effects outside it).
 * `timeout`: per statement on our connection (statement_timeout), for the whole transaction in Prisma's.
 */
export async function transactionWithConnection<T>(
  work: (tx: Prisma.TransactionClient) => Promise<T>,
  options?: { maxWait?: number; timeout?: number },
): Promise<T> {
  const pool = currentPool;
  if (pool && !pool.ending && !pool.ended) {
    const outcome = await ownTransaction(pool, work, options?.timeout);
    if (outcome) {
      transactionPaths.own++;
      return outcome.value;
    }
  }
  transactionPaths.prisma++;
  return prisma.$transaction(work, options);
}

async function ownTransaction<T>(pool: pg.Pool, work: (tx: Prisma.TransactionClient) => Promise<T>, timeout = 5_000): Promise<{ value: T } | null> {
  let client: PipelinedClient;
  try {
    client = (await pool.connect()) as PipelinedClient;
  } catch {
    // No connection within the pool's wait (or the database is down): Prisma's transaction waits, or reports it, as before.
    return null;
  }
  // Pipeline mode while the connection is ours: a statement is written without waiting for the one before
  // (BEGIN with the first, COMMIT with the last); every statement keeps its own Sync, so one that fails
  // aborts the transaction and fails the rest.
  client.pipeline = true;
  const state: OwnTransaction = { client, begun: false, ended: false, needsPrisma: false, statementTimeout: timeout };
  const tx = new Proxy(
    {},
    {
      get(_target, property) {
        // Not a thenable; no other property is ours to answer.
        if (property === "then" || typeof property === "symbol") return undefined;
        // After the last statement the transaction has committed: running the work again would repeat it.
        if (state.commit) throw new Error(`tx.${String(property)} after the transaction's last statement`);
        state.needsPrisma = true;
        throw new NeedsPrismaTransaction(`tx.${property} needs Prisma's transaction`);
      },
    },
  ) as Prisma.TransactionClient;
  ownTransactions.set(tx, state);
  let failure: { error: unknown } | null = null;
  let value: T | undefined;
  try {
    value = await work(tx);
  } catch (error) {
    failure = { error };
  }
  const rollBack = failure !== null || state.needsPrisma;
  let broken: Error | undefined;
  try {
    if (state.commit) {
      await state.outside;
      await state.commit;
    } else if (state.begun && !state.ended) {
      state.ended = true;
      await client.query(rollBack ? "ROLLBACK" : "COMMIT");
    }
  } catch (error) {
    // A COMMIT that failed (or a connection that broke): the transaction did not commit.
    broken = error instanceof Error ? error : new Error(String(error));
  } finally {
    state.ended = true;
    client.pipeline = false;
    // A connection whose COMMIT or ROLLBACK failed is closed, not returned to the pool.
    client.release(broken);
  }
  if (state.needsPrisma) return null;
  if (failure) throw failure.error;
  if (broken) throw broken;
  return { value: value as T };
}

/** Whether rawQueryInTx sends this transaction's statements with node-postgres alone (tests). */
export function usesTransactionConnection(tx: Prisma.TransactionClient) {
  const own = ownTransactions.get(tx);
  return Boolean(own && !own.ended);
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
 * A raw statement (Prisma.sql) in a transaction: with node-postgres alone when transactionWithConnection
 * runs it on its own connection, else through tx.$queryRaw; the same rows either way (timestamps as UTC
 * Dates, integers as numbers; no BigInt or Decimal columns here). Named prepared statements as
 * preparedStatementName says.
 * `last`: the transaction's last statement; on our own connection COMMIT is written with it (one write and
 * one round trip less), and any statement after it fails. A `last` statement that fails rolls it back.
 * `thenOutside` (with `last`, on our own connection only: check usesTransactionConnection first): a
 * statement written behind COMMIT, which runs after it, outside the transaction, with no write or round
 * trip of its own; it runs even when the last statement failed (the transaction then rolled back), so it
 * must be harmless then (a wake-up). Its failure goes to `failed`, never to the transaction.
 */
export async function rawQueryInTx<T>(
  tx: Prisma.TransactionClient,
  query: Prisma.Sql,
  options?: { last?: boolean; thenOutside?: { statement: Prisma.Sql; failed: (error: unknown) => void } },
): Promise<T[]> {
  const own = ownTransactions.get(tx);
  if (options?.thenOutside && !own) throw new Error("thenOutside needs the transaction on its own connection");
  if (options?.thenOutside && !options.last) throw new Error("thenOutside goes with the last statement");
  if (!own) return tx.$queryRaw<T[]>(query);
  if (own.ended) throw new Error("This transaction is over: no statement may run in it");
  const client = own.client as PipelinedClient;
  const stream = client.connection.stream;
  // One write for what goes out together: BEGIN (first statement), the statement, COMMIT (last statement).
  stream.cork();
  let begin: Promise<unknown> | undefined;
  let result: Promise<pg.QueryResult<T & pg.QueryResultRow>>;
  try {
    if (!own.begun) {
      own.begun = true;
      // A simple query of fixed text: both in one message.
      begin = client.query(`BEGIN; SET LOCAL statement_timeout = ${Math.round(own.statementTimeout)}`);
    }
    result = client.query<T & pg.QueryResultRow>(rawStatement(query));
    if (options?.last) {
      own.ended = true;
      own.commit = client.query("COMMIT");
      // Awaited by transactionWithConnection; never an unhandled rejection meanwhile.
      own.commit.catch(() => {});
      const outside = options.thenOutside;
      if (outside) own.outside = client.query(rawStatement(outside.statement)).catch((error: unknown) => outside.failed(error));
    }
  } finally {
    stream.uncork();
  }
  // A BEGIN that failed fails the statement too (the connection broke: neither ran).
  const [, { rows }] = await Promise.all([begin, result]);
  return rows;
}

/** A raw statement outside any transaction, on the adapter's pool (no Prisma runtime); through Prisma before it has connected. */
/** `a."x", a."y"`: the columns a select object (or a list of names) names, for a raw statement's text. */
export function sqlColumns(alias: string, columns: Record<string, unknown> | string[]) {
  return (Array.isArray(columns) ? columns : Object.keys(columns)).map((column) => `${alias}."${column}"`).join(", ");
}

export async function rawQuery<T>(query: Prisma.Sql): Promise<T[]> {
  if (!currentPool || currentPool.ending || currentPool.ended) return prisma.$queryRaw<T[]>(query);
  return (await currentPool.query<T & pg.QueryResultRow>(rawStatement(query))).rows;
}

/** A Prisma.sql statement as node-postgres takes it: named as preparedStatementName says, values and rows as Prisma has them. */
function rawStatement(query: Prisma.Sql): pg.QueryConfig {
  return {
    name: preparedStatementName({ sql: query.text }) || undefined,
    text: query.text,
    values: query.values.map(rawValue),
    types: rawTypes,
  };
}

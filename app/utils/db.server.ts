// One PrismaClient per process, talking to Postgres through the pg driver adapter (no Rust engine).
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client.ts";
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

function createClient() {
  const adapter = new PrismaPg(
    {
      connectionString: env().DATABASE_URL,
      max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
      // Fail fast while the database is down so /health can answer 503 instead of hanging.
      connectionTimeoutMillis: 5_000,
    },
    // "" leaves a statement unnamed (parsed and planned each time), as every other query is.
    { statementNameGenerator: preparedStatementName },
  );
  return new PrismaClient({ adapter });
}

const globalForPrisma = globalThis as unknown as { __prisma?: PrismaClient };

export const prisma: PrismaClient = globalForPrisma.__prisma ?? createClient();
if (!env().isProduction) globalForPrisma.__prisma = prisma;

export type { PrismaClient };

// One PrismaClient per process, talking to Postgres through the pg driver adapter (no Rust engine).
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client.ts";
import { env } from "./env.server";

function createClient() {
  const adapter = new PrismaPg({
    connectionString: env().DATABASE_URL,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    // Fail fast while the database is down so /health can answer 503 instead of hanging.
    connectionTimeoutMillis: 5_000,
  });
  return new PrismaClient({ adapter });
}

const globalForPrisma = globalThis as unknown as { __prisma?: PrismaClient };

export const prisma: PrismaClient = globalForPrisma.__prisma ?? createClient();
if (!env().isProduction) globalForPrisma.__prisma = prisma;

export type { PrismaClient };

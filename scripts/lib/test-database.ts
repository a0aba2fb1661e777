// Test databases: one migrated template, cloned per test file (CREATE DATABASE ... TEMPLATE).
import { createHash } from "node:crypto";
import pg from "pg";
import { canConnect, startEmbeddedPostgres, withDatabaseName, type Database } from "./database";
import { applyMigrations, readMigrations, WORKER_SCHEMA_VERSION } from "./migrations";

/** The template's name carries a hash of the migrations, so runs with the same schema share it. */
function templateName() {
  const hash = createHash("sha256");
  for (const m of readMigrations()) hash.update(`${m.name}:${m.checksum}\n`);
  hash.update(`graphile-worker@${WORKER_SCHEMA_VERSION}`);
  return `invoice_link_template_${hash.digest("hex").slice(0, 12)}`;
}

function quoteIdent(name: string) {
  return `"${name.replaceAll('"', '""')}"`;
}

export const LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres";

/** What resolveTestServer looks at; test-database.test.ts replaces these to cover the fallback. */
export type TestServerProbes = {
  env: Record<string, string | undefined>;
  canConnect: (url: string) => Promise<boolean>;
  startEmbedded: (name: string, port: number, log: (line: string) => void) => Promise<Database>;
};

const systemServerProbes: TestServerProbes = { env: process.env, canConnect, startEmbedded: startEmbeddedPostgres };

/** The Postgres server tests run on: TEST_DATABASE_URL, DATABASE_URL, the local service, or an embedded one. */
export async function resolveTestServer(log: (line: string) => void, probes: TestServerProbes = systemServerProbes): Promise<Database> {
  const { env } = probes;
  const configured = env.TEST_DATABASE_URL || env.DATABASE_URL;
  if (configured) return { url: withDatabaseName(configured, "postgres"), embedded: false, stop: async () => {} };
  if (await probes.canConnect(LOCAL_POSTGRES)) return { url: LOCAL_POSTGRES, embedded: false, stop: async () => {} };
  log("no Postgres on 127.0.0.1:5432 and no DATABASE_URL: starting an embedded one for the tests");
  return probes.startEmbedded("postgres-test", Number(env.EMBEDDED_PG_TEST_PORT ?? 54330), log);
}

export async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, name: string) {
  await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

/**
 * Makes sure the migrated template for the current migrations exists (built once, under an advisory
 * lock so concurrent test runs neither race nor drop each other's template). Returns its name.
 */
export async function createTemplate(adminUrl: string) {
  const name = templateName();
  const building = `${name}_building`;
  await withAdmin(adminUrl, async (c) => {
    await c.query("SELECT pg_advisory_lock(hashtext('invoice-link-test-template'))");
    try {
      const { rowCount } = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (rowCount) return;
      await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${quoteIdent(building)}`);
      await applyMigrations(withDatabaseName(adminUrl, building));
      await c.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`);
    } finally {
      await c.query("SELECT pg_advisory_unlock(hashtext('invoice-link-test-template'))");
    }
  });
  return name;
}

/** A fresh database cloned from the template; returns its URL. */
export async function cloneTemplate(adminUrl: string, name: string, template = templateName()) {
  await dropDatabase(adminUrl, name);
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`));
  return withDatabaseName(adminUrl, name);
}

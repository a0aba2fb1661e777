// Test databases: one migrated template, cloned per test file (CREATE DATABASE ... TEMPLATE).
import pg from "pg";
import { canConnect, startEmbeddedPostgres, withDatabaseName, type Database } from "./database";
import { applyMigrations } from "./migrations";

export const TEMPLATE_DB = "invoice_link_test_template";

function quoteIdent(name: string) {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The Postgres server tests run on: TEST_DATABASE_URL, DATABASE_URL, the local service, or an embedded one. */
export async function resolveTestServer(log: (line: string) => void): Promise<Database> {
  const configured = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (configured) return { url: withDatabaseName(configured, "postgres"), embedded: false, stop: async () => {} };
  const local = "postgresql://postgres@127.0.0.1:5432/postgres";
  if (await canConnect(local)) return { url: local, embedded: false, stop: async () => {} };
  log("no Postgres on 127.0.0.1:5432 and no DATABASE_URL: starting an embedded one for the tests");
  return startEmbeddedPostgres("postgres-test", Number(process.env.EMBEDDED_PG_TEST_PORT ?? 54330), log);
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

/** (Re)creates the migrated template database. */
export async function createTemplate(adminUrl: string) {
  await dropDatabase(adminUrl, TEMPLATE_DB);
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(TEMPLATE_DB)}`));
  await applyMigrations(withDatabaseName(adminUrl, TEMPLATE_DB));
}

/** A fresh database cloned from the template; returns its URL. */
export async function cloneTemplate(adminUrl: string, name: string) {
  await dropDatabase(adminUrl, name);
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(TEMPLATE_DB)}`));
  return withDatabaseName(adminUrl, name);
}

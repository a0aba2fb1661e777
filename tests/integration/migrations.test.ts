// The migration runner records into _prisma_migrations the way `prisma migrate deploy` does.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { applyMigrations, readMigrations } from "../../scripts/lib/migrations";
import { dropDatabase, withAdmin } from "../../scripts/lib/test-database";
import { withDatabaseName } from "../../scripts/lib/database";

const adminUrl = process.env.TEST_PG_ADMIN_URL!;
const created: string[] = [];

async function emptyDatabase() {
  const name = `invoice_link_mig_${process.pid}_${created.length}`;
  await dropDatabase(adminUrl, name);
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  created.push(name);
  return withDatabaseName(adminUrl, name);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function migrationsDir(files: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), "migrations-"));
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

afterEach(async () => {
  for (const name of created.splice(0)) await dropDatabase(adminUrl, name);
});

describe("applyMigrations", () => {
  it("applies every migration once and records name, sha256 checksum and completion like Prisma", async () => {
    const url = await emptyDatabase();
    const applied = await applyMigrations(url);
    const onDisk = readMigrations();
    expect(applied).toEqual(onDisk.map((m) => m.name));
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number; id: string }>(
      url,
      `SELECT id, migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(onDisk.map((m) => [m.name, m.checksum, 1]));
    expect(rows.every((r) => r.finished_at instanceof Date && /^[0-9a-f-]{36}$/.test(r.id))).toBe(true);
    expect(await applyMigrations(url)).toEqual([]);
  });

  it("is safe when two processes migrate at once", async () => {
    const url = await emptyDatabase();
    const [a, b] = await Promise.all([applyMigrations(url), applyMigrations(url)]);
    expect([...a, ...b]).toEqual(readMigrations().map((m) => m.name));
    const rows = await query<{ n: string }>(url, `SELECT count(*)::text AS n FROM "_prisma_migrations"`);
    expect(Number(rows[0].n)).toBe(readMigrations().length);
  });

  it("refuses a migration that was edited after it was applied", async () => {
    const url = await emptyDatabase();
    const dir = migrationsDir({ "1_a": `CREATE TABLE "A" (id int);` });
    await applyMigrations(url, { dir });
    writeFileSync(path.join(dir, "1_a", "migration.sql"), `CREATE TABLE "A" (id bigint);`);
    await expect(applyMigrations(url, { dir })).rejects.toThrow(/changed after it was applied/);
  });

  it("leaves nothing half-applied when a migration fails, records the error and blocks later runs", async () => {
    const url = await emptyDatabase();
    const dir = migrationsDir({
      "1_ok": `CREATE TABLE "Ok" (id int);`,
      "2_broken": `CREATE TABLE "Half" (id int);\nALTER TABLE "Missing" ADD COLUMN x int;`,
    });
    await expect(applyMigrations(url, { dir })).rejects.toThrow(/2_broken failed/);
    const tables = await query<{ table_name: string }>(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
    expect(tables.map((t) => t.table_name)).toEqual(["Ok", "_prisma_migrations"]);
    const rows = await query<{ migration_name: string; finished_at: Date | null; logs: string | null }>(
      url,
      `SELECT migration_name, finished_at, logs FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows[1]).toMatchObject({ migration_name: "2_broken", finished_at: null });
    expect(rows[1].logs).toMatch(/Missing/);
    await expect(applyMigrations(url, { dir })).rejects.toThrow(/failed earlier/);
  });
});

// `npm run db:backup` and `npm run db:restore` as the operator runs them (the scripts as child
// processes, the real pg_dump / pg_restore) against this file's database: a restore into a fresh
// database holds every row of every table in the public and graphile_worker schemas, sequences
// included; a non-empty target is refused without --force; old backups are pruned by the retention
// policy; a missing or too-old pg_dump is a clear error.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeBusiness } from "~/models/account-closure.server";
import { createEstimate, sendEstimate } from "~/models/estimate.server";
import { createInvoice, sendInvoice } from "~/models/invoice.server";
import { applyPayment } from "~/models/payments/payment.server";
import { planPruning } from "~/utils/backup-retention";
import { prisma } from "~/utils/db.server";
import { sendEmail } from "~/utils/email.server";
import { hitRateLimit } from "~/utils/rate-limit.server";
import { backupFileName, parseBackupFileName } from "../../scripts/lib/backup";
import { dropDatabase } from "../../scripts/lib/test-database";
import { createAccount } from "../helpers/accounts";
import { documentInput, makeCustomer } from "../helpers/business-data";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const ROOT = path.resolve(import.meta.dirname, "../..");
const SOURCE_URL = process.env.DATABASE_URL!;
const ADMIN_URL = process.env.TEST_PG_ADMIN_URL!;
const SOURCE_DB = process.env.TEST_DATABASE_NAME!;
const TARGET_DB = `${SOURCE_DB}_restored`;
const targetUrl = () => {
  const u = new URL(SOURCE_URL);
  u.pathname = `/${TARGET_DB}`;
  return u.toString();
};
const SCHEMAS = ["public", "graphile_worker"];

const dir = mkdtempSync(path.join(os.tmpdir(), "invoice-link-backups-"));

afterAll(async () => {
  await prisma.$disconnect();
  await dropDatabase(ADMIN_URL, TARGET_DB).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a script the way `npm run` does (tsx), with only the environment given. */
function runScript(script: string, args: string[], env: Record<string, string | undefined>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const clean = Object.fromEntries(Object.entries({ PATH: process.env.PATH, HOME: process.env.HOME, ...env }).filter(([, v]) => v !== undefined));
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", script), ...args], { cwd: ROOT, env: clean as NodeJS.ProcessEnv });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.once("exit", (code) => resolve({ code, output }));
  });
}

const backup = (env: Record<string, string | undefined> = {}, args: string[] = []) =>
  runScript("db-backup.ts", args, { DATABASE_URL: SOURCE_URL, BACKUP_DIR: dir, ...env });
const restore = (args: string[], env: Record<string, string | undefined> = {}) =>
  runScript("db-restore.ts", args, { DATABASE_URL: SOURCE_URL, BACKUP_DIR: dir, ...env });

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Every table of the two schemas with every row as text (sorted), and every sequence's position. */
async function snapshot(url: string) {
  return withClient(url, async (c) => {
    const { rows: tables } = await c.query<{ schema: string; name: string }>(
      `SELECT schemaname AS schema, tablename AS name FROM pg_tables WHERE schemaname = ANY($1) ORDER BY 1, 2`,
      [SCHEMAS],
    );
    const rows: Record<string, string[]> = {};
    for (const t of tables) {
      const result = await c.query<{ row: string }>(`SELECT t::text AS row FROM ${quote(t.schema)}.${quote(t.name)} t ORDER BY 1`);
      rows[`${t.schema}.${t.name}`] = result.rows.map((r) => r.row);
    }
    const { rows: sequences } = await c.query<{ name: string; last_value: string | null }>(
      `SELECT schemaname || '.' || sequencename AS name, last_value::text FROM pg_sequences WHERE schemaname = ANY($1) ORDER BY 1`,
      [SCHEMAS],
    );
    return { rows, sequences };
  });
}

let pay = 0;
/** A business with customers, estimates, invoices (sent, emailed), payments and their receipts, jobs. */
async function populate() {
  const { user, business } = await createAccount({ businessName: `Backup Plumbing ${randomBytes(3).toString("hex")}` });
  const customers = await Promise.all([
    makeCustomer(business.id),
    makeCustomer(business.id, { name: 'Zoë O\'Brien, "Jr"' }),
    makeCustomer(business.id, { email: null }),
  ]);
  for (const [i, customer] of customers.entries()) {
    const invoice = await createInvoice(
      business.id,
      await documentInput({
        customerId: customer.id,
        notes: `Line one\nline "two" ✓ ${i}`,
        lines: [
          { description: "Replace valve", quantity: "1.5", unitPrice: "80.00" },
          { description: "Call-out", quantity: "1", unitPrice: "45.50" },
        ],
      }),
    );
    if (customer.email) {
      await sendInvoice(business.id, invoice.id);
      pay += 1;
      await applyPayment({
        businessId: business.id,
        invoiceId: invoice.id,
        amountCents: 5000 + i,
        currency: "USD",
        method: "CASH",
        provider: "manual",
        providerPaymentId: `${business.id}:backup-${pay}`,
      });
      const estimate = await createEstimate(business.id, await documentInput({ customerId: customer.id }, "USD", "estimate"));
      await sendEstimate(business.id, estimate.id);
    }
  }
  await sendEmail({
    businessId: business.id,
    to: "someone@example.com",
    subject: "Hello",
    text: "Plain text body",
    html: "<p>Plain text body</p>",
    template: "invoice-sent",
  });
  // Jobs that are still waiting (a later run_at) and a failed one, as a live queue has.
  await prisma.$executeRaw`SELECT graphile_worker.add_job('overdue-reminders', '{"now":"2031-01-01T00:00:00Z"}'::json, run_at := now() + interval '1 day', job_key := 'cron:overdue-reminders')`;
  await prisma.$executeRaw`SELECT graphile_worker.add_job('cleanup', '{}'::json, queue_name := 'maintenance', max_attempts := 1)`;
  await prisma.session.create({
    data: { id: randomBytes(32).toString("base64url"), userId: user.id, businessId: business.id, expiresAt: new Date(Date.now() + 86_400_000) },
  });
  await hitRateLimit("login:203.0.113.9", { limit: 10, windowMs: 60_000 });
}

describe("backup and restore", () => {
  let before: Awaited<ReturnType<typeof snapshot>>;
  let dumpFile: string;

  beforeAll(async () => {
    await populate();
    await dropDatabase(ADMIN_URL, TARGET_DB);
  });

  it("backs up with a timestamped custom-format file readable only by its owner", async () => {
    const result = await backup();
    expect(result.code, result.output).toBe(0);
    // Nothing runs between the backup and this snapshot: the worker is not running in this test.
    before = await snapshot(SOURCE_URL);
    // The dump, and the closures ledger beside it.
    expect(readdirSync(dir).sort()).toEqual([`${SOURCE_DB}-closed-businesses.txt`, readdirSync(dir).find((n) => n.endsWith(".dump"))].sort());
    const files = readdirSync(dir).filter((n) => n.endsWith(".dump"));
    expect(files).toHaveLength(1);
    expect(parseBackupFileName(files[0])?.database).toBe(SOURCE_DB);
    dumpFile = path.join(dir, files[0]);
    expect(statSync(dumpFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(dumpFile).subarray(0, 5).toString()).toBe("PGDMP"); // pg_dump's custom format
  });

  it("restores into a fresh database with every row of every table, and the sequences", async () => {
    const result = await restore([dumpFile, "--target", targetUrl()]);
    expect(result.code, result.output).toBe(0);
    const after = await snapshot(targetUrl());

    expect(Object.keys(after.rows)).toEqual(Object.keys(before.rows));
    for (const table of [
      "public.Business",
      "public.Customer",
      "public.Invoice",
      "public.InvoiceLine",
      "public.Payment",
      "public.EmailMessage",
      "public.Estimate",
    ]) {
      expect(before.rows[table].length, `${table} has data to compare`).toBeGreaterThan(0);
    }
    for (const [table, rows] of Object.entries(before.rows)) {
      expect(after.rows[table].length, `${table} row count`).toBe(rows.length);
      expect(after.rows[table], `${table} content`).toEqual(rows);
    }
    expect(after.sequences).toEqual(before.sequences);

    // The queue came across, as graphile-worker's public jobs view shows it (every table of its schema is compared above).
    const queue = (url: string) =>
      withClient(url, (c) =>
        c.query("SELECT id, queue_name, task_identifier, run_at, attempts, max_attempts, last_error, key FROM graphile_worker.jobs ORDER BY id"),
      ).then((r) => r.rows);
    const jobs = await queue(targetUrl());
    expect(jobs.map((r) => r.task_identifier)).toEqual(expect.arrayContaining(["send-email", "overdue-reminders", "cleanup"]));
    expect(jobs).toEqual(await queue(SOURCE_URL));
  });

  it("refuses to restore into a database that has tables, unless --force", async () => {
    // A row the backup does not have: a refused restore must leave it; a forced one replaces the table.
    await withClient(targetUrl(), (c) => c.query(`INSERT INTO "RateLimitHit" (key, "createdAt") VALUES ('only-in-target', now())`));
    const refused = await restore([dumpFile, "--target", targetUrl()]);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/is not empty \(\d+ tables\).*--force/);
    const count = () =>
      withClient(targetUrl(), (c) => c.query<{ n: number }>(`SELECT count(*)::int AS n FROM "RateLimitHit" WHERE key = 'only-in-target'`)).then(
        (r) => r.rows[0].n,
      );
    expect(await count()).toBe(1);

    const forced = await restore(["--latest", "--target", targetUrl(), "--force"]);
    expect(forced.code, forced.output).toBe(0);
    expect(await count()).toBe(0);
    const after = await snapshot(targetUrl());
    expect(after.rows).toEqual(before.rows);
  });
});

describe("closures ledger", () => {
  it("an account closed after a backup was taken is closed again when that backup is restored", async () => {
    const ledgerDir = mkdtempSync(path.join(os.tmpdir(), "invoice-link-ledger-"));
    const ledgerDb = `${SOURCE_DB}_ledger`;
    const ledgerUrl = () => {
      const u = new URL(SOURCE_URL);
      u.pathname = `/${ledgerDb}`;
      return u.toString();
    };
    try {
      const { business } = await createAccount({ businessName: "Closing Later Plumbing" });
      await makeCustomer(business.id, { name: "Later Customer", email: "later.customer@example.com" });
      const early = await backup({ BACKUP_DIR: ledgerDir });
      expect(early.code, early.output).toBe(0);
      const earlyFile = /backup written: (\S+)/.exec(early.output)![1];
      expect(readFileSync(path.join(ledgerDir, `${SOURCE_DB}-closed-businesses.txt`), "utf8")).not.toContain(business.id);

      await closeBusiness(business.id);
      const late = await backup({ BACKUP_DIR: ledgerDir }, ["--no-prune"]); // keep the early one (same day)
      expect(late.code, late.output).toBe(0);
      expect(late.output).toMatch(/closures ledger: \d+ closed account/);
      expect(readFileSync(path.join(ledgerDir, `${SOURCE_DB}-closed-businesses.txt`), "utf8")).toContain(business.id);
      expect(statSync(path.join(ledgerDir, `${SOURCE_DB}-closed-businesses.txt`)).mode & 0o777).toBe(0o600);

      // The early backup still holds the open account and its customer; the restore closes it again.
      await dropDatabase(ADMIN_URL, ledgerDb);
      const restored = await restore([earlyFile, "--target", ledgerUrl()], { BACKUP_DIR: ledgerDir });
      expect(restored.code, restored.output).toBe(0);
      expect(restored.output).toMatch(/closing 1 account\(s\) again/);
      await withClient(ledgerUrl(), async (c) => {
        const { rows } = await c.query(`SELECT name, "closedAt" FROM "Business" WHERE id = $1`, [business.id]);
        expect(rows[0].closedAt).not.toBeNull();
        expect(rows[0].name).toBe("Closed account");
        const customers = await c.query(`SELECT count(*)::int AS n FROM "Customer" WHERE "businessId" = $1 AND email IS NOT NULL`, [business.id]);
        expect(customers.rows[0].n).toBe(0);
      });

      // With --no-reclose the restore leaves it as the backup had it.
      await dropDatabase(ADMIN_URL, ledgerDb);
      const raw = await restore([earlyFile, "--target", ledgerUrl(), "--no-reclose"], { BACKUP_DIR: ledgerDir });
      expect(raw.code, raw.output).toBe(0);
      await withClient(ledgerUrl(), async (c) => {
        const { rows } = await c.query(`SELECT "closedAt" FROM "Business" WHERE id = $1`, [business.id]);
        expect(rows[0].closedAt).toBeNull();
      });
    } finally {
      await dropDatabase(ADMIN_URL, ledgerDb).catch(() => {});
      rmSync(ledgerDir, { recursive: true, force: true });
    }
  });
});

describe("retention", () => {
  it("prunes this database's older backups to 7 daily, 4 weekly and 12 monthly, and nothing else", async () => {
    const pruneDir = mkdtempSync(path.join(os.tmpdir(), "invoice-link-prune-"));
    try {
      // 400 days of nightly backups, plus files that are not this database's backups.
      const now = Date.now();
      const old = Array.from({ length: 400 }, (_, i) => backupFileName(SOURCE_DB, new Date(now - (i + 1) * 86_400_000)));
      for (const name of old) writeFileSync(path.join(pruneDir, name), "");
      const others = [backupFileName("another_db", new Date(now - 500 * 86_400_000)), "notes.txt", `${old[300]}.partial`];
      for (const name of others) writeFileSync(path.join(pruneDir, name), "");

      const result = await backup({ BACKUP_DIR: pruneDir });
      expect(result.code, result.output).toBe(0);
      const left = readdirSync(pruneDir);
      const mine = left.filter((n) => parseBackupFileName(n)?.database === SOURCE_DB);
      const expected = planPruning(
        mine
          .concat(old)
          .filter((n, i, all) => all.indexOf(n) === i)
          .map((name) => ({ name, takenAt: parseBackupFileName(name)!.takenAt })),
      ).keep.map((b) => b.name);
      expect(mine.sort()).toEqual(expected.sort());
      // The newest (just taken) + 6 more days, a few weeks, and months back to a year: about 20 files.
      expect(mine.length).toBeGreaterThanOrEqual(19);
      expect(mine.length).toBeLessThanOrEqual(23);
      expect(result.output).toMatch(/retention 7 daily, 4 weekly and 12 monthly: \d+ kept, \d+ pruned/);
      for (const name of others) expect(left).toContain(name);
    } finally {
      rmSync(pruneDir, { recursive: true, force: true });
    }
  });
});

describe("client tools", () => {
  it("explains a missing pg_dump", async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), "no-pg-"));
    const result = await backup({ PG_BIN_DIR: empty });
    rmSync(empty, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.output).toContain("pg_dump was not found in PG_BIN_DIR");
    expect(result.output).toContain("postgresql-client");
  });

  it("refuses a pg_dump older than the server, naming both versions", async () => {
    const fakeBin = mkdtempSync(path.join(os.tmpdir(), "old-pg-"));
    writeFileSync(path.join(fakeBin, "pg_dump"), '#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n');
    chmodSync(path.join(fakeBin, "pg_dump"), 0o755);
    const serverMajor = await withClient(SOURCE_URL, (c) => c.query<{ v: number }>("SELECT current_setting('server_version_num')::int / 10000 AS v")).then(
      (r) => r.rows[0].v,
    );
    const result = await backup({ PG_BIN_DIR: fakeBin, BACKUP_DIR: fakeBin });
    rmSync(fakeBin, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.output).toContain(`pg_dump is version 9 but the server runs PostgreSQL ${serverMajor}`);
  });
});

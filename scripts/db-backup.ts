// npm run db:backup: a pg_dump (custom format) of DATABASE_URL into BACKUP_DIR (default ./backups),
// named <database>-<UTC timestamp>.dump, then prunes older backups of that database by the retention
// policy (7 daily, 4 weekly, 12 monthly by default), and adds the closed accounts to the closures ledger
// beside the backups (never pruned; db:restore closes them again). See docs/runbooks/backups.md.
//
//   npm run db:backup [-- --dir <path>] [--keep-daily N] [--keep-weekly N] [--keep-monthly N] [--no-prune]
import "dotenv/config";
import { chmodSync, mkdirSync, renameSync, rmSync, statSync, unlinkSync } from "node:fs";
import path from "node:path";
import { DEFAULT_RETENTION, describeRetention, planPruning, type RetentionPolicy } from "../app/utils/backup-retention";
import {
  assertDumpCompatible,
  BackupError,
  backupDir,
  closuresLedgerFile,
  recordClosures,
  backupFileName,
  databaseName,
  findPgTool,
  libpqTarget,
  listBackups,
  parseArgs,
  runTool,
  serverMajorVersion,
  toolMajorVersion,
} from "./lib/backup";

const log = (line: string) => console.log(`[db:backup] ${line}`);

function count(value: string | undefined, fallback: number, name: string) {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new BackupError(`--${name} must be a whole number`);
  return Number(value);
}

async function main() {
  const { flags, values } = parseArgs(process.argv.slice(2), ["dir", "keep-daily", "keep-weekly", "keep-monthly"]);
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new BackupError(
      "DATABASE_URL is not set. Set it (or put it in .env). For the embedded Postgres that `npm start` runs, it is " +
        "postgresql://postgres:postgres@127.0.0.1:54329/invoice_link while `npm start` is running.",
    );
  }
  const policy: RetentionPolicy = {
    daily: count(values.get("keep-daily"), DEFAULT_RETENTION.daily, "keep-daily"),
    weekly: count(values.get("keep-weekly"), DEFAULT_RETENTION.weekly, "keep-weekly"),
    monthly: count(values.get("keep-monthly"), DEFAULT_RETENTION.monthly, "keep-monthly"),
  };
  const dir = values.get("dir") ? path.resolve(values.get("dir")!) : backupDir();
  const database = databaseName(url);

  const pgDump = findPgTool("pg_dump");
  const [toolMajor, serverMajor] = [toolMajorVersion(pgDump), await serverMajorVersion(url)];
  assertDumpCompatible(toolMajor, serverMajor);
  const pgRestore = findPgTool("pg_restore");

  // Backups hold every customer's data and the password hashes: only this user may read them.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const takenAt = new Date();
  const file = path.join(dir, backupFileName(database, takenAt));
  // Written under a name the pruning never matches, renamed once complete: a failed or interrupted dump
  // never looks like a backup.
  const partial = `${file}.partial`;
  const target = libpqTarget(url);
  log(`dumping ${database} (PostgreSQL ${serverMajor}, pg_dump ${toolMajor}) to ${file}`);
  try {
    await runTool(pgDump, ["--format=custom", "--no-password", `--file=${partial}`, `--dbname=${target.dbname}`], target.env);
    chmodSync(partial, 0o600);
    // Read the archive's table of contents back: a truncated file fails here, not on the day it is needed.
    await runTool(pgRestore, ["--list", partial]);
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  log(`backup written: ${file} (${(statSync(file).size / 1024).toFixed(1)} KB)`);
  const closures = await recordClosures(url, dir, database);
  log(`closures ledger: ${closures} closed account(s) listed in ${path.basename(closuresLedgerFile(dir, database))} (a restore closes them again)`);

  if (flags.has("no-prune")) return;
  const { keep, prune } = planPruning(listBackups(dir, database), policy);
  for (const backup of prune) unlinkSync(backup.file);
  log(`retention ${describeRetention(policy)}: ${keep.length} kept, ${prune.length} pruned${prune.length ? ` (${prune.map((b) => b.name).join(", ")})` : ""}`);
}

try {
  await main();
} catch (error) {
  console.error(`[db:backup] failed: ${error instanceof BackupError ? error.message : error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
}

// npm run db:restore: pg_restore a backup made by `npm run db:backup` into DATABASE_URL, or into the
// database given with --target (created when it does not exist). Refuses a database that already has
// tables unless --force. One transaction: a failed restore leaves the target as it was.
// See docs/runbooks/backups.md.
//
// Afterwards every account in the closures ledger that the backup holds as open is closed again.
//
//   npm run db:restore -- <file.dump | --latest> [--target <postgres url>] [--force] [--dir <path>] [--no-reclose]
import "dotenv/config";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { ensureDatabaseExists } from "./lib/database";
import {
  assertDumpCompatible,
  BackupError,
  backupDir,
  databaseName,
  findPgTool,
  libpqTarget,
  listBackups,
  parseArchiveHeader,
  parseArgs,
  parseBackupFileName,
  readClosuresLedger,
  reopenedClosures,
  runTool,
  serverMajorVersion,
  toolMajorVersion,
  userTableCount,
} from "./lib/backup";

const log = (line: string) => console.log(`[db:restore] ${line}`);
const USAGE = "usage: npm run db:restore -- <backup.dump | --latest> [--target <postgres url>] [--force]";

/** The URL with its password masked, for messages. */
const safeUrl = (url: string) => {
  const u = new URL(url);
  if (u.password) u.password = "****";
  return u.toString();
};

async function main() {
  const { flags, values, positional } = parseArgs(process.argv.slice(2), ["target", "dir"]);
  const target = values.get("target") ?? process.env.DATABASE_URL;
  if (!target) throw new BackupError(`no target: set DATABASE_URL or pass --target <postgres url>\n${USAGE}`);

  let file = positional[0];
  if (flags.has("latest")) {
    const dir = values.get("dir") ? path.resolve(values.get("dir")!) : backupDir();
    const source = process.env.DATABASE_URL ? databaseName(process.env.DATABASE_URL) : undefined;
    const newest = listBackups(dir, source)[0];
    if (!newest) throw new BackupError(`no backup${source ? ` of ${source}` : ""} in ${dir}`);
    file = newest.file;
  }
  if (!file) throw new BackupError(USAGE);
  file = path.resolve(file);
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`);

  const pgRestore = findPgTool("pg_restore");
  const restoreMajor = toolMajorVersion(pgRestore);
  // The archive header says which pg_dump wrote it; an older pg_restore cannot read a newer archive.
  const header = parseArchiveHeader(await runTool(pgRestore, ["--list", file]));
  if (header.dumpedBy !== null) assertDumpCompatible(restoreMajor, header.dumpedBy, "pg_restore");

  await ensureDatabaseExists(target);
  const serverMajor = await serverMajorVersion(target);
  if (header.dumpedFrom !== null && serverMajor < header.dumpedFrom) {
    throw new BackupError(
      `the backup comes from PostgreSQL ${header.dumpedFrom}; the target runs ${serverMajor}. Restore into a server of version ${header.dumpedFrom} or newer.`,
    );
  }
  const tables = await userTableCount(target);
  if (tables > 0 && !flags.has("force")) {
    throw new BackupError(
      `${safeUrl(target)} is not empty (${tables} tables). Restore into a new database with --target, or pass --force to ` +
        "replace the objects in the backup (stop the app and workers first).",
    );
  }

  const conn = libpqTarget(target);
  log(`restoring ${path.basename(file)} into ${safeUrl(target)}${tables ? ` (replacing, --force)` : ""}`);
  await runTool(
    pgRestore,
    ["--clean", "--if-exists", "--no-owner", "--exit-on-error", "--single-transaction", "--no-password", `--dbname=${conn.dbname}`, file],
    conn.env,
  );
  // pg_restore does not carry planner statistics over; without them the first queries plan badly.
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    await client.query("ANALYZE");
  } finally {
    await client.end();
  }
  log(`restored ${path.basename(file)}: ${await userTableCount(target)} tables`);

  // Accounts closed after this backup was taken come back with it: close them again, exactly as the
  // owner's request did (scripts/close-business.ts runs the same closure).
  if (flags.has("no-reclose")) return;
  const dir = values.get("dir") ? path.resolve(values.get("dir")!) : backupDir();
  const source = parseBackupFileName(path.basename(file))?.database ?? (process.env.DATABASE_URL ? databaseName(process.env.DATABASE_URL) : undefined);
  const reopened = source ? await reopenedClosures(target, readClosuresLedger(dir, source)) : [];
  if (!reopened.length) {
    log("closures ledger: no closed account came back");
    return;
  }
  log(`closures ledger: closing ${reopened.length} account(s) again that were closed after this backup`);
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "close-business.ts"), ...reopened], {
    env: { ...process.env, DATABASE_URL: target },
    stdio: "inherit",
  });
  if (result.status !== 0)
    throw new BackupError(
      `closing the reopened accounts failed (exit ${result.status}); run scripts/close-business.ts ${reopened.join(" ")} against the target`,
    );
}

try {
  await main();
} catch (error) {
  console.error(`[db:restore] failed: ${error instanceof BackupError ? error.message : error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
}

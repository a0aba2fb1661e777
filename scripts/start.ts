// npm start: everything needed to run Invoice Link on a fresh machine. Uses DATABASE_URL when set;
// otherwise starts an embedded Postgres in .data/postgres. Applies migrations, seeds the demo
// contractor (outside production), builds the app when the build is missing or stale, then serves.
import "dotenv/config";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { ensureDatabaseExists, startEmbeddedPostgres, withDatabaseName, type Database } from "./lib/database";
import { applyMigrations } from "./lib/migrations";

const ROOT = path.resolve(import.meta.dirname, "..");
const log = (line: string) => console.log(`[start] ${line}`);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated") continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function buildIfStale() {
  const buildFile = path.join(ROOT, "build/index.js");
  const stale = !existsSync(buildFile) || newestMtime(path.join(ROOT, "app")) > statSync(buildFile).mtimeMs;
  if (!stale && !process.argv.includes("--build")) return;
  log("building the app (remix build)");
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

let embedded: Database | undefined;
if (!process.env.DATABASE_URL) {
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  log(`DATABASE_URL is not set: starting embedded Postgres on port ${port}`);
  embedded = await startEmbeddedPostgres("postgres", port, log);
  process.env.DATABASE_URL = withDatabaseName(embedded.url, "invoice_link");
}
const databaseUrl = process.env.DATABASE_URL!;
await ensureDatabaseExists(databaseUrl).catch((error) => log(`could not check the database exists: ${error.message}`));
const applied = await applyMigrations(databaseUrl, { log });
log(applied.length ? `${applied.length} migration(s) applied` : "database schema is up to date");

if (process.env.NODE_ENV !== "production") {
  const { seedDemo } = await import("../prisma/seed");
  const demo = await seedDemo();
  log(`demo login: ${demo.email} / ${demo.password}`);
}

buildIfStale();

const server = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server.ts")], {
  cwd: ROOT,
  stdio: "inherit",
  env: process.env,
});

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  if (server.exitCode === null) server.kill("SIGTERM");
  if (embedded) await embedded.stop().catch(() => {});
  process.exit(code);
}
server.on("exit", (code) => void stop(code ?? 0));
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

// npm start: everything needed to run Invoice Link on a fresh machine. Uses DATABASE_URL when set;
// otherwise starts an embedded Postgres in .data/postgres. Applies migrations, seeds the demo
// contractor (outside production; scripts/lib/app-database.ts, shared with `npm run dev`), builds the
// app when the build is missing or stale, then serves.
import "dotenv/config";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { prepareAppDatabase } from "./lib/app-database";
import { WEB_ENV, WEB_NODE_FLAGS } from "./lib/web-process";

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
  const builtAt = Math.min(
    ...["build/index.js", "build/server.js", "build/worker.js"].map((file) =>
      existsSync(path.join(ROOT, file)) ? statSync(path.join(ROOT, file)).mtimeMs : 0,
    ),
  );
  const changedAt = Math.max(newestMtime(path.join(ROOT, "app")), newestMtime(path.join(ROOT, "jobs")), statSync(path.join(ROOT, "server.ts")).mtimeMs);
  if (changedAt < builtAt && !process.argv.includes("--build")) return;
  log("building the app (npm run build: remix build, then server.ts and the worker compiled to build/)");
  const result = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const { embedded } = await prepareAppDatabase(log);

buildIfStale();

// Two processes, as a scaled deployment runs them: the web server and one job worker (more of either can
// run against the same database). Keeping the worker out of the web process keeps the web process
// small (BENCHMARKS.md, memory); WORKER_IN_PROCESS=true runs it inside instead, as one process. The web
// process alone gets the flags and allocator setting chosen for its memory (scripts/lib/web-process.ts); a
// process that also runs jobs (exports, reminder batches) keeps Node's defaults.
const inProcess = process.env.WORKER_IN_PROCESS === "true";
const server = spawn(process.execPath, [...(inProcess ? [] : WEB_NODE_FLAGS), path.join(ROOT, "build/server.js")], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...(inProcess ? {} : WEB_ENV), ...process.env, WORKER_IN_PROCESS: String(inProcess) },
});
const worker = inProcess ? null : spawn(process.execPath, [path.join(ROOT, "build/worker.js")], { cwd: ROOT, stdio: "inherit", env: process.env });

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  if (server.exitCode === null) server.kill("SIGTERM");
  if (worker && worker.exitCode === null) worker.kill("SIGTERM");
  if (embedded) await embedded.stop().catch(() => {});
  process.exit(code);
}
server.on("exit", (code) => void stop(code ?? 0));
worker?.on("exit", (code) => void stop(code ?? 0));
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

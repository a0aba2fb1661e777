// npm start: everything needed to run Invoice Link on a fresh machine. Uses DATABASE_URL when set;
// otherwise starts an embedded Postgres in .data/postgres. Applies migrations, seeds the demo
// contractor (outside production; scripts/lib/app-database.ts, shared with `npm run dev`), builds the
// app when the build is missing or stale, then serves.
import "dotenv/config";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { prepareAppDatabase } from "./lib/app-database";

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

const { embedded } = await prepareAppDatabase(log);

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

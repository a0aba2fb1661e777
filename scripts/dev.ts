// npm run dev: the inner loop (docs/decisions/019-dev-server-and-inner-loop.md). The same database set-up
// as `npm start` (DATABASE_URL, or an embedded Postgres; migrations; the demo login), then:
// - `remix dev --manual` (classic compiler) rebuilds on every change under app/ into build/dev, and the
//   Express server (server.ts under `tsx watch`) loads each new build and live-reloads the browser;
//   a change to server.ts itself restarts the server;
// - the job worker (jobs/run.ts under `tsx watch`) runs beside it and restarts when a file it imports
//   changes (its tasks import the domain from source, not from the Remix build).
// PORT (default 3000) is the app; REMIX_DEV_PORT (default: any open port) is the live-reload socket.
import "dotenv/config";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { prepareAppDatabase } from "./lib/app-database";

const ROOT = path.resolve(import.meta.dirname, "..");
const log = (line: string) => console.log(`[dev] ${line}`);

if (process.env.NODE_ENV && process.env.NODE_ENV !== "development") {
  log(`NODE_ENV=${process.env.NODE_ENV} is overridden: npm run dev always runs in development`);
}
process.env.NODE_ENV = "development";
// Its own build folder: `npm start` keeps serving its production build from build/.
process.env.BUILD_DIR ??= "build/dev";
// The worker runs as its own restartable process (below), not inside the web server.
process.env.WORKER_IN_PROCESS = "false";

const { embedded } = await prepareAppDatabase(log);

const node = process.execPath;
const tsx = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");
const remix = path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js");
const buildDir = process.env.BUILD_DIR;
// `remix dev -c` splits this on spaces without a shell, so every path here is relative to ROOT.
const serverCommand = [
  "node",
  path.relative(ROOT, tsx),
  "watch --clear-screen=false",
  `--ignore ${buildDir}/**`,
  "--ignore node_modules/**",
  "--ignore .data/**",
  "server.ts",
].join(" ");
const remixArgs = [remix, "dev", "--manual", "-c", serverCommand];
if (process.env.REMIX_DEV_PORT) remixArgs.push("--port", process.env.REMIX_DEV_PORT);

const children: ChildProcess[] = [
  spawn(node, remixArgs, { cwd: ROOT, stdio: "inherit", env: process.env }),
  spawn(node, [tsx, "watch", "--clear-screen=false", "jobs/run.ts"], { cwd: ROOT, stdio: "inherit", env: process.env }),
];

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : null)));
  if (embedded) await embedded.stop().catch(() => {});
  process.exit(code);
}
for (const child of children) child.on("exit", (code) => void stop(code ?? 0));
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

// npm run bench: the scale benchmark. Builds the app into its own folder (`npm run build`: the Remix build,
// then build/server.js and build/worker.js), clones a fresh database from the migrated template, seeds one
// contractor with 100,000 invoices (scripts/seed-scale.ts), starts the app as production runs it (npm start,
// scripts/start.ts: the compiled web server with WORKER_IN_PROCESS=false, and the job worker in its own
// process) on a loopback port, signs in once, then drives every page with autocannon, and sends distinct
// Stripe payments as signed webhooks (the local Stripe fake stands in for the API). The machine is small and shared,
// so every result is also given as a ratio to a trivial route (/ping) measured in the same run, and as CPU
// per request of each process (web, worker, Postgres backends) from /proc; nothing here fails on a hard
// limit. The results replace this benchmark's sections of BENCHMARKS.md.
//
// Besides time and CPU per request, it reports the gzipped JavaScript each page makes the browser load,
// the table and index sizes per row that "Scale on paper" in BENCHMARKS.md is computed from, and, with
// --memory-minutes N, the web process's RSS under N minutes of mixed load (the target: at most 200 MB and
// not growing over the last 5 minutes).
//
// Options: --invoices N --customers N (data size), --duration S --warmup S --connections N (load),
// --sequential N (one-at-a-time requests per target), --webhooks N (events per burst; there are two: the
// worker paused, the worker running), --memory-minutes N (0: no memory phase; 10 for the target), --keep-db,
// --no-write (leave BENCHMARKS.md alone), --cpu-prof DIR (a CPU profile of the web process), --phase webhooks (only /ping, the pay page and the payments phase,
// which writes only the payments section; pair it with a smaller --invoices, e.g. 30000, since the pages are
// not measured), --phase memory (only the memory phase, with --memory-minutes; it reports the V8 heap beside
// the RSS), --heap-snapshots DIR (heap snapshots of the web process at the start and end of the memory phase),
// --web-flags="..." --web-env="NAME=value ..." (the web process's Node flags and environment instead of npm
// start's, scripts/lib/web-process.ts; "" for none: to compare).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createHmac, randomBytes } from "node:crypto";
import autocannon from "autocannon";
import pg from "pg";
import { signStripePayload, startFakeStripe, stripeEvent, type FakeStripe } from "../tests/fakes/stripe";
import { productionEnv, startServer, waitForOutput, type TestServer } from "../tests/helpers/production-server";
import { rawGet } from "../tests/helpers/raw-http";
import { resolveBenchPostgres } from "./lib/database";
import { CHROMIUM_ARGS, ensureBrowser, systemProbes } from "./lib/browser";
import { cloneTemplate, createTemplate, dropDatabase } from "./lib/test-database";
import { WEB_ENV, WEB_NODE_FLAGS } from "./lib/web-process";
import { seedScale, type ScaleSeedResult } from "./seed-scale";

const ROOT = path.resolve(import.meta.dirname, "..");
// Each run builds into its own folder, so a benchmark never shares a build with a test run.
const OUT = path.join(ROOT, "tests/.tmp", `bench-${process.pid}`);
const BUILD_DIR = path.join(OUT, "build");
const BENCHMARKS_FILE = path.join(ROOT, "BENCHMARKS.md");
const TARGET_P95_MS = 50;
// A browser's request, so the server does the work it does for a person (compression, streaming).
const BROWSER_HEADERS = {
  accept: "text/html,application/xhtml+xml",
  "accept-encoding": "gzip, deflate, br",
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
};

const { values: opts } = parseArgs({
  options: {
    invoices: { type: "string", default: "100000" },
    customers: { type: "string", default: "10000" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "10" },
    sequential: { type: "string", default: "100" },
    webhooks: { type: "string", default: "1000" },
    "memory-minutes": { type: "string", default: "0" },
    phase: { type: "string", default: "all" },
    "keep-db": { type: "boolean", default: false },
    "no-write": { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
    "heap-snapshots": { type: "string" },
    "web-flags": { type: "string" },
    "web-env": { type: "string" },
  },
});
const num = (name: keyof typeof opts) => {
  const n = Number(String(opts[name]).replaceAll("_", ""));
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number`);
  return n;
};
const config = {
  invoices: num("invoices"),
  customers: num("customers"),
  duration: num("duration"),
  warmup: num("warmup"),
  connections: num("connections"),
  sequential: num("sequential"),
  webhooks: num("webhooks"),
  memoryMinutes: num("memory-minutes"),
  phase: opts.phase as "all" | "webhooks" | "memory",
};
if (!["all", "webhooks", "memory"].includes(config.phase)) throw new Error("--phase must be all, webhooks or memory");
if (config.phase === "memory" && !config.memoryMinutes) throw new Error("--phase memory needs --memory-minutes N");
const MEMORY_LIMIT_MB = 200;
const log = (line: string) => console.log(`[bench] ${line}`);

/** `anonymous`: requested without the session cookie, as a customer opening a signed link would. */
type Target = {
  name: string;
  path: string;
  /** Requests go to these paths in turn (the first is `path`); `logPath` then matches their log lines. */
  paths?: string[];
  kind: "baseline" | "page";
  anonymous?: boolean;
  /** The URL in the request's log line when it is not `path` (a masked signature), or a pattern of them. */
  logPath?: string | RegExp;
  expect: (body: string) => string | null;
};
type Stats = { p50: number; p95: number; p99: number; max: number; mean: number; n: number };
type Measurement = {
  target: Target;
  rps: number;
  requests: number;
  non2xx: number;
  errors: number;
  client: Stats;
  serverLoaded: Stats;
  serverSequential: Stats;
  clientSequential: Stats;
  /** CPU milliseconds per request under load, or null where /proc cannot tell. */
  cpu: { server: number; postgres: number | null } | null;
};

function percentile(sorted: number[], p: number) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : NaN;
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    mean,
    n: sorted.length,
  };
}

function runBuildStep(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, BUILD_DIR, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(" ")} failed:\n${output}`))));
  });
}

/** `npm run build` into the run's own folder: the Remix build, then server.ts and the worker compiled beside it (build/server.js, build/worker.js). */
async function build(): Promise<void> {
  await runBuildStep([path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"]);
  await runBuildStep(["--import", "tsx", path.join(ROOT, "scripts/build-server.ts")]);
}

/** Reads pino's one-line-per-request logs from the server and keeps responseTime for the URL being measured. */
class ServerTimes {
  private buffer = "";
  private url: string | RegExp | null = null;
  private times: number[] = [];

  constructor(server: TestServer) {
    server.child.stdout!.on("data", (chunk: Buffer) => {
      this.buffer += chunk.toString("utf8");
      let newline: number;
      while ((newline = this.buffer.indexOf("\n")) !== -1) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        if (!this.url || !line.startsWith("{")) continue;
        try {
          const entry = JSON.parse(line) as { req?: { url?: string }; responseTime?: number };
          const url = entry.req?.url;
          const matches = typeof this.url === "string" ? url === this.url : url !== undefined && this.url.test(url);
          if (matches && typeof entry.responseTime === "number") this.times.push(entry.responseTime);
        } catch {
          // Not a log line of ours.
        }
      }
    });
  }

  start(url: string | RegExp) {
    this.url = url;
    this.times = [];
  }

  async stop() {
    // The last lines of a phase can arrive just after the last response.
    await new Promise((r) => setTimeout(r, 300));
    this.url = null;
    return this.times;
  }
}

/**
 * CPU time (user + system, from /proc) of the app's processes (the web server, the job worker) and of
 * the Postgres backends serving its database, the backends grouped by their application_name (the bench
 * gives the web and the worker each their own, so Postgres CPU can be told apart per process). On a shared
 * machine wall-clock times swing with whatever else runs; CPU per request does not.
 */
type CpuSnapshot = { processes: Map<string, number>; backends: Map<number, { app: string; ticks: number }> };
type CpuUsed = {
  /** The web process's CPU ms. */
  server: number;
  /** CPU ms of each named process (web, worker). */
  processes: Record<string, number>;
  /** All backends of the database; null where they cannot be read. */
  postgres: number | null;
  /** Backends by application_name ("" for the bench's own clients). */
  postgresBy: Record<string, number>;
};

class CpuMeter {
  private static readonly MS_PER_TICK = 10; // /proc reports in USER_HZ, which is 100 on Linux
  private pids = new Map<string, number>();

  private constructor(
    serverPid: number,
    private adminUrl: string | null,
    private dbName: string,
  ) {
    this.pids.set("web", serverPid);
  }

  static create(serverPid: number | undefined, adminUrl: string, dbName: string) {
    if (process.platform !== "linux" || !serverPid || CpuMeter.ticks(serverPid) === null) return null;
    // Backends can be read only when Postgres runs on this machine.
    const host = new URL(adminUrl).hostname;
    const local = host === "127.0.0.1" || host === "localhost" || host === "::1" || host === "[::1]";
    return new CpuMeter(serverPid, local ? adminUrl : null, dbName);
  }

  /** Another process of the app to measure (the job worker). */
  track(name: string, pid: number | undefined) {
    if (pid) this.pids.set(name, pid);
  }

  static ticks(pid: number): number | null {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after "(comm)": state is field 3, utime field 14, stime field 15.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return null;
    }
  }

  async snapshot(): Promise<CpuSnapshot> {
    const processes = new Map<string, number>();
    for (const [name, pid] of this.pids) processes.set(name, CpuMeter.ticks(pid) ?? 0);
    const backends = new Map<number, { app: string; ticks: number }>();
    if (this.adminUrl) {
      const client = new pg.Client({ connectionString: this.adminUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ pid: number; app: string }>("SELECT pid, application_name AS app FROM pg_stat_activity WHERE datname = $1", [
          this.dbName,
        ]);
        for (const { pid, app } of rows) {
          const t = CpuMeter.ticks(pid);
          if (t !== null) backends.set(pid, { app, ticks: t });
        }
      } finally {
        await client.end();
      }
    }
    return { processes, backends };
  }

  /** Milliseconds of CPU between two snapshots; backends that closed in between are missed (undercount). */
  diff(before: CpuSnapshot, after: CpuSnapshot): CpuUsed {
    let postgres = 0;
    const postgresBy: Record<string, number> = {};
    for (const [pid, { app, ticks }] of after.backends) {
      const used = (ticks - (before.backends.get(pid)?.ticks ?? 0)) * CpuMeter.MS_PER_TICK;
      postgres += used;
      postgresBy[app] = (postgresBy[app] ?? 0) + used;
    }
    const processes: Record<string, number> = {};
    for (const [name, ticks] of after.processes) processes[name] = (ticks - (before.processes.get(name) ?? ticks)) * CpuMeter.MS_PER_TICK;
    return {
      server: processes.web ?? 0,
      processes,
      postgres: this.adminUrl && after.backends.size ? postgres : null,
      postgresBy,
    };
  }
}

/** `paths`: each request goes to the next of them, in turn (one list shared by all connections). */
function runAutocannon(url: string, cookie: string, seconds: number, onResponse?: (ms: number) => void, paths?: string[]) {
  let next = 0;
  const rotate = paths?.length
    ? [
        {
          setupRequest: (request: { path?: string }) => {
            request.path = paths[next++ % paths.length];
            return request;
          },
        },
      ]
    : undefined;
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, connections: config.connections, duration: seconds, headers: { ...BROWSER_HEADERS, cookie }, ...(rotate ? { requests: rotate } : {}) },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (onResponse) instance.on("response", (_client, _status, _bytes, responseTime) => onResponse(responseTime));
  });
}

async function measure(server: TestServer, times: ServerTimes, meter: CpuMeter | null, sessionCookie: string, target: Target): Promise<Measurement> {
  const url = `${server.url}${target.path}`;
  const cookie = target.anonymous ? "" : sessionCookie;
  const check = await fetch(url, { headers: { ...BROWSER_HEADERS, cookie }, redirect: "manual" });
  const body = await check.text();
  const problem = check.status !== 200 ? `answered ${check.status}` : target.expect(body);
  if (problem) throw new Error(`${target.path} is not what the benchmark expects: ${problem}`);

  if (config.warmup > 0) await runAutocannon(url, cookie, config.warmup, undefined, target.paths);
  await new Promise((r) => setTimeout(r, 300));

  // One request at a time: what a single person waits for when nothing else runs on the server.
  const logged = target.logPath ?? target.path;
  times.start(logged);
  const clientSequential: number[] = [];
  for (let i = 0; i < config.sequential; i++) {
    const t0 = performance.now();
    const response = await fetch(target.paths ? `${server.url}${target.paths[i % target.paths.length]}` : url, {
      headers: { ...BROWSER_HEADERS, cookie },
      redirect: "manual",
    });
    await response.arrayBuffer();
    clientSequential.push(performance.now() - t0);
  }
  const serverSequential = await times.stop();

  const latencies: number[] = [];
  times.start(logged);
  const cpuBefore = await meter?.snapshot();
  const result = await runAutocannon(url, cookie, config.duration, (ms) => latencies.push(ms), target.paths);
  const cpuAfter = await meter?.snapshot();
  const serverLoaded = await times.stop();
  const cpu = meter && cpuBefore && cpuAfter ? meter.diff(cpuBefore, cpuAfter) : null;
  const perRequest = (ms: number) => ms / Math.max(1, result.requests.total);
  return {
    target,
    rps: result.requests.total / result.duration,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    client: stats(latencies),
    serverLoaded: stats(serverLoaded),
    serverSequential: stats(serverSequential),
    clientSequential: stats(clientSequential),
    cpu: cpu ? { server: perRequest(cpu.server), postgres: cpu.postgres === null ? null : perRequest(cpu.postgres) } : null,
  };
}

async function login(server: TestServer, email: string, password: string) {
  const response = await fetch(`${server.url}/login`, {
    method: "POST",
    body: new URLSearchParams({ email, password, redirectTo: "/dashboard" }),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url, "Sec-Fetch-Site": "same-origin" },
    redirect: "manual",
  });
  const session = response.headers.getSetCookie().find((c) => c.startsWith("__session="));
  if (response.status !== 302 || !session) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return session.split(";")[0];
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

function report(measurements: Measurement[], context: { seed: ScaleSeedResult; postgres: string; dbSize: string; load: number[]; seconds: number }) {
  const baseline = measurements.find((m) => m.target.kind === "baseline")!;
  const date = new Date().toISOString().replace("T", " ").slice(0, 16);
  const cpu = os.cpus();
  const rows = measurements.map((m) => {
    const ok = m.non2xx === 0 && m.errors === 0 ? "" : ` (${m.non2xx} non-2xx, ${m.errors} errors)`;
    return (
      `| ${m.target.name} | \`${m.target.path}\` | ${fmt(m.rps, 0)}${ok} | ${fmt(m.client.p50)} | ${fmt(m.client.p95)} | ` +
      `${fmt(m.serverLoaded.p95)} | ${fmt(m.serverSequential.p50)} | ${fmt(m.serverSequential.p95)} | ` +
      `${m.cpu ? fmt(m.cpu.server, 2) : "n/a"} | ${m.cpu?.postgres != null ? fmt(m.cpu.postgres, 2) : "n/a"} | ${fmt(m.rps / baseline.rps, 2)} |`
    );
  });
  const pages = measurements.filter((m) => m.target.kind === "page");
  const worst = pages.reduce((a, b) => (b.serverSequential.p95 > a.serverSequential.p95 ? b : a), pages[0]);
  const verdict = pages.every((m) => m.serverSequential.p95 < TARGET_P95_MS)
    ? `met: every page's sequential server p95 is under ${TARGET_P95_MS} ms (slowest: ${worst.target.name}, ${fmt(worst.serverSequential.p95)} ms)`
    : `missed: ${pages
        .filter((m) => m.serverSequential.p95 >= TARGET_P95_MS)
        .map((m) => `${m.target.name} ${fmt(m.serverSequential.p95)} ms`)
        .join(", ")}`;
  const { seed } = context;
  const busy = context.load[0] > cpu.length;
  return [
    `Last run: ${date} UTC, ${fmt(context.seconds, 0)} s in all (seed ${fmt(seed.seconds, 1)} s).`,
    "",
    `- Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ` +
      `load average ${context.load.map((l) => l.toFixed(1)).join(" / ")} before the run (other work on the machine shows up as noise)`,
    `- Node ${process.version}, ${context.postgres}`,
    `- Data: one business with ${seed.customers.toLocaleString("en-US")} customers, ${seed.invoices.toLocaleString("en-US")} invoices, ` +
      `${seed.lines.toLocaleString("en-US")} line items, ${seed.payments.toLocaleString("en-US")} payments, ${seed.activity} activity events ` +
      `(database ${context.dbSize})`,
    `- Per target: a ${config.warmup} s warm-up, ${config.sequential} sequential requests, then autocannon with ${config.connections} ` +
      `connections for ${config.duration} s; browser-like headers (gzip) and a signed-in session cookie`,
    "- Columns: req/s, p50 and p95 are autocannon's (client-observed, under load); server times are pino's `responseTime` " +
      "from the server log, under that load and for the sequential requests; CPU ms/req is the server process's and the " +
      "Postgres backends' CPU time (from /proc) during the load, divided by the requests served",
    ...(busy
      ? [
          `- **The machine was busy** (load average ${context.load[0].toFixed(1)} on ${cpu.length} cores): wall-clock times are inflated ` +
            "by waiting for a CPU; ratios to the baseline and CPU ms/req are the comparable figures",
        ]
      : []),
    "",
    "| target | path | req/s | p50 ms | p95 ms | server p95 ms (loaded) | server p50 ms (sequential) | server p95 ms (sequential) | Node CPU ms/req | Postgres CPU ms/req | req/s vs baseline |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
    `Target (list and dashboard p95 under ${TARGET_P95_MS} ms, judged on the server's time for one request at a time): ${verdict}.`,
  ].join("\n");
}

/** Replaces this benchmark's section of BENCHMARKS.md (between its markers), or appends it. */
function writeSection(body: string, name: string, title: string) {
  const begin = `<!-- bench:${name}:begin (written by scripts/bench.ts) -->`;
  const end = `<!-- bench:${name}:end -->`;
  const section = `${begin}\n${body}\n${end}`;
  const current = existsSync(BENCHMARKS_FILE)
    ? readFileSync(BENCHMARKS_FILE, "utf8")
    : "# Benchmarks\n\nOne section per benchmark. A script rewrites only the part between its own markers.\n";
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  const next =
    from !== -1 && to > from ? `${current.slice(0, from)}${section}${current.slice(to + end.length)}` : `${current.trimEnd()}\n\n## ${title}\n\n${section}\n`;
  writeFileSync(BENCHMARKS_FILE, next);
}

async function queryRows<T>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Where Postgres's write-ahead log is now, after a CHECKPOINT. Every payment measurement (the pg loop, each
 * webhook burst) starts right after a checkpoint: the first change to a table or index page after one writes
 * the whole page to the WAL (46 KB for the first update of an invoice after a checkpoint, 1.4 KB for the
 * next, on the 100,000-invoice seed), so without it a measurement's cost depended on when Postgres last
 * checkpointed by itself (every 5 minutes by default), a phase run's soon after its seed, a full run's not.
 * The checkpoint needs a superuser (or pg_checkpoint); without one the measurements go on as before.
 */
async function checkpointAndWalPosition(databaseUrl: string): Promise<string | null> {
  try {
    await queryRows(databaseUrl, "CHECKPOINT");
  } catch (error) {
    log(`no CHECKPOINT before the measurement: ${(error as Error).message}`);
  }
  try {
    return (await queryRows<{ lsn: string }>(databaseUrl, "SELECT pg_current_wal_lsn()::text AS lsn"))[0].lsn;
  } catch {
    return null;
  }
}

/** WAL bytes written since a position (the whole cluster's: nothing else writes during a measurement). */
async function walSince(databaseUrl: string, from: string | null): Promise<number | null> {
  if (!from) return null;
  return Number((await queryRows<{ bytes: string }>(databaseUrl, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS bytes", [from]))[0].bytes);
}

/** The job worker in its own process (build/worker.js), as `npm start` runs it beside the web server. */
type WorkerProcess = { child: ChildProcess; output: () => string; pause: () => void; resume: () => void; stop: () => Promise<void> };

async function startWorkerProcess(env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [path.join(BUILD_DIR, "worker.js")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  // Kept short: the worker logs every job, and the pipes must be read or it blocks.
  const keep = (d: Buffer) => (output = (output + d.toString("utf8")).slice(-20_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  await waitForOutput(child, "worker started", 120_000, "the worker");
  return {
    child,
    output: () => output,
    // SIGSTOP: the worker keeps its connections but takes no job until SIGCONT (it holds none when paused between phases).
    pause: () => void child.kill("SIGSTOP"),
    resume: () => void child.kill("SIGCONT"),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGCONT");
        child.kill("SIGTERM");
      }),
  };
}

/**
 * Signed checkout.session.completed events, one per invoice, each with its own PaymentIntent
 * (registered in the fake, where the payment follow-up job reads the card's details from). The events
 * are what Stripe sends: the session names its PaymentIntent by id, nothing expanded.
 */
function webhookBodies(fake: FakeStripe, invoices: { id: string; businessId: string; balance: number }[], offset: number) {
  return invoices.map((invoice, j) => {
    const i = offset + j;
    const pi = `pi_bench_${i}_${randomBytes(4).toString("hex")}`;
    const charge = `ch_bench_${i}`;
    const metadata = { invoiceId: invoice.id, businessId: invoice.businessId };
    fake.charges.set(charge, {
      id: charge,
      object: "charge",
      amount: Number(invoice.balance),
      amount_refunded: 0,
      currency: "usd",
      payment_intent: pi,
      payment_method_details: { type: "card", card: { brand: "visa", last4: "4242" } },
    });
    fake.paymentIntents.set(pi, {
      id: pi,
      object: "payment_intent",
      amount: Number(invoice.balance),
      currency: "usd",
      status: "succeeded",
      latest_charge: charge,
      metadata,
    });
    const session = {
      id: `cs_bench_${i}`,
      object: "checkout.session",
      mode: "payment",
      payment_status: "paid",
      status: "complete",
      amount_total: Number(invoice.balance),
      currency: "usd",
      metadata,
      payment_intent: pi,
    };
    return JSON.stringify(stripeEvent("checkout.session.completed", session), null, 2);
  });
}

type BurstResult = { events: number; seconds: number; rate: number; latency: Stats; failures: number; cpu: CpuUsed | null; walBytes: number | null };

/**
 * Sends the events `connections` at a time and measures the answers: rate, latency, and CPU while they were answered.
 * The sender is as lean as the pg loop's client, since both share the 2 cores with what they measure: the
 * events are signed and written out as HTTP requests before the burst (Stripe's tolerance is 5 minutes), and
 * autocannon, the load generator of the pages, sends them on kept-alive connections, each connection its own
 * share of the events once. The bench's CPU per event: fetch 0.67 ms, node:http 0.25, and on a slower machine
 * node:http 0.57 against autocannon 0.40 (the pg loop's client: 0.10 and 0.19 per transaction; BENCHMARKS.md).
 */
async function webhookBurst(server: TestServer, meter: CpuMeter | null, secret: string, bodies: string[], databaseUrl: string): Promise<BurstResult> {
  const latencies: number[] = [];
  let failures = 0;
  const url = new URL("/webhooks/stripe", server.url).href;
  const shares = Array.from({ length: Math.min(config.connections, bodies.length) }, (_, c) =>
    bodies
      .filter((_, i) => i % config.connections === c)
      .map((body) => ({
        method: "POST" as const,
        headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": signStripePayload(body, secret) },
        body,
        // Only a refused event's answer is looked at: a few of them in the log, to tell a timeout under load from a bug.
        onResponse: (status: number, answer: string) => {
          if (status !== 200 && failures++ < 3) log(`webhook answered ${status}: ${answer.slice(0, 200)}`);
        },
      })),
  );
  const walBefore = await checkpointAndWalPosition(databaseUrl);
  const cpuBefore = await meter?.snapshot();
  const started = performance.now();
  let lastAnswer = started;
  await Promise.all(
    shares.map(
      (requests) =>
        new Promise<void>((resolve, reject) => {
          const instance = autocannon({ url, connections: 1, amount: requests.length, requests, timeout: 60 }, (error, result) => {
            if (error) return reject(error);
            // Errors and timeouts have no answer, so onResponse did not count them.
            failures += result.errors + result.timeouts;
            resolve();
          });
          instance.on("response", (_client, _status, _bytes, responseTime) => {
            latencies.push(responseTime);
            lastAnswer = performance.now();
          });
        }),
    ),
  );
  // Until the last answer, not until autocannon's callback: an instance given an `amount` notices it is done
  // on its once-a-second tick, so the callback comes up to a second after the last answer (a burst of 1.2 s
  // measured as 2.0 s, and 2.1 s as 3.0 s: the eighth round's "two modes"). Without an answer to every
  // event (errors, timeouts), the callback's time.
  const seconds = ((failures ? performance.now() : lastAnswer) - started) / 1000;
  const cpuAfter = await meter?.snapshot();
  const wal = await walSince(databaseUrl, walBefore);
  if (failures)
    for (const line of server
      .output()
      .split("\n")
      .filter((l) => l.includes('"level":50'))
      .slice(0, 3))
      log(`server error: ${line.slice(0, 500)}`);
  return {
    events: bodies.length,
    seconds,
    rate: bodies.length / seconds,
    latency: stats(latencies),
    failures,
    cpu: meter && cpuBefore && cpuAfter ? meter.diff(cpuBefore, cpuAfter) : null,
    walBytes: wal,
  };
}

type DrainResult = { seconds: number; payments: number; detailed: number; receipts: number; jobsLeft: number; cpu: CpuUsed | null };

/**
 * Work the handler leaves to jobs (the card's details, the receipt and its email, the paid notice) is
 * not in the answer rate: wait until the job queue is empty and `expected` payments have their card's
 * details (at most 180 s), and say how long it took and what it cost, so moving work off the response
 * path hides nothing.
 */
async function drainJobs(meter: CpuMeter | null, databaseUrl: string, expected: number): Promise<DrainResult> {
  const cpuBefore = await meter?.snapshot();
  const started = performance.now();
  const counts = () =>
    queryRows<{ payments: number; receipts: number; detailed: number; jobs: number }>(
      databaseUrl,
      `SELECT (SELECT count(*)::int FROM "Payment" WHERE provider = 'stripe') AS payments,
              (SELECT count(*)::int FROM "Payment" WHERE provider = 'stripe' AND "cardLast4" IS NOT NULL) AS detailed,
              (SELECT count(*)::int FROM "EmailMessage" WHERE template = 'receipt') AS receipts,
              (SELECT count(*)::int FROM graphile_worker.jobs WHERE attempts < max_attempts) AS jobs`,
    ).then((rows) => rows[0]);
  let now = await counts();
  while ((now.detailed < expected || now.jobs > 0) && performance.now() - started < 180_000) {
    await new Promise((r) => setTimeout(r, 200));
    now = await counts();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = await meter?.snapshot();
  return { seconds, ...now, jobsLeft: now.jobs, cpu: meter && cpuBefore && cpuAfter ? meter.diff(cpuBefore, cpuAfter) : null };
}

type PgLoopResult = {
  transactions: number;
  seconds: number;
  tps: number;
  postgresCpuMs: number | null;
  benchCpuMs: number | null;
  walBytes: number | null;
  /** Transactions on an invoice this loop had already paid (only when it ran out of invoices). */
  repeats: number;
};

/**
 * The payment transaction's shape straight on pg, as pgbench would run it: lock an invoice row FOR
 * UPDATE, insert a payment, update the invoice, commit; `clients` connections for `seconds`. Like the
 * webhooks, each transaction pays an invoice of its own: `invoices` (all but the webhooks') in a random order,
 * each at most once per loop unless the loop runs out of them. It once drew from 1,000 invoices over and over:
 * after the first pass their pages were in the WAL already, and a transaction wrote 1.4 KB of WAL where a
 * webhook's first update of its invoice wrote 46 KB. The ceiling the webhooks are judged against.
 */
async function pgPaymentLoop(
  meter: CpuMeter | null,
  databaseUrl: string,
  invoices: { id: string; businessId: string }[],
  seconds: number,
  clients: number,
): Promise<PgLoopResult> {
  const connections = await Promise.all(
    Array.from({ length: clients }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      return client;
    }),
  );
  let transactions = 0;
  const order = [...invoices];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  let next = 0;
  const walBefore = await checkpointAndWalPosition(databaseUrl);
  const cpuBefore = await meter?.snapshot();
  const started = performance.now();
  const until = started + seconds * 1000;
  try {
    await Promise.all(
      connections.map(async (client) => {
        while (performance.now() < until) {
          const invoice = order[next++ % order.length];
          await client.query("BEGIN");
          try {
            await client.query(`SELECT id, "totalCents", "amountPaidCents" FROM "Invoice" WHERE id = $1 AND "businessId" = $2 FOR UPDATE`, [
              invoice.id,
              invoice.businessId,
            ]);
            await client.query(
              `INSERT INTO "Payment" (id, "businessId", "invoiceId", "amountCents", currency, method, provider, "providerAccountId", "providerPaymentId", status, "receivedAt", "receivedOn", "updatedAt")
               VALUES ($1, $2, $3, 100, 'USD', 'CARD', 'bench-pg', '', $1, 'SUCCEEDED', now(), current_date, now())`,
              [`pgloop_${randomBytes(8).toString("hex")}`, invoice.businessId, invoice.id],
            );
            await client.query(`UPDATE "Invoice" SET "amountPaidCents" = "amountPaidCents" + 100, "updatedAt" = now() WHERE id = $1`, [invoice.id]);
            await client.query("COMMIT");
            transactions++;
          } catch (error) {
            await client.query("ROLLBACK");
            throw error;
          }
        }
      }),
    );
    const cpuAfter = await meter?.snapshot();
    const wal = await walSince(databaseUrl, walBefore);
    const cpu = meter && cpuBefore && cpuAfter ? meter.diff(cpuBefore, cpuAfter) : null;
    // The loop's own backends only (no application_name); the app's idle connections are not its cost.
    const used = cpu && cpu.postgres !== null ? (cpu.postgresBy[""] ?? 0) : null;
    const elapsed = (performance.now() - started) / 1000;
    const per = (ms: number | null | undefined) => (ms == null ? null : ms / Math.max(1, transactions));
    return {
      transactions,
      seconds: elapsed,
      tps: transactions / elapsed,
      postgresCpuMs: per(used),
      benchCpuMs: per(cpu?.processes.bench),
      walBytes: wal,
      repeats: Math.max(0, next - order.length),
    };
  } finally {
    await Promise.all(connections.map((c) => c.end()));
  }
}

/** The 25 % target of issue 17: distinct webhooks per second against the pg loop's transactions per second. */
const WEBHOOK_TARGET_RATIO = 0.25;

/** Postgres's buffer cache against the database, so that runs on differently set up servers can be told apart (BENCHMARKS.md, the eighth round). */
function bufferNote(setting: string, size: string, fits: boolean) {
  return `shared_buffers ${setting} (${fits ? "holds" : "smaller than"} the ${size} database)`;
}

type PaymentsResult = {
  loops: PgLoopResult[];
  /** The webhooks answered while the worker was paused (SIGSTOP), then the worker resumed to do their jobs. */
  paused: BurstResult;
  pausedDrain: DrainResult;
  /** As many other webhooks answered while the worker ran beside the web process, and what was left after. */
  running: BurstResult;
  runningDrain: DrainResult;
};

/**
 * The pg loop; webhooks with the worker paused, then the worker doing their jobs alone; as many webhooks
 * with the worker running; the pg loop again (load on a shared machine drifts; the two loops bracket the rest).
 */
async function paymentsPhase(
  server: TestServer,
  worker: WorkerProcess,
  meter: CpuMeter | null,
  fake: FakeStripe,
  secret: string,
  invoices: { id: string; businessId: string; balance: number }[],
  databaseUrl: string,
): Promise<PaymentsResult> {
  const taken = new Set(invoices.map((i) => i.id));
  const loopInvoices = (await queryRows<{ id: string; businessId: string }>(databaseUrl, `SELECT id, "businessId" FROM "Invoice"`)).filter(
    (i) => !taken.has(i.id),
  );
  const half = Math.floor(invoices.length / 2);
  const first = webhookBodies(fake, invoices.slice(0, half), 0);
  const second = webhookBodies(fake, invoices.slice(half, 2 * half), half);
  log(`pg payment-transaction loop: ${config.connections} clients for ${config.duration} s`);
  const before = await pgPaymentLoop(meter, databaseUrl, loopInvoices, config.duration, config.connections);
  log(`${first.length} distinct Stripe payments as webhooks, the worker paused`);
  worker.pause();
  let paused: BurstResult;
  try {
    paused = await webhookBurst(server, meter, secret, first, databaseUrl);
  } finally {
    worker.resume();
  }
  log(`the worker doing their jobs (answered at ${fmt(paused.rate, 0)}/s)`);
  const pausedDrain = await drainJobs(meter, databaseUrl, first.length);
  log(`${second.length} more, the worker running (jobs drained in ${fmt(pausedDrain.seconds, 1)} s)`);
  const running = await webhookBurst(server, meter, secret, second, databaseUrl);
  const runningDrain = await drainJobs(meter, databaseUrl, first.length + second.length);
  log(`pg payment-transaction loop again (answered at ${fmt(running.rate, 0)}/s)`);
  const after = await pgPaymentLoop(meter, databaseUrl, loopInvoices, config.duration, config.connections);
  return { loops: [before, after], paused, pausedDrain, running, runningDrain };
}

function paymentsReport(measurements: Measurement[], result: PaymentsResult, load: number[], buffersNote: string) {
  const { loops, paused, pausedDrain, running, runningDrain } = result;
  const baseline = measurements.find((m) => m.target.kind === "baseline")!;
  const pay = measurements.find((m) => m.target.name.startsWith("pay page (customer"))!;
  const payRendered = measurements.find((m) => m.target.name.startsWith("pay page, rendered"))!;
  const cpuPair = (m: Measurement) => (m.cpu ? `${fmt(m.cpu.server, 2)} / ${m.cpu.postgres === null ? "n/a" : fmt(m.cpu.postgres, 2)}` : "n/a");
  const pgTps = loops.reduce((sum, l) => sum + l.tps, 0) / loops.length;
  const ratio = paused.rate / pgTps;
  const runningRatio = running.rate / pgTps;
  const date = new Date().toISOString().replace("T", " ").slice(0, 16);
  const each = (ms: number | null | undefined, n: number) => (ms == null ? "n/a" : fmt(ms / n, 2));
  // A webhook burst's mean far above its median is a long tail (BENCHMARKS.md, the eighth round's slow mode).
  const tail = (l: Stats) => `${fmt(l.mean)} / ${fmt(l.p99)} / ${fmt(l.max)}`;
  const walKb = (bytes: number | null, n: number) => (bytes === null ? "n/a" : fmt(bytes / 1024 / Math.max(1, n), 1));
  const n = paused.events;
  const web = (c: CpuUsed | null) => c?.processes.web ?? null;
  const wrk = (c: CpuUsed | null) => c?.processes.worker ?? null;
  const bench = (c: CpuUsed | null) => c?.processes.bench ?? null;
  const pgOf = (c: CpuUsed | null, app: string) => (c?.postgres == null ? null : (c.postgresBy[app] ?? 0));
  const sum = (...xs: (number | null)[]) => (xs.some((x) => x === null) ? null : xs.reduce<number>((a, b) => a + b!, 0));
  const endToEndPg = sum(pgOf(paused.cpu, "bench-web"), pgOf(pausedDrain.cpu, "bench-worker"));
  const allDone = pausedDrain.jobsLeft === 0 && runningDrain.jobsLeft === 0;
  return [
    `Last run: ${date} UTC, ${config.phase === "all" ? "same server and run as the scale benchmark below (its machine notes apply)" : `\`--phase webhooks\` (no page measurements), load average ${load.map((l) => l.toFixed(1)).join(" / ")} before the run`}. Production layout: the compiled web server (\`build/server.js\`, \`WORKER_IN_PROCESS=false\`) and the job worker (\`build/worker.js\`) in two processes, as \`npm start\` runs them. Postgres: ${buffersNote}.`,
    "",
    "| what | req/s | p50 ms | p95 ms | mean / p99 / max ms | server p95 ms (sequential) | req/s vs /ping |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| /ping (baseline) | ${fmt(baseline.rps, 0)} | ${fmt(baseline.client.p50)} | ${fmt(baseline.client.p95)} | n/a | ${fmt(baseline.serverSequential.p95)} | 1.00 |`,
    `| pay page, signed link, no cookie (a repeat view: the kept page) | ${fmt(pay.rps, 0)} | ${fmt(pay.client.p50)} | ${fmt(pay.client.p95)} | n/a | ${fmt(pay.serverSequential.p95)} | ${fmt(pay.rps / baseline.rps, 2)} |`,
    `| pay page, rendered (${payRendered.target.paths?.length ?? 1} links in turn) | ${fmt(payRendered.rps, 0)} | ${fmt(payRendered.client.p50)} | ${fmt(payRendered.client.p95)} | n/a | ${fmt(payRendered.serverSequential.p95)} | ${fmt(payRendered.rps / baseline.rps, 2)} |`,
    `| Stripe webhook, distinct payments (worker paused) | ${fmt(paused.rate, 0)} | ${fmt(paused.latency.p50)} | ${fmt(paused.latency.p95)} | ${tail(paused.latency)} | n/a | ${fmt(paused.rate / baseline.rps, 2)} |`,
    `| Stripe webhook, distinct payments (worker running) | ${fmt(running.rate, 0)} | ${fmt(running.latency.p50)} | ${fmt(running.latency.p95)} | ${tail(running.latency)} | n/a | ${fmt(running.rate / baseline.rps, 2)} |`,
    "",
    "| payments | per second | vs pg loop | web CPU ms each | worker CPU ms each | Postgres CPU ms each | the bench's own CPU ms each (client, sender) | WAL KB each |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| pg payment-transaction loop (before / after; mean) | ${loops.map((l) => fmt(l.tps, 0)).join(" / ")}; ${fmt(pgTps, 0)} | 1.00 | n/a | n/a | ${loops.map((l) => (l.postgresCpuMs === null ? "n/a" : fmt(l.postgresCpuMs, 2))).join(" / ")} | ${loops.map((l) => (l.benchCpuMs === null ? "n/a" : fmt(l.benchCpuMs, 2))).join(" / ")} | ${loops.map((l) => walKb(l.walBytes, l.transactions)).join(" / ")} |`,
    `| webhook answers, worker paused | ${fmt(paused.rate, 0)} | **${fmt(ratio, 2)}** | ${each(web(paused.cpu), n)} | (paused) | ${each(pgOf(paused.cpu, "bench-web"), n)} | ${each(bench(paused.cpu), n)} | ${walKb(paused.walBytes, n)} |`,
    `| their jobs, the worker alone afterwards (${fmt(pausedDrain.seconds, 1)} s) | ${fmt(n / pausedDrain.seconds, 0)} | n/a | ${each(web(pausedDrain.cpu), n)} | ${each(wrk(pausedDrain.cpu), n)} | ${each(pgOf(pausedDrain.cpu, "bench-worker"), n)} | n/a | n/a |`,
    `| webhook answers, worker running (CPU: the burst and the drain after it, ${fmt(runningDrain.seconds, 1)} s) | ${fmt(running.rate, 0)} | ${fmt(runningRatio, 2)} | ${each(sum(web(running.cpu), web(runningDrain.cpu)), running.events)} | ${each(sum(wrk(running.cpu), wrk(runningDrain.cpu)), running.events)} | ${each(sum(running.cpu?.postgres ?? null, runningDrain.cpu?.postgres ?? null), running.events)} | ${each(bench(running.cpu), running.events)} | n/a |`,
    "",
    `Target (issue 17: distinct webhooks at least ${WEBHOOK_TARGET_RATIO * 100} % of the pg loop's TPS in the same run, judged on the answers with the worker paused): ${ratio >= WEBHOOK_TARGET_RATIO ? "met" : "missed"} (${fmt(ratio * 100, 0)} %; ${fmt(runningRatio * 100, 0)} % with the worker running beside the web process on the same cores).`,
    "",
    `- Pay page: autocannon with ${config.connections} connections for ${config.duration} s, as a customer (no session cookie), gzip. A repeat view of one link is the page kept by the web process (decision 028: one indexed read of the invoice's fingerprint, no render); "rendered" goes through ${payRendered.target.paths?.length ?? 1} links in turn, more than the cache keeps, so every view is rendered (with the fingerprint read before and after the loader's reads). CPU per request (web / Postgres, ms): /ping ${cpuPair(baseline)}, repeat view ${cpuPair(pay)}, rendered ${cpuPair(payRendered)}.`,
    `- pg loop: ${config.connections} connections of node-postgres for ${config.duration} s each time: BEGIN; SELECT ... FOR UPDATE of the invoice row; INSERT the payment; UPDATE the invoice; COMMIT (the statements a payment needs, with none of the application around them), each transaction on an invoice of its own, drawn in a random order from all but the webhooks' invoices${loops.some((l) => l.repeats > 0) ? ` (it ran out: ${loops.map((l) => l.repeats).join(" / ")} transactions paid an invoice a second time)` : ""}. ` +
      `Each loop and each burst starts right after a CHECKPOINT, so all of them write the pages they change first into the WAL (full-page images; WAL KB each is the cluster's WAL written during the measurement over its transactions); until the eighth round the loop paid 1,000 invoices over and over, and after its first pass its pages were in the WAL already.`,
    `- Webhooks: twice ${n} signed \`checkout.session.completed\` events (as Stripe sends them: the PaymentIntent by id), each for its own invoice, ${config.connections} in flight (signed and written out as HTTP requests before the burst, sent by autocannon on kept-alive connections, each connection its own share once: the bench's own CPU has its column); ` +
      `each verifies the signature, locks the invoice row and records the payment with a follow-up marker (decision 024: no job and no NOTIFY in the payment's transaction; the web process wakes one coalescing \`payment-follow-ups\` job when none is waiting), and the job reads the card's brand and last four from the Stripe fake and queues the receipt and the paid notice (each an email job). ` +
      `First with the worker process paused (SIGSTOP), so the answers are measured alone, then the worker resumed and timed until the queue was empty; then with the worker running throughout. ` +
      `${paused.failures + running.failures} non-200 answers; afterwards the database held ${runningDrain.payments} Stripe payments, ${runningDrain.detailed} with the card's details, and ${runningDrain.receipts} receipts (customers without an email get none)${allDone ? "" : `, **with ${runningDrain.jobsLeft} jobs still queued after 180 s**`}.`,
    `- Postgres CPU per payment end to end (answer + its jobs, worker paused then alone): ${endToEndPg === null ? "n/a" : fmt(endToEndPg / n, 2)} ms, against ${loops.map((l) => (l.postgresCpuMs === null ? "n/a" : fmt(l.postgresCpuMs, 2))).join(" / ")} ms per pg-loop transaction. CPU from /proc; Postgres CPU by the backends' application_name (bench-web, bench-worker).`,
  ].join("\n");
}

// ---- JavaScript per page

type PageScripts = { files: number; gzipBytes: number; brotliBytes: number; inlineGzipBytes: number };
/** What Chromium fetched: the bodies' bytes as received, and the encodings they came in. */
type LoadedScripts = { files: number; bytes: number; encoding: string };

/**
 * The JavaScript a browser loads for a page: every <script src> and <link rel="modulepreload">, counted as
 * the server sends each to a browser that takes gzip but not brotli (the build's zopfli copies, decision 026)
 * and to one that takes brotli, plus the inline scripts (Remix's context and route manifest), gzipped,
 * reported apart. Code a later navigation would import is not counted.
 */
async function javascriptOnPage(server: TestServer, target: Target, cookie: string): Promise<PageScripts> {
  const headers = { ...BROWSER_HEADERS, cookie: target.anonymous ? "" : cookie };
  const html = await (await fetch(`${server.url}${target.path}`, { headers })).text();
  const urls = new Set<string>();
  for (const [, src] of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) urls.add(src);
  for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (href && /\brel="modulepreload"/.test(tag)) urls.add(href);
  }
  let gzipBytes = 0;
  let brotliBytes = 0;
  for (const url of urls) {
    const src = new URL(url.replaceAll("&amp;", "&"), server.url);
    gzipBytes += (await rawGet(src, { "accept-encoding": "gzip" })).body.byteLength;
    brotliBytes += (await rawGet(src, { "accept-encoding": "gzip, deflate, br" })).body.byteLength;
  }
  const inline = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join("");
  return { files: urls.size, gzipBytes, brotliBytes, inlineGzipBytes: inline ? gzipSync(Buffer.from(inline)).byteLength : 0 };
}

/**
 * What a browser really loads for a page before anyone taps anything: Chromium opens the page, waits until
 * the network has been idle for half a second (hydration done, every chunk the page imports as it hydrates
 * fetched), and every script it fetched is counted as it came over the wire (Chromium's own Accept-Encoding).
 * Chunks a page imports only on a tap (a dialog's code, say) are not in it; chunks it imports while hydrating are.
 */
async function javascriptInBrowser(server: TestServer, targets: Target[], cookie: string): Promise<Map<string, LoadedScripts>> {
  const found = await ensureBrowser(systemProbes(log, ROOT));
  if (!found.ok) throw new Error(found.message);
  const { chromium } = await import("@playwright/test");
  const browser = await chromium.launch({
    executablePath: found.path,
    args: CHROMIUM_ARGS,
  });
  const result = new Map<string, LoadedScripts>();
  try {
    for (const target of targets) {
      const context = await browser.newContext({ userAgent: BROWSER_HEADERS["user-agent"] });
      const [name, ...value] = cookie.split(";")[0].split("=");
      if (!target.anonymous && name) await context.addCookies([{ name, value: value.join("="), url: server.url }]);
      const page = await context.newPage();
      const scripts: Promise<{ bytes: number; encoding: string }>[] = [];
      page.on("response", (response) => {
        if (response.request().resourceType() !== "script") return;
        // The body's bytes as they came over the wire, in the encoding Chromium asked for and got.
        const encoding = response.headers()["content-encoding"] ?? "identity";
        scripts.push(
          response
            .request()
            .sizes()
            .then((sizes) => ({ bytes: sizes.responseBodySize, encoding })),
        );
      });
      await page.goto(`${server.url}${target.path}`, { waitUntil: "networkidle" });
      const bodies = await Promise.all(scripts);
      const bytes = bodies.reduce((sum, body) => sum + body.bytes, 0);
      const encoding = [...new Set(bodies.map((body) => body.encoding))].join("+");
      result.set(target.name, { files: bodies.length, bytes, encoding });
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return result;
}

function pagesReport(measurements: Measurement[], scripts: Map<string, PageScripts>, loaded: Map<string, LoadedScripts>, load: number[]) {
  const baseline = measurements.find((m) => m.target.kind === "baseline")!;
  const date = new Date().toISOString().replace("T", " ").slice(0, 16);
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  const rows = measurements.map((m) => {
    const js = scripts.get(m.target.name);
    const inBrowser = loaded.get(m.target.name);
    return (
      `| ${m.target.name} | ${fmt(m.rps / baseline.rps, 2)} | ${m.cpu ? fmt(m.cpu.server, 2) : "n/a"} | ${m.cpu?.postgres != null ? fmt(m.cpu.postgres, 2) : "n/a"} | ` +
      `${js ? js.files : "n/a"} | ${js ? `${kb(js.gzipBytes)} / ${kb(js.brotliBytes)}` : "n/a"} | ${inBrowser ? `${inBrowser.files} / ${kb(inBrowser.bytes)} ${inBrowser.encoding}` : "n/a"} | ${js ? kb(js.inlineGzipBytes) : "n/a"} |`
    );
  });
  return [
    `Last run: ${date} UTC, same server and run as the scale benchmark (load average ${load.map((l) => l.toFixed(1)).join(" / ")} before it; on a busy machine compare the ratios and CPU per request, not the times).`,
    "",
    "| page | req/s vs /ping | Node CPU ms/req | Postgres CPU ms/req | JS files | JS KB as sent: gzip / brotli | loaded in Chromium: files / KB as received, encoding | inline script gzipped KB |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
    '- JS: every `<script src>` and `<link rel="modulepreload">` of the page as the server renders it, each counted as the server sends it to a browser that takes gzip only (the build\'s zopfli copies) and to one that takes brotli (quality 11 copies; decision 026); inline scripts (Remix\'s context) apart, gzipped. "Loaded in Chromium": every script the browser fetched by the time the page was hydrated and the network idle for 0.5 s, with no tap (chunks a page imports while it hydrates count; a dialog loaded on a tap does not), as received, in the encoding Chromium asked for. The JavaScript targets are judged on the gzip count (the largest a browser gets) and the Chromium count. Targets (issue 17): contractor pages at most 90 KB, login and dashboard at most 60 KB, customer pages 0.',
  ].join("\n");
}

// ---- memory under mixed load

/** Resident set size of a process in MB, from /proc; null where there is no /proc. */
function rssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

// The web process writes its process.memoryUsage() here every second (scripts/lib/memory-probe.mjs), so the
// report can say how much of the RSS is the V8 heap. --heap-snapshots DIR: heap snapshots of the web process
// at the start and the end of the phase (on SIGUSR2), to compare in Chrome DevTools' Memory tab; writing one
// inflates the RSS, so read the RSS from a run without them.
const MEMORY_FILE = path.join(OUT, "web-memory.json");
function memoryProbeArgs(): string[] {
  const dir = opts["heap-snapshots"] ? path.resolve(opts["heap-snapshots"]) : null;
  if (dir) mkdirSync(dir, { recursive: true });
  return [
    "--import",
    pathToFileURL(path.join(ROOT, "scripts/lib/memory-probe.mjs")).href,
    ...(dir ? ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${dir}`] : []),
  ];
}

/** The web process's flags and environment, as the report states them. */
function webSetup() {
  const flags = opts["web-flags"] === undefined ? WEB_NODE_FLAGS.join(" ") : opts["web-flags"];
  const env =
    opts["web-env"] === undefined
      ? Object.entries(WEB_ENV)
          .map(([k, v]) => `${k}=${v}`)
          .join(" ")
      : opts["web-env"];
  return ` Web process: flags \`${flags || "none"}\`, environment \`${env || "none"}\`${opts["web-flags"] === undefined && opts["web-env"] === undefined ? " (npm start's)" : ""}.`;
}

type HeapUsage = { heapUsed: number; heapTotal: number; external: number; arrayBuffers: number; rss: number; gcMs: number; gcCount: number };
function heapMb(): HeapUsage | null {
  try {
    const usage = JSON.parse(readFileSync(MEMORY_FILE, "utf8")) as HeapUsage;
    const mb = (n: number) => n / 1024 / 1024;
    return {
      ...usage,
      heapUsed: mb(usage.heapUsed),
      heapTotal: mb(usage.heapTotal),
      external: mb(usage.external),
      arrayBuffers: mb(usage.arrayBuffers),
      rss: mb(usage.rss),
    };
  } catch {
    return null;
  }
}

/** A heap snapshot of the web process (--heap-snapshots); Node writes it synchronously, so wait until the file stops growing. */
async function heapSnapshot(server: TestServer) {
  const dir = opts["heap-snapshots"];
  if (!dir || !server.child.pid) return;
  const before = new Set(readdirSync(dir));
  server.child.kill("SIGUSR2");
  for (let size = -1; ;) {
    await new Promise((r) => setTimeout(r, 1000));
    const file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith(".heapsnapshot"));
    if (!file) continue;
    const now = statSync(path.join(dir, file)).size;
    if (now > 0 && now === size) return log(`heap snapshot ${path.join(dir, file)}`);
    size = now;
  }
}

type MemorySample = { at: number; mb: number; heap: HeapUsage | null };
type MemoryResult = {
  minutes: number;
  requests: number;
  non2xx: number;
  samples: MemorySample[];
  worker: { start: number | null; end: number | null };
};

/** Every target at once (autocannon cycles through them on each connection) for `minutes`, sampling RSS every 5 s. */
async function memoryPhase(server: TestServer, worker: WorkerProcess, targets: Target[], cookie: string, minutes: number): Promise<MemoryResult> {
  const samples: MemorySample[] = [];
  const workerStart = rssMb(worker.child.pid);
  await heapSnapshot(server);
  const started = performance.now();
  const sample = () => {
    const mb = rssMb(server.child.pid);
    if (mb !== null) samples.push({ at: (performance.now() - started) / 1000, mb, heap: heapMb() });
  };
  sample();
  const timer = setInterval(sample, 5_000);
  const result = await new Promise<autocannon.Result>((resolve, reject) =>
    autocannon(
      {
        url: server.url,
        connections: config.connections,
        duration: Math.round(minutes * 60),
        requests: targets.map((t) => ({ method: "GET" as const, path: t.path, headers: { ...BROWSER_HEADERS, cookie: t.anonymous ? "" : cookie } })),
      },
      (error, r) => (error ? reject(error) : resolve(r)),
    ),
  );
  clearInterval(timer);
  sample();
  // Ten quiet seconds: what a render's timers and the allocator hand back once the load stops.
  await new Promise((r) => setTimeout(r, 10_000));
  sample();
  await heapSnapshot(server);
  return { minutes, requests: result.requests.total, non2xx: result.non2xx, samples, worker: { start: workerStart, end: rssMb(worker.child.pid) } };
}

function memoryReport(memory: MemoryResult, load: number[]) {
  // The last sample is the one after ten quiet seconds; the target is judged on the samples under load.
  const samples = memory.samples.slice(0, -1);
  const quiet = memory.samples.at(-1);
  const end = samples.at(-1)?.at ?? 0;
  // "Not growing over the last 5 minutes": the last minute's average is within 5 MB of the average of
  // the minute that window starts with (on shorter runs, the second half of the run).
  const window = Math.min(300, end / 2);
  const from = end - window;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const span = Math.min(60, window / 2);
  const first = samples.filter((s) => s.at >= from && s.at <= from + span);
  const last = samples.filter((s) => s.at >= end - span);
  const startMean = mean(first.map((s) => s.mb));
  const endMean = mean(last.map((s) => s.mb));
  const peak = Math.max(...samples.map((s) => s.mb));
  const growth = endMean - startMean;
  const heapOf = (xs: MemorySample[]) => mean(xs.map((s) => s.heap?.heapUsed ?? NaN));
  const heapGrowth = heapOf(last) - heapOf(first);
  const heapPeak = Math.max(...samples.flatMap((s) => (s.heap ? [s.heap.heapUsed] : [])));
  // The first sample is taken before the load and the one before the quiet seconds right after it.
  const gcMs = (samples.at(-1)?.heap?.gcMs ?? NaN) - (samples[0]?.heap?.gcMs ?? NaN);
  const gcCount = (samples.at(-1)?.heap?.gcCount ?? NaN) - (samples[0]?.heap?.gcCount ?? NaN);
  const full = memory.minutes >= 10;
  const verdict =
    peak <= MEMORY_LIMIT_MB && growth <= 5
      ? `met${full ? "" : ` for this ${memory.minutes}-minute run (the target is judged on 10 minutes)`}`
      : `missed (${peak > MEMORY_LIMIT_MB ? `peak ${fmt(peak, 0)} MB over ${MEMORY_LIMIT_MB} MB` : ""}${peak > MEMORY_LIMIT_MB && growth > 5 ? ", " : ""}${growth > 5 ? `grew ${fmt(growth, 1)} MB` : ""})`;
  const date = new Date().toISOString().replace("T", " ").slice(0, 16);
  const everyMinute = samples.filter((s, i) => i === 0 || i === samples.length - 1 || Math.floor(s.at / 60) !== Math.floor(samples[i - 1].at / 60));
  const heapLine = (h: HeapUsage | null | undefined) =>
    h
      ? `heap used ${fmt(h.heapUsed, 0)} of ${fmt(h.heapTotal, 0)} MB, external ${fmt(h.external, 0)} MB (array buffers ${fmt(h.arrayBuffers, 0)})`
      : "heap not read";
  return [
    `Last run: ${date} UTC, ${memory.minutes} minutes of every page at once (${config.connections} connections), load average ${load.map((l) => l.toFixed(1)).join(" / ")} before the benchmark.${webSetup()}`,
    "",
    `- ${memory.requests.toLocaleString("en-US")} requests, ${memory.non2xx} non-2xx; RSS of the web process sampled every 5 s. Production layout: the compiled \`build/server.js\` with \`WORKER_IN_PROCESS=false\`, the job worker in its own process (\`build/worker.js\`: ${fmt(memory.worker.start ?? NaN, 0)} MB at the start, ${fmt(memory.worker.end ?? NaN, 0)} MB at the end; not part of the target)`,
    `- RSS: start ${fmt(samples[0]?.mb ?? NaN, 0)} MB, peak ${fmt(peak, 0)} MB, end ${fmt(samples.at(-1)?.mb ?? NaN, 0)} MB, ${fmt(quiet?.mb ?? NaN, 0)} MB after ten quiet seconds; over the last ${fmt(window / 60, 1)} minutes ${growth >= 0 ? "+" : ""}${fmt(growth, 1)} MB (first minute's average against the last minute's)`,
    `- V8 heap (process.memoryUsage()): start ${heapLine(samples[0]?.heap)}; end ${heapLine(samples.at(-1)?.heap)}; after ten quiet seconds ${heapLine(quiet?.heap)}; heap used peak ${fmt(heapPeak, 0)} MB, over the last ${fmt(window / 60, 1)} minutes ${heapGrowth >= 0 ? "+" : ""}${fmt(heapGrowth, 1)} MB`,
    `- Garbage collection in the web process during the load: ${fmt(gcMs, 0)} ms in ${gcCount} pauses, ${fmt(gcMs / Math.max(1, memory.requests), 2)} ms per request (V8's pause times, from perf_hooks)`,
    `- RSS by minute (MB): ${everyMinute.map((s) => fmt(s.mb, 0)).join(", ")}`,
    `- Heap used by minute (MB): ${everyMinute.map((s) => fmt(s.heap?.heapUsed ?? NaN, 0)).join(", ")}`,
    `- Target (at most ${MEMORY_LIMIT_MB} MB and not growing over the last 5 minutes of 10): ${verdict}.`,
  ].join("\n");
}

// ---- sizes per row, for "Scale on paper"

type TableSize = { table: string; rows: number; totalBytes: number; indexBytes: number };

async function tableSizes(databaseUrl: string): Promise<TableSize[]> {
  // Exact counts for the seeded tables (reltuples can lag right after a bulk load).
  const tables = await queryRows<{ table: string; total: string; indexes: string }>(
    databaseUrl,
    `SELECT c.relname AS table, pg_total_relation_size(c.oid)::text AS total, pg_indexes_size(c.oid)::text AS indexes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 8`,
  );
  const out: TableSize[] = [];
  for (const t of tables) {
    const [{ n }] = await queryRows<{ n: number }>(databaseUrl, `SELECT count(*)::int AS n FROM "${t.table.replaceAll('"', '""')}"`);
    out.push({ table: t.table, rows: n, totalBytes: Number(t.total), indexBytes: Number(t.indexes) });
  }
  return out;
}

function sizesReport(sizes: TableSize[]) {
  const date = new Date().toISOString().replace("T", " ").slice(0, 16);
  return [
    `Measured: ${date} UTC on the seeded database (pg_total_relation_size: heap, TOAST and indexes; pg_indexes_size: indexes).`,
    "",
    "| table | rows | total MB | index MB | bytes/row (all) | index bytes/row |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...sizes.map(
      (s) =>
        `| ${s.table} | ${s.rows.toLocaleString("en-US")} | ${fmt(s.totalBytes / 2 ** 20, 1)} | ${fmt(s.indexBytes / 2 ** 20, 1)} | ` +
        `${s.rows ? Math.round(s.totalBytes / s.rows) : "n/a"} | ${s.rows ? Math.round(s.indexBytes / s.rows) : "n/a"} |`,
    ),
  ].join("\n");
}

const started = Date.now();
const load = os.loadavg();
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const postgres = await resolveBenchPostgres(log);
const dbName = `invoice_link_bench_${process.pid}`;
let server: TestServer | undefined;
let worker: WorkerProcess | undefined;
let fakeStripe: FakeStripe | undefined;
let exitCode = 0;
try {
  log(`Postgres: ${new URL(postgres.url).host}${postgres.embedded ? " (embedded)" : ""}`);
  await createTemplate(postgres.url);
  const databaseUrl = await cloneTemplate(postgres.url, dbName);
  log(`database ${dbName}; building the app and seeding ${config.invoices} invoices`);
  // The build is CPU work and the seed mostly Postgres work: run them side by side.
  const [seed] = await Promise.all([
    seedScale({ databaseUrl, customers: config.customers, invoices: config.invoices, log: (l) => log(`seed: ${l}`) }),
    build(),
  ]);
  log(`seeded in ${seed.seconds.toFixed(1)} s; login ${seed.email} / ${seed.password}`);

  const info = await (async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const version = (await client.query<{ v: string }>("SELECT split_part(version(), ' on ', 1) AS v")).rows[0].v;
      const size = (await client.query<{ s: string }>("SELECT pg_size_pretty(pg_database_size(current_database())) AS s")).rows[0].s;
      const buffers = (
        await client.query<{ setting: string; fits: boolean }>(
          "SELECT current_setting('shared_buffers') AS setting, pg_database_size(current_database()) <= (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'shared_buffers') AS fits",
        )
      ).rows[0];
      return { version, size, buffersNote: bufferNote(buffers.setting, size, buffers.fits) };
    } finally {
      await client.end();
    }
  })();

  // The Stripe fake stands in for Stripe's API (the webhook handler reads the PaymentIntent back).
  const stripeKeys = { secretKey: `sk_test_${randomBytes(12).toString("hex")}`, webhookSecret: `whsec_${randomBytes(24).toString("hex")}` };
  fakeStripe = await startFakeStripe(stripeKeys);
  const payLinkSecret = randomBytes(32).toString("base64url");
  // The production layout (npm start, scripts/start.ts): the compiled web server without a worker, and the
  // compiled worker in its own process. Each names its connections, so Postgres CPU is told apart per process.
  const named = (name: string) => {
    const url = new URL(databaseUrl);
    url.searchParams.set("application_name", name);
    return url.toString();
  };
  const appEnv = {
    BUILD_DIR,
    LOG_LEVEL: "info",
    PAY_LINK_SECRET: payLinkSecret,
    STRIPE_SECRET_KEY: stripeKeys.secretKey,
    STRIPE_WEBHOOK_SECRET: stripeKeys.webhookSecret,
    STRIPE_API_URL: fakeStripe.url,
    WORKER_IN_PROCESS: "false",
  };
  // startServer runs build/server.js from the BUILD_DIR of this process (tests/helpers/production-server.ts).
  process.env.BUILD_DIR = BUILD_DIR;
  // --cpu-prof DIR: a V8 CPU profile of the web process (written when it stops), for `node --cpu-prof`'s viewers.
  const nodeArgs = opts["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(opts["cpu-prof"])}`] : [];
  // The web process's flags and environment as npm start sets them (scripts/lib/web-process.ts).
  // --web-flags "..." / --web-env "NAME=value ...": others instead, to compare ("" for none).
  const webFlags = opts["web-flags"] === undefined ? WEB_NODE_FLAGS : opts["web-flags"].split(/\s+/).filter(Boolean);
  const webEnv =
    opts["web-env"] === undefined
      ? WEB_ENV
      : Object.fromEntries(
          opts["web-env"]
            .split(/\s+/)
            .filter(Boolean)
            .map((kv) => kv.split("=", 2)),
        );
  nodeArgs.push(...webFlags, ...memoryProbeArgs());
  server = await startServer({
    env: { ...appEnv, ...webEnv, DATABASE_URL: named("bench-web"), BENCH_MEMORY_FILE: MEMORY_FILE },
    nodeArgs,
    outputTail: 200_000,
  });
  const workerEnv = Object.fromEntries(
    Object.entries(productionEnv(server.port, { ...appEnv, DATABASE_URL: named("bench-worker") })).filter(([, v]) => v !== undefined),
  ) as NodeJS.ProcessEnv;
  worker = await startWorkerProcess(workerEnv);
  const times = new ServerTimes(server);
  const meter = CpuMeter.create(server.child.pid, postgres.url, dbName);
  meter?.track("worker", worker.child.pid);
  // The bench's own process: the pg loop's client and the webhooks' sender share the 2 cores with the app.
  meter?.track("bench", process.pid);
  const cookie = await login(server, seed.email, seed.password);
  log(`server on ${server.url}, signed in`);

  const rowsExpected = (body: string) => (body.includes('data-testid="invoice-row"') ? null : "no invoice rows on the page");
  const common = encodeURIComponent(seed.commonCustomerPrefix || "a");
  const typical = encodeURIComponent(seed.typicalCustomerPrefix || "a");
  const targets: Target[] = [
    { name: "baseline", path: "/ping", kind: "baseline", expect: (b) => (b === "ok" ? null : "body is not ok") },
    { name: "dashboard", path: "/dashboard", kind: "page", expect: (b) => (b.includes('data-testid="outstanding"') ? null : "no dashboard figures") },
    { name: "list: overdue", path: "/invoices?status=OVERDUE", kind: "page", expect: rowsExpected },
    { name: "list: paid + common name", path: `/invoices?status=PAID&q=${common}`, kind: "page", expect: rowsExpected },
    { name: "list: paid + typical name", path: `/invoices?status=PAID&q=${typical}`, kind: "page", expect: rowsExpected },
    { name: "list: deep page", path: `/invoices?before=${Math.max(2, Math.floor(config.invoices / 2))}`, kind: "page", expect: rowsExpected },
  ];
  // The targets above ask for one URL over and over: after the first view, the page kept by the web process
  // (decision 029) while the business's data is unchanged. These two render every view: 2,000 URLs in turn
  // (a query the loaders ignore), twice what the page cache keeps, with the fingerprint read before and after.
  const rotating = (path: string) => Array.from({ length: 2000 }, (_, i) => `${path}${path.includes("?") ? "&" : "?"}view=${i}`);
  targets.push(
    {
      name: "dashboard, rendered (a different URL each request)",
      path: "/dashboard?view=0",
      paths: rotating("/dashboard"),
      logPath: /^\/dashboard\?view=\d+$/,
      kind: "page",
      expect: (b) => (b.includes('data-testid="outstanding"') ? null : "no dashboard figures"),
    },
    {
      name: "list: overdue, rendered (a different URL each request)",
      path: "/invoices?status=OVERDUE&view=0",
      paths: rotating("/invoices?status=OVERDUE"),
      logPath: /^\/invoices\?status=OVERDUE&view=\d+$/,
      kind: "page",
      expect: rowsExpected,
    },
  );
  const openInvoices = await queryRows<{ id: string; businessId: string; balance: number }>(
    databaseUrl,
    `SELECT id, "businessId", "totalCents" - "amountPaidCents" AS balance FROM "Invoice"
      WHERE status IN ('SENT', 'VIEWED') AND "totalCents" > "amountPaidCents" ORDER BY number LIMIT $1`,
    // Two bursts of --webhooks each (worker paused, worker running), and one for the pay page.
    [2 * config.webhooks + 1],
  );
  if (!openInvoices.length) throw new Error("the seed has no open invoices to pay");
  const payInvoice = openInvoices[0];
  const day = Math.floor(Date.now() / 86_400_000);
  const sign = (kind: string, id: string) => createHmac("sha256", payLinkSecret).update(`${kind}:${id}:${day}`).digest("base64url").slice(0, 24);
  const signature = sign("pay", payInvoice.id);
  // The seed has no estimates: copy the pay page's invoice into a sent estimate for the estimate page.
  const estimateId = `bench_estimate_${process.pid}`;
  await queryRows(
    databaseUrl,
    `WITH e AS (
       INSERT INTO "Estimate" (id, "businessId", "customerId", number, status, currency, "issueDate", "validUntil", "subtotalCents", "discountCents", "taxCents", "totalCents", "sentAt", "updatedAt")
       SELECT $1, "businessId", "customerId", 1, 'SENT', currency, "issueDate", "dueDate", "subtotalCents", "discountCents", "taxCents", "totalCents", now(), now() FROM "Invoice" WHERE id = $2
       RETURNING id)
     INSERT INTO "EstimateLine" (id, "businessId", "estimateId", position, description, "quantityMilli", "unitPriceCents", "taxRate", "amountCents", "taxCents")
     SELECT $1 || '_' || l.position, l."businessId", $1, l.position, l.description, l."quantityMilli", l."unitPriceCents", l."taxRate", l."amountCents", l."taxCents"
       FROM "InvoiceLine" l, e WHERE l."invoiceId" = $2`,
    [estimateId, payInvoice.id],
  );
  targets.splice(1, 0, {
    name: "login",
    path: "/login",
    kind: "page",
    anonymous: true,
    expect: (b) => (b.includes('name="password"') ? null : "no password field"),
  });
  targets.push(
    { name: "invoice page", path: `/invoices/${payInvoice.id}`, kind: "page", expect: (b) => (b.includes(payInvoice.id) ? null : "not the invoice") },
    {
      name: "editor: new invoice",
      path: "/invoices/new",
      kind: "page",
      expect: (b) => (b.includes('name="intent"') || b.includes("<form") ? null : "no form"),
    },
  );
  targets.push({
    name: "pay page (customer, signed link)",
    path: `/pay/${payInvoice.id}?t=${signature}&d=${day}`,
    // pino logs the URL with the signature masked (app/utils/logger.server.ts).
    logPath: `/pay/${payInvoice.id}?t=%5BRedacted%5D&d=${day}`,
    kind: "page",
    anonymous: true,
    expect: (b) => (b.includes("Pay with card or bank") && !b.includes("<script") ? null : "no pay button, or a script on the page"),
  });
  // The pay page as each customer's first look at their link: 2,000 links in turn, twice what the page cache
  // keeps (MAX_PAGES in app/web/page-cache.server.ts), so no view finds its page kept and every one is rendered.
  // The first pass records each link's first view (a write) where it is still SENT; later passes within the
  // minute write nothing.
  const rotatingPay = await queryRows<{ id: string }>(
    databaseUrl,
    `SELECT id FROM "Invoice" WHERE status NOT IN ('DRAFT', 'VOID') AND id <> ALL($1) ORDER BY number DESC LIMIT 2000`,
    [openInvoices.map((i) => i.id)],
  );
  const payPaths = rotatingPay.map(({ id }) => `/pay/${id}?t=${sign("pay", id)}&d=${day}`);
  targets.push({
    name: "pay page, rendered (a different link each request)",
    path: payPaths[0],
    paths: payPaths,
    logPath: new RegExp(`^/pay/[^/?]+\\?t=%5BRedacted%5D&d=${day}$`),
    kind: "page",
    anonymous: true,
    // Paid and overdue invoices too (every link a customer may open), so not always a pay button.
    expect: (b) => (b.includes("Balance due") && !b.includes("<script") ? null : "no balance, or a script on the page"),
  });
  targets.push({
    name: "estimate page (customer, signed link)",
    path: `/estimate/${estimateId}?t=${sign("estimate", estimateId)}&d=${day}`,
    logPath: `/estimate/${estimateId}?t=%5BRedacted%5D&d=${day}`,
    kind: "page",
    anonymous: true,
    expect: (b) => (!b.includes("<script") ? null : "a script on the customer's page"),
  });
  const measurements: Measurement[] = [];
  // --phase webhooks: only what the payments section compares against (the baseline and the pay page).
  // --phase memory: nothing but the memory phase.
  const measured =
    config.phase === "webhooks" ? targets.filter((t) => t.kind === "baseline" || t.name.startsWith("pay page")) : config.phase === "memory" ? [] : targets;
  for (const target of measured) {
    log(`measuring ${target.name} (${target.path})`);
    measurements.push(await measure(server, times, meter, cookie, target));
  }
  const all = config.phase === "all";
  if (all) {
    const scripts = new Map<string, PageScripts>();
    for (const target of targets) if (target.kind === "page") scripts.set(target.name, await javascriptOnPage(server, target, cookie));
    const loaded = await javascriptInBrowser(
      server,
      targets.filter((t) => t.kind === "page"),
      cookie,
    );
    const pagesBody = pagesReport(measurements, scripts, loaded, load);
    if (!opts["no-write"]) writeSection(pagesBody, "pages", "Pages: CPU per request and JavaScript");
    console.log(`\n${pagesBody}\n`);

    const sizesBody = sizesReport(await tableSizes(databaseUrl));
    if (!opts["no-write"]) writeSection(sizesBody, "sizes", "Sizes per row (for Scale on paper)");
    console.log(`\n${sizesBody}\n`);
  }
  if ((all || config.phase === "memory") && config.memoryMinutes > 0) {
    log(`memory phase: ${config.memoryMinutes} minutes of mixed load`);
    const memoryBody = memoryReport(await memoryPhase(server, worker, targets, cookie, config.memoryMinutes), load);
    if (!opts["no-write"]) writeSection(memoryBody, "memory", "Memory under mixed load");
    console.log(`\n${memoryBody}\n`);
  }

  if (config.phase !== "memory") {
    const payResult = await paymentsPhase(server, worker, meter, fakeStripe, stripeKeys.webhookSecret, openInvoices.slice(1), databaseUrl);
    const payBody = paymentsReport(measurements, payResult, load, info.buffersNote);
    if (!opts["no-write"]) writeSection(payBody, "payments", "Payments: pay page and Stripe webhooks");
    console.log(`\n${payBody}\n`);
  }

  if (all) {
    const body = report(
      measurements.filter((m) => !m.target.anonymous),
      {
        seed,
        postgres: `${info.version}, ${info.buffersNote}`,
        dbSize: info.size,
        load,
        seconds: (Date.now() - started) / 1000,
      },
    );
    if (!opts["no-write"]) writeSection(body, "scale", "Scale: dashboard and invoice list");
    console.log(`\n${body}\n`);
  }
  if (!opts["no-write"]) log(`written to ${path.relative(process.cwd(), BENCHMARKS_FILE)}`);
  if (opts["keep-db"]) log(`kept database ${databaseUrl}`);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await worker?.stop();
  await server?.stop();
  await fakeStripe?.stop();
  if (!opts["keep-db"]) await dropDatabase(postgres.url, dbName).catch(() => {});
  await postgres.stop();
  rmSync(OUT, { recursive: true, force: true });
}
process.exit(exitCode);

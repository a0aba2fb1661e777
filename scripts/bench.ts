// npm run bench: the scale benchmark. Builds the app into its own folder, clones a fresh database
// from the migrated template, seeds one contractor with 100,000 invoices (scripts/seed-scale.ts),
// starts the production server (server.ts, NODE_ENV=production) on a loopback port, signs in once,
// then drives the dashboard, the invoice list and a customer's pay page with autocannon, and sends distinct
// Stripe payments as signed webhooks (the local Stripe fake stands in for the API). The machine is small and shared,
// so every result is also given as a ratio to a trivial route (/ping) measured in the same run;
// nothing here fails on a hard limit. The result replaces this benchmark's section of BENCHMARKS.md.
//
// Besides time and CPU per request, it reports the gzipped JavaScript each page makes the browser load,
// the table and index sizes per row that "Scale on paper" in BENCHMARKS.md is computed from, and, with
// --memory-minutes N, the server's RSS under N minutes of mixed load (the target: at most 200 MB and
// not growing over the last 5 minutes).
//
// Options: --invoices N --customers N (data size), --duration S --warmup S --connections N (load),
// --sequential N (one-at-a-time requests per target), --webhooks N, --memory-minutes N (0: no memory
// phase; 10 for the target), --keep-db, --no-write (leave BENCHMARKS.md alone), --phase webhooks (only
// /ping, the pay page and the payments phase, which writes only the payments section; pair it with a
// smaller --invoices, e.g. 20000, since the pages are not measured).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createHmac, randomBytes } from "node:crypto";
import autocannon from "autocannon";
import pg from "pg";
import { signStripePayload, startFakeStripe, stripeEvent, type FakeStripe } from "../tests/fakes/stripe";
import { startServer, type TestServer } from "../tests/helpers/production-server";
import { resolveBenchPostgres } from "./lib/database";
import { cloneTemplate, createTemplate, dropDatabase } from "./lib/test-database";
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
    webhooks: { type: "string", default: "2000" },
    "memory-minutes": { type: "string", default: "0" },
    phase: { type: "string", default: "all" },
    "keep-db": { type: "boolean", default: false },
    "no-write": { type: "boolean", default: false },
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
  phase: opts.phase === "webhooks" ? ("webhooks" as const) : ("all" as const),
};
if (opts.phase !== "all" && opts.phase !== "webhooks") throw new Error("--phase must be all or webhooks");
const MEMORY_LIMIT_MB = 200;
const log = (line: string) => console.log(`[bench] ${line}`);

/** `anonymous`: requested without the session cookie, as a customer opening a signed link would. */
type Target = { name: string; path: string; kind: "baseline" | "page"; anonymous?: boolean; logPath?: string; expect: (body: string) => string | null };
type Stats = { p50: number; p95: number; n: number };
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
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), n: sorted.length };
}

function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"], {
      cwd: ROOT,
      env: { ...process.env, BUILD_DIR, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`remix build failed:\n${output}`))));
  });
}

/** Reads pino's one-line-per-request logs from the server and keeps responseTime for the URL being measured. */
class ServerTimes {
  private buffer = "";
  private url: string | null = null;
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
          if (entry.req?.url === this.url && typeof entry.responseTime === "number") this.times.push(entry.responseTime);
        } catch {
          // Not a log line of ours.
        }
      }
    });
  }

  start(url: string) {
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
 * CPU time (user + system, from /proc) of the server process and of the Postgres backends serving its
 * database. On a shared machine wall-clock times swing with whatever else runs; CPU per request does not.
 */
class CpuMeter {
  private static readonly MS_PER_TICK = 10; // /proc reports in USER_HZ, which is 100 on Linux

  private constructor(
    private serverPid: number,
    private adminUrl: string | null,
    private dbName: string,
  ) {}

  static create(serverPid: number | undefined, adminUrl: string, dbName: string) {
    if (process.platform !== "linux" || !serverPid || CpuMeter.ticks(serverPid) === null) return null;
    // Backends can be read only when Postgres runs on this machine.
    const host = new URL(adminUrl).hostname;
    const local = host === "127.0.0.1" || host === "localhost" || host === "::1" || host === "[::1]";
    return new CpuMeter(serverPid, local ? adminUrl : null, dbName);
  }

  private static ticks(pid: number): number | null {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after "(comm)": state is field 3, utime field 14, stime field 15.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return null;
    }
  }

  async snapshot() {
    const server = CpuMeter.ticks(this.serverPid) ?? 0;
    const backends = new Map<number, number>();
    if (this.adminUrl) {
      const client = new pg.Client({ connectionString: this.adminUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [this.dbName]);
        for (const { pid } of rows) {
          const t = CpuMeter.ticks(pid);
          if (t !== null) backends.set(pid, t);
        }
      } finally {
        await client.end();
      }
    }
    return { server, backends };
  }

  /** Milliseconds of CPU between two snapshots; backends that closed in between are missed (undercount). */
  diff(before: Awaited<ReturnType<CpuMeter["snapshot"]>>, after: Awaited<ReturnType<CpuMeter["snapshot"]>>) {
    let postgres = 0;
    for (const [pid, t] of after.backends) postgres += t - (before.backends.get(pid) ?? 0);
    return {
      server: (after.server - before.server) * CpuMeter.MS_PER_TICK,
      postgres: this.adminUrl && after.backends.size ? postgres * CpuMeter.MS_PER_TICK : null,
    };
  }
}

function runAutocannon(url: string, cookie: string, seconds: number, onResponse?: (ms: number) => void) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: config.connections, duration: seconds, headers: { ...BROWSER_HEADERS, cookie } }, (error, result) =>
      error ? reject(error) : resolve(result),
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

  if (config.warmup > 0) await runAutocannon(url, cookie, config.warmup);
  await new Promise((r) => setTimeout(r, 300));

  // One request at a time: what a single person waits for when nothing else runs on the server.
  times.start(target.logPath ?? target.path);
  const clientSequential: number[] = [];
  for (let i = 0; i < config.sequential; i++) {
    const t0 = performance.now();
    const response = await fetch(url, { headers: { ...BROWSER_HEADERS, cookie }, redirect: "manual" });
    await response.arrayBuffer();
    clientSequential.push(performance.now() - t0);
  }
  const serverSequential = await times.stop();

  const latencies: number[] = [];
  times.start(target.logPath ?? target.path);
  const cpuBefore = await meter?.snapshot();
  const result = await runAutocannon(url, cookie, config.duration, (ms) => latencies.push(ms));
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

type WebhookResult = {
  events: number;
  seconds: number;
  latency: Stats;
  failures: number;
  payments: number;
  receipts: number;
  /** Payments with their card's brand and last four, and how long after the last answer the last one was filled in. */
  detailed: number;
  drainSeconds: number;
  /** CPU ms per webhook from the first request until the jobs were done (jobs included), or null without /proc. */
  cpu: { server: number; postgres: number | null } | null;
};

/**
 * Distinct payments arriving as signed checkout.session.completed webhooks, `connections` at a time,
 * each for its own invoice and PaymentIntent (registered in the fake, where the card's details are read
 * from). The events are what Stripe sends: the session names its PaymentIntent by id, nothing expanded.
 */
async function benchWebhooks(
  server: TestServer,
  meter: CpuMeter | null,
  fake: FakeStripe,
  secret: string,
  invoices: { id: string; businessId: string; balance: number }[],
  databaseUrl: string,
): Promise<WebhookResult> {
  const bodies = invoices.map((invoice, i) => {
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
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const cpuBefore = await meter?.snapshot();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: config.connections }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const t0 = performance.now();
        const response = await fetch(`${server.url}/webhooks/stripe`, {
          method: "POST",
          body,
          headers: { "Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signStripePayload(body, secret) },
        });
        const answer = await response.text();
        latencies.push(performance.now() - t0);
        if (response.status !== 200) {
          // A few of them in the log, to tell a timeout under load from a bug.
          if (failures++ < 3) log(`webhook answered ${response.status}: ${answer.slice(0, 200)}`);
        }
      }
    }),
  );
  const answered = performance.now();
  const seconds = (answered - started) / 1000;
  if (failures)
    for (const line of server
      .output()
      .split("\n")
      .filter((l) => l.includes('"level":50'))
      .slice(0, 3))
      log(`server error: ${line.slice(0, 500)}`);
  // Work the handler leaves to jobs (the card's details, the receipt) is not in the rate above: wait for
  // it (at most 120 s) and report how long it took, so moving work off the response path hides nothing.
  const counts = () =>
    queryRows<{ payments: number; receipts: number; detailed: number }>(
      databaseUrl,
      `SELECT (SELECT count(*)::int FROM "Payment" WHERE provider = 'stripe') AS payments,
              (SELECT count(*)::int FROM "Payment" WHERE provider = 'stripe' AND "cardLast4" IS NOT NULL) AS detailed,
              (SELECT count(*)::int FROM "EmailMessage" WHERE template = 'receipt') AS receipts`,
    ).then((rows) => rows[0]);
  let now = await counts();
  while (now.detailed < bodies.length && performance.now() - answered < 120_000) {
    await new Promise((r) => setTimeout(r, 250));
    now = await counts();
  }
  const drainSeconds = (performance.now() - answered) / 1000;
  const cpuAfter = await meter?.snapshot();
  const used = meter && cpuBefore && cpuAfter ? meter.diff(cpuBefore, cpuAfter) : null;
  const cpu = used ? { server: used.server / bodies.length, postgres: used.postgres === null ? null : used.postgres / bodies.length } : null;
  return { events: bodies.length, seconds, latency: stats(latencies), failures, ...now, drainSeconds, cpu };
}

type PgLoopResult = { transactions: number; seconds: number; tps: number; postgresCpuMs: number | null };

/**
 * The payment transaction's shape straight on pg, as pgbench would run it: lock an invoice row FOR
 * UPDATE, insert a payment, update the invoice, commit; `clients` connections for `seconds`, each on
 * random invoices from `invoices` (others than the webhooks pay). The ceiling the webhooks are judged against.
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
  const cpuBefore = await meter?.snapshot();
  const started = performance.now();
  const until = started + seconds * 1000;
  try {
    await Promise.all(
      connections.map(async (client) => {
        while (performance.now() < until) {
          const invoice = invoices[Math.floor(Math.random() * invoices.length)];
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
    const used = meter && cpuBefore && cpuAfter ? meter.diff(cpuBefore, cpuAfter).postgres : null;
    const elapsed = (performance.now() - started) / 1000;
    return { transactions, seconds: elapsed, tps: transactions / elapsed, postgresCpuMs: used === null ? null : used / Math.max(1, transactions) };
  } finally {
    await Promise.all(connections.map((c) => c.end()));
  }
}

/** The 25 % target of issue 17: distinct webhooks per second against the pg loop's transactions per second. */
const WEBHOOK_TARGET_RATIO = 0.25;

/** The pg loop, the webhooks, the pg loop again (load on a shared machine drifts; the two loops bracket the webhooks). */
async function paymentsPhase(
  server: TestServer,
  meter: CpuMeter | null,
  fake: FakeStripe,
  secret: string,
  invoices: { id: string; businessId: string; balance: number }[],
  databaseUrl: string,
  measurements: Measurement[],
  load: number[],
) {
  const taken = new Set(invoices.map((i) => i.id));
  const loopInvoices = (
    await queryRows<{ id: string; businessId: string }>(databaseUrl, `SELECT id, "businessId" FROM "Invoice" ORDER BY number DESC LIMIT $1`, [
      1000 + invoices.length,
    ])
  )
    .filter((i) => !taken.has(i.id))
    .slice(0, 1000);
  log(`pg payment-transaction loop: ${config.connections} clients for ${config.duration} s`);
  const before = await pgPaymentLoop(meter, databaseUrl, loopInvoices, config.duration, config.connections);
  log(`sending ${invoices.length} distinct Stripe payments as webhooks`);
  const webhooks = await benchWebhooks(server, meter, fake, secret, invoices, databaseUrl);
  log(`pg payment-transaction loop again`);
  const after = await pgPaymentLoop(meter, databaseUrl, loopInvoices, config.duration, config.connections);
  return paymentsReport(measurements, webhooks, [before, after], load);
}

function paymentsReport(measurements: Measurement[], webhooks: WebhookResult, loops: PgLoopResult[], load: number[]) {
  const baseline = measurements.find((m) => m.target.kind === "baseline")!;
  const pay = measurements.find((m) => m.target.name.startsWith("pay page"))!;
  const rate = webhooks.events / webhooks.seconds;
  const pgTps = loops.reduce((sum, l) => sum + l.tps, 0) / loops.length;
  const ratio = rate / pgTps;
  const date = new Date().toISOString().replace("T", " ").slice(0, 16);
  return [
    `Last run: ${date} UTC, ${config.phase === "all" ? "same server and run as the scale benchmark below (its machine notes apply)" : `\`--phase webhooks\` (no page measurements), load average ${load.map((l) => l.toFixed(1)).join(" / ")} before the run`}.`,
    "",
    "| what | req/s | p50 ms | p95 ms | server p95 ms (sequential) | req/s vs /ping |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    `| /ping (baseline) | ${fmt(baseline.rps, 0)} | ${fmt(baseline.client.p50)} | ${fmt(baseline.client.p95)} | ${fmt(baseline.serverSequential.p95)} | 1.00 |`,
    `| pay page, signed link, no cookie | ${fmt(pay.rps, 0)} | ${fmt(pay.client.p50)} | ${fmt(pay.client.p95)} | ${fmt(pay.serverSequential.p95)} | ${fmt(pay.rps / baseline.rps, 2)} |`,
    `| Stripe webhook, distinct payments | ${fmt(rate, 0)} | ${fmt(webhooks.latency.p50)} | ${fmt(webhooks.latency.p95)} | n/a | ${fmt(rate / baseline.rps, 2)} |`,
    "",
    "| payments | per second | ratio | Node CPU ms each | Postgres CPU ms each |",
    "| --- | ---: | ---: | ---: | ---: |",
    `| pg payment-transaction loop (before / after the webhooks; mean) | ${loops.map((l) => fmt(l.tps, 0)).join(" / ")}; ${fmt(pgTps, 0)} | 1.00 | n/a | ${loops.map((l) => (l.postgresCpuMs === null ? "n/a" : fmt(l.postgresCpuMs, 2))).join(" / ")} |`,
    `| distinct Stripe webhooks (CPU: until the jobs were done too) | ${fmt(rate, 0)} | ${fmt(ratio, 2)} | ${webhooks.cpu ? fmt(webhooks.cpu.server, 2) : "n/a"} | ${webhooks.cpu?.postgres != null ? fmt(webhooks.cpu.postgres, 2) : "n/a"} |`,
    "",
    `Target (issue 17: distinct webhooks at least ${WEBHOOK_TARGET_RATIO * 100} % of the pg loop's TPS in the same run): ${ratio >= WEBHOOK_TARGET_RATIO ? "met" : "missed"} (${fmt(ratio * 100, 0)} %).`,
    "",
    `- Pay page: autocannon with ${config.connections} connections for ${config.duration} s, as a customer (no session cookie), gzip.`,
    `- pg loop: ${config.connections} connections of node-postgres for ${config.duration} s each time, on 1,000 other invoices: BEGIN; SELECT ... FOR UPDATE of the invoice row; INSERT the payment; UPDATE the invoice; COMMIT (the statements a payment needs, with none of the application around them).`,
    `- Webhooks: ${webhooks.events} signed \`checkout.session.completed\` events (as Stripe sends them: the PaymentIntent by id) for ${webhooks.events} different invoices, ${config.connections} in flight; ` +
      `each verifies the signature, locks the invoice row, records the payment; the card's brand and last four are read from the Stripe fake ` +
      `and the receipt queued by a job. ${webhooks.failures} non-200 answers; afterwards the database held ${webhooks.payments} Stripe payments, ` +
      `${webhooks.detailed} with the card's details, and ${webhooks.receipts} receipts (customers without an email get none), ` +
      `all there ${fmt(webhooks.drainSeconds, 1)} s after the last answer.`,
  ].join("\n");
}

// ---- JavaScript per page

type PageScripts = { files: number; gzipBytes: number; inlineGzipBytes: number };

/**
 * The JavaScript a browser loads for a page: every <script src> and <link rel="modulepreload">, each
 * gzipped as the server sends it (compression's default level), plus the inline scripts (Remix's
 * context and route manifest), reported apart. Code a later navigation would import is not counted.
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
  for (const url of urls) {
    const body = Buffer.from(await (await fetch(new URL(url.replaceAll("&amp;", "&"), server.url))).arrayBuffer());
    gzipBytes += gzipSync(body).byteLength;
  }
  const inline = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join("");
  return { files: urls.size, gzipBytes, inlineGzipBytes: inline ? gzipSync(Buffer.from(inline)).byteLength : 0 };
}

function pagesReport(measurements: Measurement[], scripts: Map<string, PageScripts>, load: number[]) {
  const baseline = measurements.find((m) => m.target.kind === "baseline")!;
  const date = new Date().toISOString().replace("T", " ").slice(0, 16);
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  const rows = measurements.map((m) => {
    const js = scripts.get(m.target.name);
    return (
      `| ${m.target.name} | ${fmt(m.rps / baseline.rps, 2)} | ${m.cpu ? fmt(m.cpu.server, 2) : "n/a"} | ${m.cpu?.postgres != null ? fmt(m.cpu.postgres, 2) : "n/a"} | ` +
      `${js ? js.files : "n/a"} | ${js ? kb(js.gzipBytes) : "n/a"} | ${js ? kb(js.inlineGzipBytes) : "n/a"} |`
    );
  });
  return [
    `Last run: ${date} UTC, same server and run as the scale benchmark (load average ${load.map((l) => l.toFixed(1)).join(" / ")} before it; on a busy machine compare the ratios and CPU per request, not the times).`,
    "",
    "| page | req/s vs /ping | Node CPU ms/req | Postgres CPU ms/req | JS files | JS gzipped KB | inline script gzipped KB |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
    '- JS: every `<script src>` and `<link rel="modulepreload">` of the page as the server renders it, each gzipped at the level the server uses; inline scripts (Remix\'s context) apart. Targets (issue 17): contractor pages at most 90 KB, login and dashboard at most 60 KB, customer pages 0.',
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

type MemoryResult = { minutes: number; requests: number; non2xx: number; samples: { at: number; mb: number }[] };

/** Every target at once (autocannon cycles through them on each connection) for `minutes`, sampling RSS every 5 s. */
async function memoryPhase(server: TestServer, targets: Target[], cookie: string, minutes: number): Promise<MemoryResult> {
  const samples: { at: number; mb: number }[] = [];
  const started = performance.now();
  const sample = () => {
    const mb = rssMb(server.child.pid);
    if (mb !== null) samples.push({ at: (performance.now() - started) / 1000, mb });
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
  return { minutes, requests: result.requests.total, non2xx: result.non2xx, samples };
}

function memoryReport(memory: MemoryResult, load: number[]) {
  const { samples } = memory;
  const end = samples.at(-1)?.at ?? 0;
  // "Not growing over the last 5 minutes": the last minute's average is within 5 MB of the average of
  // the minute that window starts with (on shorter runs, the second half of the run).
  const window = Math.min(300, end / 2);
  const from = end - window;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const span = Math.min(60, window / 2);
  const startMean = mean(samples.filter((s) => s.at >= from && s.at <= from + span).map((s) => s.mb));
  const endMean = mean(samples.filter((s) => s.at >= end - span).map((s) => s.mb));
  const peak = Math.max(...samples.map((s) => s.mb));
  const growth = endMean - startMean;
  const full = memory.minutes >= 10;
  const verdict =
    peak <= MEMORY_LIMIT_MB && growth <= 5
      ? `met${full ? "" : ` for this ${memory.minutes}-minute run (the target is judged on 10 minutes)`}`
      : `missed (${peak > MEMORY_LIMIT_MB ? `peak ${fmt(peak, 0)} MB over ${MEMORY_LIMIT_MB} MB` : ""}${peak > MEMORY_LIMIT_MB && growth > 5 ? ", " : ""}${growth > 5 ? `grew ${fmt(growth, 1)} MB` : ""})`;
  const date = new Date().toISOString().replace("T", " ").slice(0, 16);
  const everyMinute = samples.filter((s, i) => i === 0 || i === samples.length - 1 || Math.floor(s.at / 60) !== Math.floor(samples[i - 1].at / 60));
  return [
    `Last run: ${date} UTC, ${memory.minutes} minutes of every page at once (${config.connections} connections), load average ${load.map((l) => l.toFixed(1)).join(" / ")} before the benchmark.`,
    "",
    `- ${memory.requests.toLocaleString("en-US")} requests, ${memory.non2xx} non-2xx; RSS of the web process (its job worker runs inside it) sampled every 5 s`,
    `- RSS: start ${fmt(samples[0]?.mb ?? NaN, 0)} MB, peak ${fmt(peak, 0)} MB, end ${fmt(samples.at(-1)?.mb ?? NaN, 0)} MB; over the last ${fmt(window / 60, 1)} minutes ${growth >= 0 ? "+" : ""}${fmt(growth, 1)} MB (first minute's average against the last minute's)`,
    `- RSS by minute (MB): ${everyMinute.map((s) => fmt(s.mb, 0)).join(", ")}`,
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
      return { version, size };
    } finally {
      await client.end();
    }
  })();

  // The Stripe fake stands in for Stripe's API (the webhook handler reads the PaymentIntent back).
  const stripeKeys = { secretKey: `sk_test_${randomBytes(12).toString("hex")}`, webhookSecret: `whsec_${randomBytes(24).toString("hex")}` };
  fakeStripe = await startFakeStripe(stripeKeys);
  const payLinkSecret = randomBytes(32).toString("base64url");
  server = await startServer({
    env: {
      DATABASE_URL: databaseUrl,
      BUILD_DIR,
      LOG_LEVEL: "info",
      PAY_LINK_SECRET: payLinkSecret,
      STRIPE_SECRET_KEY: stripeKeys.secretKey,
      STRIPE_WEBHOOK_SECRET: stripeKeys.webhookSecret,
      STRIPE_API_URL: fakeStripe.url,
    },
  });
  const times = new ServerTimes(server);
  const meter = CpuMeter.create(server.child.pid, postgres.url, dbName);
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
  const openInvoices = await queryRows<{ id: string; businessId: string; balance: number }>(
    databaseUrl,
    `SELECT id, "businessId", "totalCents" - "amountPaidCents" AS balance FROM "Invoice"
      WHERE status IN ('SENT', 'VIEWED') AND "totalCents" > "amountPaidCents" ORDER BY number LIMIT $1`,
    [config.webhooks + 1],
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
  const measured = config.phase === "webhooks" ? targets.filter((t) => t.kind === "baseline" || t.name.startsWith("pay page")) : targets;
  for (const target of measured) {
    log(`measuring ${target.name} (${target.path})`);
    measurements.push(await measure(server, times, meter, cookie, target));
  }
  const all = config.phase === "all";
  if (all) {
    const scripts = new Map<string, PageScripts>();
    for (const target of targets) if (target.kind === "page") scripts.set(target.name, await javascriptOnPage(server, target, cookie));
    const pagesBody = pagesReport(measurements, scripts, load);
    if (!opts["no-write"]) writeSection(pagesBody, "pages", "Pages: CPU per request and JavaScript");
    console.log(`\n${pagesBody}\n`);

    const sizesBody = sizesReport(await tableSizes(databaseUrl));
    if (!opts["no-write"]) writeSection(sizesBody, "sizes", "Sizes per row (for Scale on paper)");
    console.log(`\n${sizesBody}\n`);

    if (config.memoryMinutes > 0) {
      log(`memory phase: ${config.memoryMinutes} minutes of mixed load`);
      const memoryBody = memoryReport(await memoryPhase(server, targets, cookie, config.memoryMinutes), load);
      if (!opts["no-write"]) writeSection(memoryBody, "memory", "Memory under mixed load");
      console.log(`\n${memoryBody}\n`);
    }
  }

  const payBody = await paymentsPhase(server, meter, fakeStripe, stripeKeys.webhookSecret, openInvoices.slice(1), databaseUrl, measurements, load);
  if (!opts["no-write"]) writeSection(payBody, "payments", "Payments: pay page and Stripe webhooks");
  console.log(`\n${payBody}\n`);

  if (all) {
    const body = report(
      measurements.filter((m) => !m.target.anonymous),
      {
        seed,
        postgres: info.version,
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
  await server?.stop();
  await fakeStripe?.stop();
  if (!opts["keep-db"]) await dropDatabase(postgres.url, dbName).catch(() => {});
  await postgres.stop();
  rmSync(OUT, { recursive: true, force: true });
}
process.exit(exitCode);

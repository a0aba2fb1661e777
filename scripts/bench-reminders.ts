// npm run bench (second part): overdue reminders at scale. Clones a fresh database, writes 1,000
// businesses with 100 overdue invoices each (100,000), starts two standalone workers (`jobs/run.ts`,
// 10 jobs at a time each) that send through the local Postmark fake, adds one overdue-reminders job,
// and measures the time to queue every reminder and to send them all. The baseline, measured in the
// same run, is the Postmark SDK sending straight to the same fake with the same total concurrency, one
// message per call (the target's ratio is against it); a second baseline sends the SDK's batches of 500
// the same way, the ceiling of what the wire allows, so the report shows what the queue (rows, jobs,
// retry bookkeeping) costs on top of the HTTP calls either way.
// Options: --invoices N --businesses N --workers N --concurrency N --baseline N --baseline-batch N --no-write.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { ServerClient } from "postmark";
import { startFakePostmark } from "../tests/fakes/postmark";
import { resolveBenchPostgres } from "./lib/database";
import { cloneTemplate, createTemplate, dropDatabase } from "./lib/test-database";

const ROOT = path.resolve(import.meta.dirname, "..");
const BENCHMARKS_FILE = path.join(ROOT, "BENCHMARKS.md");
const { values: opts } = parseArgs({
  options: {
    invoices: { type: "string", default: "100000" },
    businesses: { type: "string", default: "1000" },
    workers: { type: "string", default: "2" },
    concurrency: { type: "string", default: "10" },
    baseline: { type: "string", default: "3000" },
    "baseline-batch": { type: "string", default: "20000" },
    "no-write": { type: "boolean", default: false },
  },
});
const n = (v: string | boolean | undefined) => Number(String(v).replaceAll("_", ""));
const config = {
  invoices: n(opts.invoices),
  businesses: n(opts.businesses),
  workers: n(opts.workers),
  concurrency: n(opts.concurrency),
  baseline: n(opts.baseline),
  baselineBatch: n(opts["baseline-batch"]),
};
const log = (line: string) => console.log(`[bench:reminders] ${line}`);
const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : "n/a");

async function seed(client: pg.Client) {
  const perBusiness = Math.ceil(config.invoices / config.businesses);
  await client.query(`INSERT INTO "Business" (id, name, "updatedAt") SELECT 'bench-b' || g, 'Bench Plumbing ' || g, now() FROM generate_series(1, $1) g`, [
    config.businesses,
  ]);
  await client.query(
    `INSERT INTO "Customer" (id, "businessId", name, email, "updatedAt")
     SELECT 'bench-c' || g, 'bench-b' || g, 'Customer ' || g, 'customer' || g || '@example.com', now() FROM generate_series(1, $1) g`,
    [config.businesses],
  );
  // 10 days past due with the default stages 1, 7, 14: each invoice is due exactly one reminder (stage 7).
  await client.query(
    `INSERT INTO "Invoice" (id, "businessId", "customerId", number, status, currency, "issueDate", "dueDate",
                            "subtotalCents", "discountCents", "taxCents", "totalCents", "sentAt", "updatedAt")
     SELECT 'bench-i' || g, 'bench-b' || ((g - 1) / $2 + 1), 'bench-c' || ((g - 1) / $2 + 1), g, 'SENT', 'USD',
            current_date - 40, current_date - 10, 12500, 0, 0, 12500, now() - interval '40 days', now()
       FROM generate_series(1, $1) g`,
    [config.invoices, perBusiness],
  );
  await client.query(`VACUUM (ANALYZE) "Invoice"`);
}

function startWorkerProcess(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "jobs/run.ts")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 60_000);
    child.stdout!.on("data", (d) => {
      output += d;
      if (output.includes("worker started")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on("data", (d) => (output += d));
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
}

async function waitFor(client: pg.Client, sql: string, target: number, timeoutMs: number) {
  const started = Date.now();
  for (;;) {
    const { rows } = await client.query<{ n: number }>(sql);
    if (rows[0].n >= target) return Date.now();
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${target} (${rows[0].n}): ${sql}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The same fake, the same SDK, no queue: what raw sending costs on this machine right now. */
async function baseline(host: string, token: string, total: number, concurrency: number) {
  const client = new ServerClient(token, { useHttps: false, requestHost: host, timeout: 10 });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        await client.sendEmail({
          From: "bench@example.com",
          To: `baseline${i}@example.com`,
          Subject: "Baseline",
          TextBody: "Baseline message",
          MessageStream: "outbound",
        });
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

/** The same, in batches of 500 per call (POST /email/batch), as many calls in flight. */
async function batchBaseline(host: string, token: string, total: number, concurrency: number) {
  const client = new ServerClient(token, { useHttps: false, requestHost: host, timeout: 30 });
  const calls = Math.ceil(total / 500);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, calls) }, async () => {
      while (next < calls) {
        const call = next++;
        const size = Math.min(500, total - call * 500);
        const answers = await client.sendEmailBatch(
          Array.from({ length: size }, (_, i) => ({
            From: "bench@example.com",
            To: `batch${call * 500 + i}@example.com`,
            Subject: "Baseline",
            TextBody: "Baseline message",
            MessageStream: "outbound",
            Metadata: { messageId: `b${call}-${i}` },
          })),
        );
        if (answers.some((a) => a.ErrorCode !== 0)) throw new Error("batch baseline: the fake refused a message");
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

function writeSection(body: string) {
  const begin = "<!-- bench:reminders:begin (written by scripts/bench-reminders.ts) -->";
  const end = "<!-- bench:reminders:end -->";
  const section = `${begin}\n${body}\n${end}`;
  const current = existsSync(BENCHMARKS_FILE) ? readFileSync(BENCHMARKS_FILE, "utf8") : "# Benchmarks\n";
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  writeFileSync(
    BENCHMARKS_FILE,
    from !== -1 && to > from
      ? `${current.slice(0, from)}${section}${current.slice(to + end.length)}`
      : `${current.trimEnd()}\n\n## Overdue reminders at scale\n\n${section}\n`,
  );
}

const load = os.loadavg();
const postgres = await resolveBenchPostgres(log);
const dbName = `invoice_link_bench_reminders_${process.pid}`;
const token = `bench-${randomBytes(8).toString("hex")}`;
const fake = await startFakePostmark({ serverToken: token });
const workers: ChildProcess[] = [];
let exitCode = 0;
try {
  await createTemplate(postgres.url);
  const databaseUrl = await cloneTemplate(postgres.url, dbName);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const seedStart = Date.now();
  await seed(client);
  log(`seeded ${config.invoices} overdue invoices across ${config.businesses} businesses in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

  const baselineRate = await baseline(fake.host, token, config.baseline, config.workers * config.concurrency);
  log(`baseline: ${fmt(baselineRate, 0)} emails/s straight through the SDK`);
  fake.reset();
  const batchRate = await batchBaseline(fake.host, token, config.baselineBatch, config.workers * config.concurrency);
  log(`batch baseline: ${fmt(batchRate, 0)} emails/s through the SDK's sendEmailBatch (500 a call)`);
  fake.reset();

  const secret = () => randomBytes(32).toString("base64url");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    APP_URL: "https://app.example.com",
    SESSION_SECRET: secret(),
    PAY_LINK_SECRET: secret(),
    JWT_SECRET: secret(),
    SECURITY_CONTACT: "mailto:security@invoice-link-bench.dev",
    POSTMARK_SERVER_TOKEN: token,
    POSTMARK_API_URL: fake.url,
    POSTMARK_WEBHOOK_USER: "postmark",
    POSTMARK_WEBHOOK_PASSWORD: secret(),
    EMAIL_TRANSPORT: "postmark",
    WORKER_CONCURRENCY: String(config.concurrency),
    LOG_LEVEL: "warn",
  };
  for (let i = 0; i < config.workers; i++) workers.push(await startWorkerProcess(env));
  log(`${config.workers} workers started, ${config.concurrency} jobs at a time each`);

  const t0 = Date.now();
  await client.query(`SELECT graphile_worker.add_job('overdue-reminders', json_build_object('now', now()))`);
  const queuedAt = await waitFor(client, `SELECT count(*)::int AS n FROM "EmailMessage" WHERE template = 'overdue-reminder'`, config.invoices, 30 * 60_000);
  log(`queued ${config.invoices} reminders in ${((queuedAt - t0) / 1000).toFixed(1)} s`);
  const sentAt = await waitFor(
    client,
    `SELECT count(*)::int AS n FROM "EmailMessage" WHERE template = 'overdue-reminder' AND status = 'SENT'`,
    config.invoices,
    60 * 60_000,
  );
  const { rows } = await client.query<{ messages: number; distinct_invoices: number; failed: number; retried: number; max_attempts: number }>(
    `SELECT count(*)::int AS messages, count(DISTINCT "invoiceId")::int AS distinct_invoices,
            count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
            count(*) FILTER (WHERE attempts > 1)::int AS retried, max(attempts)::int AS max_attempts
       FROM "EmailMessage" WHERE template = 'overdue-reminder'`,
  );
  // Which messages Postmark (the fake) got more than once, and how many attempts the app made for them.
  const seen = new Map<string, number>();
  for (const sent of fake.sent) {
    const id = (sent.body as { Metadata?: { messageId?: string } }).Metadata?.messageId ?? "";
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  const twice = [...seen].filter(([, count]) => count > 1).map(([id]) => id);
  const batchCalls = fake.calls.filter((c) => c.path === "/email/batch").length;
  const singleCalls = fake.calls.filter((c) => c.path === "/email").length;
  const twiceAttempts = twice.length
    ? (await client.query<{ attempts: number }>(`SELECT attempts FROM "EmailMessage" WHERE id = ANY($1)`, [twice])).rows.map((r) => r.attempts)
    : [];
  await client.end();
  const total = (sentAt - t0) / 1000;
  const rate = config.invoices / total;
  const body = [
    `Last run: ${new Date().toISOString().replace("T", " ").slice(0, 16)} UTC on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, load average ${load.map((l) => l.toFixed(1)).join(" / ")} before the run.`,
    "",
    `- Data: ${config.invoices.toLocaleString("en-US")} invoices 10 days past due across ${config.businesses.toLocaleString("en-US")} businesses (one customer with an email each), default stages 1, 7, 14.`,
    `- Workers: ${config.workers} standalone \`jobs/run.ts\` processes, ${config.concurrency} jobs at a time each, sending through the Postmark SDK to the local fake ` +
      `(${batchCalls.toLocaleString("en-US")} batch calls, ${singleCalls.toLocaleString("en-US")} single sends).`,
    `- Target: ${config.invoices.toLocaleString("en-US")} reminders queued and sent in at most 120 s, at least 0.50 × the one-per-call baseline: ` +
      `${total <= 120 && rate / baselineRate >= 0.5 ? "met" : "missed"} (${fmt(total)} s, ${fmt(rate / baselineRate, 2)} ×).`,
    "",
    "| what | seconds | emails/s | vs baseline | vs batch baseline |",
    "| --- | ---: | ---: | ---: | ---: |",
    `| baseline: SDK straight to the fake, one message per call, ${config.workers * config.concurrency} at a time (${config.baseline.toLocaleString("en-US")} emails) | ${fmt(config.baseline / baselineRate)} | ${fmt(baselineRate, 0)} | 1.00 | ${fmt(baselineRate / batchRate, 2)} |`,
    `| batch baseline: SDK sendEmailBatch, 500 per call, ${config.workers * config.concurrency} calls at a time (${config.baselineBatch.toLocaleString("en-US")} emails) | ${fmt(config.baselineBatch / batchRate)} | ${fmt(batchRate, 0)} | ${fmt(batchRate / baselineRate, 2)} | 1.00 |`,
    `| queue every reminder (one overdue-reminders job fanning out queue-reminders jobs) | ${fmt((queuedAt - t0) / 1000)} | ${fmt(config.invoices / ((queuedAt - t0) / 1000), 0)} | n/a | n/a |`,
    `| queue and send all (until every message is SENT) | ${fmt(total)} | ${fmt(rate, 0)} | ${fmt(rate / baselineRate, 2)} | ${fmt(rate / batchRate, 2)} |`,
    "",
    `Check: ${rows[0].messages.toLocaleString("en-US")} reminder rows for ${rows[0].distinct_invoices.toLocaleString("en-US")} distinct invoices, ${rows[0].failed} failed; ` +
      `${rows[0].retried} needed more than one attempt (at most ${rows[0].max_attempts}); the fake accepted ${fake.sent.length.toLocaleString("en-US")} sends ` +
      `(${fake.sent.length - rows[0].messages} more than messages; a retry looks each message up in Postmark by its Metadata.messageId before sending it again, ` +
      `docs/decisions/007; ${fake.searches.length.toLocaleString("en-US")} searches were made). ` +
      (twice.length ? `Messages received twice: ${twice.length}, with ${twiceAttempts.join(", ")} attempts recorded.` : "No message was received twice."),
  ].join("\n");
  console.log(`\n${body}\n`);
  if (!opts["no-write"]) writeSection(body);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  for (const w of workers) w.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 1_000));
  for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
  await fake.stop();
  await dropDatabase(postgres.url, dbName).catch(() => {});
  await postgres.stop();
}
process.exit(exitCode);

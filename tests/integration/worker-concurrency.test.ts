// Standalone workers (`node --import tsx jobs/run.ts`, as `npm run worker` runs them) on one real
// database: two workers racing the overdue-reminders job over 1,000 overdue invoices send exactly one
// reminder per invoice; a worker SIGKILLed in the middle of the run leaves nothing lost and nothing
// doubled once a fresh worker takes over (its heartbeat check releases the dead worker's jobs).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { prisma } from "~/utils/db.server";
import { createAccount } from "../helpers/accounts";
import { strongSecret } from "../helpers/production-server";

vi.setConfig({ testTimeout: 300_000, hookTimeout: 180_000 });

const ROOT = path.resolve(import.meta.dirname, "../..");
const DAY_MS = 86_400_000;
const INVOICES = 1_000;
const BUSINESSES = 10;
const log = (line: string) => console.log(`[worker-concurrency] ${line}`);

type WorkerChild = { name: string; child: ChildProcess; output: () => string; started: Promise<void>; stop: () => Promise<void> };
const children: WorkerChild[] = [];

// The same secrets for every worker (they sign the pay links in the reminders).
const secrets = {
  SESSION_SECRET: strongSecret(),
  PAY_LINK_SECRET: strongSecret(),
  JWT_SECRET: strongSecret(),
  SECURITY_CONTACT: "mailto:security@invoice-link-tests.dev",
};

function spawnWorker(name: string): WorkerChild {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    DATABASE_URL: process.env.DATABASE_URL,
    APP_URL: "http://127.0.0.1:9",
    ...secrets,
    EMAIL_TRANSPORT: "outbox",
    LOG_LEVEL: "warn",
    WORKER_CONCURRENCY: "4",
    // Several processes share the test Postgres (max_connections 100): keep each worker's Prisma pool small.
    DATABASE_POOL_SIZE: "5",
  } as NodeJS.ProcessEnv;
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "jobs/run.ts")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${name} did not start in 90 s:\n${output}`)), 90_000);
    child.stdout!.on("data", () => {
      if (output.includes("Invoice Link worker started")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker ${name} exited (${code ?? signal}) before starting:\n${output}`));
    });
  });
  started.catch(() => {});
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    });
  const handle = { name, child, output: () => output, started, stop };
  children.push(handle);
  return handle;
}

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await prisma.$disconnect();
});

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const utcDay = (offsetDays: number) => new Date(`${isoDay(new Date(Date.now() + offsetDays * DAY_MS))}T00:00:00Z`);

/** `businesses` businesses with 10 customers each and `invoices` SENT invoices in total, due 10 days ago. */
async function seedOverdue(tag: string, businesses = BUSINESSES, invoices = INVOICES) {
  const started = Date.now();
  const perBusiness = invoices / businesses;
  const businessIds: string[] = [];
  for (let b = 0; b < businesses; b++) {
    const { business } = await createAccount({ businessName: `${tag} Roofing ${b} ${randomBytes(2).toString("hex")}` });
    businessIds.push(business.id);
    const customers = await prisma.customer.createManyAndReturn({
      data: Array.from({ length: 10 }, (_, i) => ({
        businessId: business.id,
        name: `${tag} Customer ${b}-${i}`,
        email: `${tag.toLowerCase()}-${b}-${i}-${randomBytes(3).toString("hex")}@example.com`,
      })),
      select: { id: true },
    });
    await prisma.invoice.createMany({
      data: Array.from({ length: perBusiness }, (_, i) => ({
        businessId: business.id,
        customerId: customers[i % customers.length].id,
        number: i + 1,
        status: "SENT" as const,
        currency: "USD",
        issueDate: utcDay(-24),
        dueDate: utcDay(-10),
        subtotalCents: 10_000 + i,
        discountCents: 0,
        taxCents: 0,
        totalCents: 10_000 + i,
        sentAt: new Date(Date.now() - 20 * DAY_MS),
      })),
    });
    await prisma.business.update({ where: { id: business.id }, data: { nextInvoiceNumber: perBusiness + 1 } });
  }
  log(`${tag}: seeded ${invoices} overdue invoices in ${businesses} businesses in ${Date.now() - started} ms`);
  return businessIds;
}

async function jobCount() {
  const [row] = await prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker.jobs`;
  return row.n;
}

async function addReminderJobs(count: number) {
  await prisma.$executeRaw`
    SELECT graphile_worker.add_job('overdue-reminders', json_build_object('now', ${new Date().toISOString()}::text))
      FROM generate_series(1, ${count}::int)`;
}

async function messageStats(businessIds: string[]) {
  const [row] = await prisma.$queryRaw<{ total: number; sent: number; queued: number; invoices: number; keys: number }[]>`
    SELECT count(*)::int AS total,
           count(*) FILTER (WHERE status = 'SENT')::int AS sent,
           count(*) FILTER (WHERE status = 'QUEUED')::int AS queued,
           count(DISTINCT "invoiceId")::int AS invoices,
           count(DISTINCT "dedupeKey")::int AS keys
      FROM "EmailMessage" WHERE "businessId" = ANY(${businessIds}::text[])`;
  return row;
}

/** Waits until every job has run and no message of these businesses is still queued. */
async function settle(businessIds: string[], timeout: number) {
  const left = setTimeout(async () => {
    const jobs = await prisma.$queryRaw<
      unknown[]
    >`SELECT task_identifier, key, attempts, max_attempts, last_error, locked_by, run_at FROM graphile_worker.jobs`;
    log(`jobs left near the deadline: ${JSON.stringify(jobs)}`);
  }, timeout - 5_000);
  try {
    await settleWithin(businessIds, timeout);
  } finally {
    clearTimeout(left);
  }
}

async function settleWithin(businessIds: string[], timeout: number) {
  await vi.waitFor(
    async () => {
      const [jobs, stats] = await Promise.all([jobCount(), messageStats(businessIds)]);
      expect(jobs).toBe(0);
      expect(stats.total).toBeGreaterThan(0);
      expect(stats.queued).toBe(0);
    },
    { timeout, interval: 500 },
  );
}

/** One overdue-reminder email per invoice, stage 7, all SENT; one activity event per invoice. */
async function expectOneReminderPerInvoice(businessIds: string[]) {
  const invoices = await prisma.invoice.findMany({
    where: { businessId: { in: businessIds } },
    select: { id: true, lastReminderStage: true, lastReminderAt: true },
  });
  expect(invoices).toHaveLength(INVOICES);
  const messages = await prisma.emailMessage.findMany({
    where: { businessId: { in: businessIds } },
    select: { invoiceId: true, template: true, status: true, dedupeKey: true, transport: true, textBody: true },
  });
  expect(messages).toHaveLength(INVOICES);
  expect(new Set(messages.map((m) => m.invoiceId)).size).toBe(INVOICES);
  expect(new Set(messages.map((m) => m.dedupeKey)).size).toBe(INVOICES);
  for (const m of messages) {
    expect(m.template).toBe("overdue-reminder");
    expect(m.status).toBe("SENT");
    expect(m.transport).toBe("dev-outbox");
    expect(m.dedupeKey).toBe(`reminder:${m.invoiceId}:7`);
  }
  expect(new Set(messages.map((m) => m.invoiceId))).toEqual(new Set(invoices.map((i) => i.id)));
  expect(invoices.every((i) => i.lastReminderStage === 7 && i.lastReminderAt !== null)).toBe(true);
  // The outbox keeps bodies; the reminder names the days overdue and carries a pay link.
  expect(messages[0].textBody).toMatch(/http:\/\/127\.0\.0\.1:9\/pay\//);
  const events = await prisma.activityEvent.count({ where: { businessId: { in: businessIds }, type: "invoice.reminder" } });
  expect(events).toBe(INVOICES);
}

describe("two standalone workers, one database", () => {
  it("race the overdue-reminders job over 1,000 invoices: exactly one reminder per invoice", async () => {
    const businessIds = await seedOverdue("Race");
    const bootStart = Date.now();
    const a = spawnWorker("A");
    const b = spawnWorker("B");
    await Promise.all([a.started, b.started]);
    log(`two workers started in ${Date.now() - bootStart} ms`);

    const t0 = Date.now();
    await addReminderJobs(4);
    await settle(businessIds, 180_000);
    log(`4 concurrent overdue-reminders jobs + 1,000 send-email jobs settled in ${Date.now() - t0} ms`);
    await expectOneReminderPerInvoice(businessIds);

    // Both processes are alive and took part (each heartbeat row belongs to a live worker pid).
    const beats = await prisma.workerHeartbeat.findMany({ select: { pid: true } });
    expect(new Set(beats.map((h) => h.pid))).toEqual(new Set([a.child.pid, b.child.pid]));

    // Once more: nothing new to send.
    const before = await messageStats(businessIds);
    const t1 = Date.now();
    await addReminderJobs(1);
    await vi.waitFor(async () => expect(await jobCount()).toBe(0), { timeout: 60_000, interval: 250 });
    log(`a repeat run finished in ${Date.now() - t1} ms`);
    expect(await messageStats(businessIds)).toEqual(before);
    await expectOneReminderPerInvoice(businessIds);

    // The error lines themselves, so a failure says what went wrong.
    expect((a.output() + b.output()).split("\n").filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
    const stopStart = Date.now();
    await Promise.all([a.stop(), b.stop()]);
    log(`both workers stopped (SIGTERM) in ${Date.now() - stopStart} ms: exit ${a.child.exitCode}/${b.child.exitCode}`);
    expect(a.child.exitCode).toBe(0);
    expect(b.child.exitCode).toBe(0);
    // A clean stop removes the heartbeats.
    expect(await prisma.workerHeartbeat.count({ where: { pid: { in: [a.child.pid!, b.child.pid!] } } })).toBe(0);
  });

  it("a worker SIGKILLed mid-run: a fresh worker finishes, nothing lost, nothing doubled", async () => {
    const businessIds = await seedOverdue("Crash");
    const c = spawnWorker("C");
    await c.started;

    const t0 = Date.now();
    await addReminderJobs(1);
    // Kill as soon as the first reminders are committed (batch 1 of 2 is 500 rows), mid-run.
    let atKill = await messageStats(businessIds);
    await vi.waitFor(
      async () => {
        atKill = await messageStats(businessIds);
        expect(atKill.total).toBeGreaterThan(0);
      },
      { timeout: 60_000, interval: 10 },
    );
    c.child.kill("SIGKILL");
    await new Promise<void>((resolve) => (c.child.exitCode !== null || c.child.signalCode !== null ? resolve() : c.child.once("exit", () => resolve())));
    const killedAt = Date.now();
    const afterKill = await messageStats(businessIds);
    const [locked] = await prisma.$queryRaw<{ n: number; tasks: string[] | null }[]>`
      SELECT count(*)::int AS n, array_agg(DISTINCT task_identifier) AS tasks FROM graphile_worker.jobs WHERE locked_by IS NOT NULL`;
    log(
      `killed worker C ${killedAt - t0} ms after the job was added: at the kill poll ${atKill.total} rows / ${atKill.sent} sent; ` +
        `after it ${afterKill.total} rows / ${afterKill.sent} sent; ${locked.n} jobs left locked by it (${(locked.tasks ?? []).join(", ")})`,
    );
    // It really died mid-way: work was left undone.
    expect(afterKill.sent).toBeLessThan(INVOICES);
    expect(afterKill.total).toBeLessThanOrEqual(INVOICES);

    const d = spawnWorker("D");
    await d.started;
    log(`fresh worker D started ${Date.now() - killedAt} ms after the kill`);
    await addReminderJobs(1);
    await settle(businessIds, 150_000);
    const settledIn = Date.now() - killedAt;
    log(`everything settled ${settledIn} ms after the kill`);
    expect(settledIn).toBeLessThan(150_000);
    await expectOneReminderPerInvoice(businessIds);
    const final = await messageStats(businessIds);
    expect(final).toMatchObject({ total: INVOICES, sent: INVOICES, queued: 0, invoices: INVOICES, keys: INVOICES });

    if (locked.n > 0) {
      // The dead worker's locked jobs came back through the heartbeat check, not graphile-worker's 4 hours.
      expect(d.output()).toMatch(/released jobs of workers that stopped without finishing them/);
      expect(settledIn).toBeGreaterThanOrEqual(15_000);
    }
    expect(await prisma.workerHeartbeat.count({ where: { pid: d.child.pid! } })).toBeGreaterThan(0);
  });
});

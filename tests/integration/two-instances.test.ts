// Two production web processes on one database, each with its in-process job worker (the horizontal
// scaling story): the login rate limit is one budget across both, a session made on one instance works
// on the other and logging out on either ends it on both, and a scheduled job started on both workers
// at once takes effect exactly once (one reminder per overdue invoice).
//
// tests/integration/rate-limit.test.ts ("holds the limit across two server processes") already covers
// failed-login bursts split across two processes; here the attempts are successful logins. Standalone
// workers racing the same job over 1,000 invoices, and a worker killed mid-run, are in
// tests/integration/worker-concurrency.test.ts.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "~/utils/db.server";
import { createAccount } from "../helpers/accounts";
import { Browser } from "../helpers/browser";
import { startServer, strongSecret, type TestServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

const DAY_MS = 86_400_000;
const LOGIN_LIMIT = 10;

let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  // One deployment: the same secrets and database, two processes, two workers (WORKER_IN_PROCESS).
  const shared = {
    SESSION_SECRET: strongSecret(),
    PAY_LINK_SECRET: strongSecret(),
    JWT_SECRET: strongSecret(),
    WORKER_IN_PROCESS: "true",
    WORKER_CONCURRENCY: "2",
    DATABASE_POOL_SIZE: "5",
    LOG_LEVEL: "info",
  };
  [a, b] = await Promise.all([startServer({ env: shared }), startServer({ env: shared })]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await prisma.$disconnect();
});

const instances = () => [a, b] as const;

describe("two instances, one database", () => {
  it("both run a job worker", async () => {
    await vi.waitFor(
      async () => {
        const beats = await prisma.workerHeartbeat.findMany({ select: { pid: true } });
        expect(new Set(beats.map((h) => h.pid))).toEqual(new Set([a.child.pid, b.child.pid]));
      },
      { timeout: 30_000, interval: 250 },
    );
  });

  it("share one login rate limit: 10 logins spread over both, then 429 on either", async () => {
    await prisma.rateLimitHit.deleteMany();
    const { email, password } = await createAccount();
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_LIMIT; i++) {
      const server = instances()[i % 2];
      statuses.push((await new Browser(server.url).post("/login", { email, password })).status);
    }
    expect(statuses).toEqual(Array(LOGIN_LIMIT).fill(302));
    for (const server of instances()) {
      const res = await new Browser(server.url).post("/login", { email, password });
      expect(res.status, server.url).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    const hits = await prisma.rateLimitHit.groupBy({ by: ["key"], _count: { _all: true } });
    expect(hits.map((h) => [h.key, h._count._all])).toEqual([["login:127.0.0.1", LOGIN_LIMIT]]);
    await prisma.rateLimitHit.deleteMany();
  });

  it("share sessions: signed in on A works on B; logging out on B ends it on A", async () => {
    await prisma.rateLimitHit.deleteMany();
    const { user, email, password } = await createAccount({ name: "Avery Twin", businessName: "Avery Twin Electric" });
    const onA = new Browser(a.url);
    expect((await onA.post("/login", { email, password })).status).toBe(302);
    const onB = new Browser(b.url);
    for (const [name, value] of onA.cookies) onB.cookies.set(name, value);

    const dashboardOnB = await onB.get("/dashboard");
    expect(dashboardOnB.status).toBe(200);
    expect(await dashboardOnB.text()).toContain("Avery Twin Electric");
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(1);

    expect((await onB.post("/logout", {})).status).toBe(302);
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
    // A still holds the cookie, but the row behind it is gone.
    const dashboardOnA = await onA.get("/dashboard");
    expect(dashboardOnA.status).toBe(302);
    expect(dashboardOnA.headers.get("location")).toMatch(/^\/login/);
  });

  it("run a scheduled job added on both workers once in effect: one reminder per overdue invoice", async () => {
    const businessIds: string[] = [];
    const invoiceIds: string[] = [];
    for (let n = 0; n < 2; n++) {
      const { business } = await createAccount({ businessName: `Twin Roofing ${n} ${randomBytes(2).toString("hex")}` });
      businessIds.push(business.id);
      for (let i = 0; i < 6; i++) {
        const customer = await prisma.customer.create({
          data: { businessId: business.id, name: `Twin Customer ${n}-${i}`, email: `twin-${n}-${i}-${randomBytes(3).toString("hex")}@example.com` },
        });
        const invoice = await prisma.invoice.create({
          data: {
            businessId: business.id,
            customerId: customer.id,
            number: i + 1,
            status: "SENT",
            currency: "USD",
            issueDate: new Date(Date.now() - 24 * DAY_MS),
            dueDate: new Date(Date.now() - 10 * DAY_MS),
            subtotalCents: 10_000 + i,
            discountCents: 0,
            taxCents: 0,
            totalCents: 10_000 + i,
            sentAt: new Date(Date.now() - 20 * DAY_MS),
          },
        });
        invoiceIds.push(invoice.id);
      }
      await prisma.business.update({ where: { id: business.id }, data: { nextInvoiceNumber: 7 } });
    }

    // The same run requested several times at once, as cron ticks on several instances (or a retry
    // overlapping a slow run) would: each worker picks some up, at the same moment.
    const now = new Date().toISOString();
    await prisma.$executeRaw`
      SELECT graphile_worker.add_jobs(array_agg(ROW('overdue-reminders', json_build_object('now', ${now}::text), NULL, NULL, NULL, NULL, NULL, NULL)::graphile_worker.job_spec))
        FROM generate_series(1, 6)`;

    await vi.waitFor(
      async () => {
        const [{ jobs }] = await prisma.$queryRaw<{ jobs: number }[]>`SELECT count(*)::int AS jobs FROM graphile_worker.jobs`;
        expect(jobs).toBe(0);
        const messages = await prisma.emailMessage.findMany({ where: { businessId: { in: businessIds } }, select: { status: true } });
        expect(messages.length).toBeGreaterThan(0);
        expect(messages.every((m) => m.status === "SENT")).toBe(true);
      },
      { timeout: 90_000, interval: 250 },
    );

    const messages = await prisma.emailMessage.findMany({
      where: { businessId: { in: businessIds } },
      select: { invoiceId: true, template: true, dedupeKey: true },
    });
    expect(messages).toHaveLength(invoiceIds.length);
    expect(messages.every((m) => m.template === "overdue-reminder")).toBe(true);
    expect(new Set(messages.map((m) => m.invoiceId))).toEqual(new Set(invoiceIds));
    expect(new Set(messages.map((m) => m.dedupeKey))).toEqual(new Set(invoiceIds.map((id) => `reminder:${id}:7`)));
    const invoices = await prisma.invoice.findMany({ where: { id: { in: invoiceIds } }, select: { lastReminderStage: true } });
    expect(invoices.every((i) => i.lastReminderStage === 7)).toBe(true);
    expect(await prisma.activityEvent.count({ where: { businessId: { in: businessIds }, type: "invoice.reminder" } })).toBe(invoiceIds.length);

    // All six runs completed (none failed); which instance ran which is up to the workers.
    const completed = (s: TestServer) => (s.output().match(/Completed task \d+ \(overdue-reminders/g) ?? []).length;
    expect(completed(a) + completed(b)).toBe(6);
    console.log(`[two-instances] overdue-reminders runs: A ${completed(a)}, B ${completed(b)}`);
    expect(a.output() + b.output()).not.toMatch(/"level":(50|60)/);
  });
});

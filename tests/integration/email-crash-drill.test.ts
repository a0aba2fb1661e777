// The crash drill of issue 15 (item 10), with Postmark's batch endpoint (issue 17): 12 reminders in two
// batch jobs of 6, one job at a time, the Postmark fake taking 1.5 s to answer each call, the
// standalone worker SIGKILLed once Postmark has accepted the first batch (so those 6 were accepted but
// the worker never learned it). A fresh worker finishes both jobs. Before sending a message whose
// earlier attempt may have reached Postmark, it asks the Messages API's outbound search for that
// Metadata.messageId, message by message: Postmark accepts exactly 12, with 0 duplicates.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { prisma } from "~/utils/db.server";
import { startFakePostmark, type FakePostmark } from "../fakes/postmark";
import { createAccount } from "../helpers/accounts";
import { productionEnv, strongSecret } from "../helpers/production-server";

vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const ROOT = path.resolve(import.meta.dirname, "../..");
const MESSAGES = 12;
const PER_JOB = 6;
const serverToken = `server-token-${randomBytes(8).toString("hex")}`;
const webhook = { POSTMARK_WEBHOOK_USER: "postmark-hooks", POSTMARK_WEBHOOK_PASSWORD: strongSecret() };
const secrets = { SESSION_SECRET: strongSecret(), PAY_LINK_SECRET: strongSecret(), JWT_SECRET: strongSecret() };

let fake: FakePostmark;
const children: ChildProcess[] = [];

function spawnWorker() {
  const env = productionEnv(0, {
    ...secrets,
    ...webhook,
    EMAIL_TRANSPORT: "postmark",
    POSTMARK_SERVER_TOKEN: serverToken,
    POSTMARK_API_URL: fake.url,
    WORKER_CONCURRENCY: "1",
    DATABASE_POOL_SIZE: "5",
    LOG_LEVEL: "info",
  });
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "jobs/run.ts")], {
    cwd: ROOT,
    env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const started = vi.waitUntil(() => output.includes("worker started"), { timeout: 90_000, interval: 100 });
  return { child, started, output: () => output };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));

beforeAll(async () => {
  fake = await startFakePostmark({ serverToken });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  await Promise.all(children.map(exited));
  await fake?.stop();
  await prisma.$disconnect();
});

it("12 reminders in two batches, worker SIGKILLed after Postmark accepted the first, a fresh worker finishes: Postmark accepted exactly 12, 0 duplicates", async () => {
  const { business } = await createAccount({ businessName: `Drill Electric ${randomBytes(3).toString("hex")}` });
  const messages = await prisma.emailMessage.createManyAndReturn({
    data: Array.from({ length: MESSAGES }, (_, i) => ({
      businessId: business.id,
      to: `drill-${i}-${randomBytes(3).toString("hex")}@example.com`,
      subject: `Reminder: invoice INV-${String(i + 1).padStart(4, "0")} is overdue`,
      template: "overdue-reminder",
      transport: "postmark",
      textBody: `Invoice ${i + 1} is 10 days overdue.`,
      htmlBody: `<p>Invoice ${i + 1} is 10 days overdue.</p>`,
      dedupeKey: `drill:${business.id}:${i}`,
    })),
    select: { id: true },
  });
  const ids = messages.map((m) => m.id);
  fake.setDelay(1_500);

  const first = spawnWorker();
  await first.started;
  // Two batch jobs of 6, as the reminder jobs queue them (one Postmark batch call each), in this order.
  for (const batch of [ids.slice(0, PER_JOB), ids.slice(PER_JOB)]) {
    await prisma.$executeRaw`SELECT graphile_worker.add_job('send-email', ${JSON.stringify(batch.map((messageId) => ({ messageId, businessId: business.id })))}::json, max_attempts => 4)`;
  }
  await vi.waitUntil(() => fake.calls.length >= 1, { timeout: 60_000, interval: 10 });
  first.child.kill("SIGKILL");
  await exited(first.child);
  const acceptedBeforeKill = fake.sent.length;
  const sentRowsBeforeKill = await prisma.emailMessage.count({ where: { id: { in: ids }, status: "SENT" } });
  console.log(`[email-crash-drill] killed after ${fake.calls.length} calls: Postmark accepted ${acceptedBeforeKill}, ${sentRowsBeforeKill} rows marked SENT`);
  // The drill's point: Postmark has messages the database does not know were sent.
  expect(fake.calls[0]).toMatchObject({ path: "/email/batch", status: 200 });
  expect(acceptedBeforeKill).toBe(PER_JOB);
  expect(sentRowsBeforeKill).toBe(0);

  const killedAt = Date.now();
  const second = spawnWorker();
  await second.started;
  await vi.waitFor(
    async () => {
      expect(await prisma.emailMessage.count({ where: { id: { in: ids }, status: "SENT" } })).toBe(MESSAGES);
    },
    { timeout: 240_000, interval: 500 },
  );
  console.log(
    `[email-crash-drill] all ${MESSAGES} SENT ${Date.now() - killedAt} ms after the kill; ${fake.searches.length} searches, ${fake.calls.length} sends`,
  );

  // Postmark accepted each message exactly once.
  expect(fake.sent).toHaveLength(MESSAGES);
  const perMessage = new Map<string, number>();
  for (const s of fake.sent) perMessage.set(s.body.Metadata.messageId, (perMessage.get(s.body.Metadata.messageId) ?? 0) + 1);
  expect([...perMessage.keys()].sort()).toEqual([...ids].sort());
  expect([...perMessage.values()].every((n) => n === 1)).toBe(true);

  // Every row names the Postmark message that went out for it; the in-flight ones were found by search.
  const rows = await prisma.emailMessage.findMany({ where: { id: { in: ids } } });
  const byMetadata = new Map(fake.sent.map((s) => [s.body.Metadata.messageId as string, s.messageId]));
  for (const row of rows) expect(row.providerMessageId, row.id).toBe(byMetadata.get(row.id));
  expect(fake.searches.filter((s) => s.matched === 1).length).toBeGreaterThanOrEqual(acceptedBeforeKill - sentRowsBeforeKill);
  expect(fake.searches.every((s) => s.status === 200 && s.query.metadata_messageId)).toBe(true);
  expect(second.output()).toMatch(/accepted by Postmark on an earlier attempt; not sent again/);
});

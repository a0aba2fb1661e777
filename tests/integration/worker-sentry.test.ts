// A job that fails for good reaches crash reporting like a web error: the standalone worker
// (`npm run worker`) starts Sentry, and a permanently failed job is reported with its task name and
// job id, never its payload. A failure that will be retried is not reported.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { prisma } from "~/utils/db.server";
import { startFakeSentry, type FakeSentry } from "../fakes/sentry";
import { productionEnv } from "../helpers/production-server";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let sentry: FakeSentry;
let worker: ReturnType<typeof spawn>;
let output = "";

beforeAll(async () => {
  sentry = await startFakeSentry();
  const env = Object.fromEntries(Object.entries(productionEnv(0, { SENTRY_DSN: sentry.dsn, WORKER_CONCURRENCY: "2" })).filter(([, v]) => v !== undefined));
  worker = spawn(process.execPath, ["--import", "tsx", path.resolve(import.meta.dirname, "../../jobs/run.ts")], {
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  worker.stdout!.on("data", (d) => (output += d));
  worker.stderr!.on("data", (d) => (output += d));
  await vi.waitUntil(() => output.includes("worker started"), { timeout: 60_000, interval: 200 });
});

afterAll(async () => {
  worker?.kill("SIGTERM");
  await sentry?.stop();
});

it("reports a job that used up its attempts with its task and id, without the payload", async () => {
  const marker = `payload-marker-${Date.now()}`;
  // A send-email job whose payload names no message: the task refuses it. One attempt: final at once.
  const [job] = await prisma.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM graphile_worker.add_job('send-email', json_build_object('note', ${marker}::text), max_attempts => 1)`;
  // The same bad job with attempts left fails too, but is retried later: not a crash report yet.
  await prisma.$queryRaw`SELECT graphile_worker.add_job('send-email', json_build_object('note', 'retry-me'), max_attempts => 5)`;

  const events = await sentry.waitForEvents(1, 60_000);
  await new Promise((r) => setTimeout(r, 3_000));
  const all = sentry.events() as Array<{ tags?: Record<string, string>; extra?: Record<string, unknown> }>;
  expect(all).toHaveLength(1);
  expect(events[0]).toMatchObject({ tags: { task: "send-email" }, extra: { jobId: job.id, attempts: 1 } });
  const raw = sentry.envelopes.map((e) => e.raw).join("\n");
  expect(raw).not.toContain(marker);
  expect(raw).not.toContain("retry-me");
});

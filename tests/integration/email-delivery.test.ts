// Email delivery end to end on real Postgres: the send-email job run by a real graphile-worker in this
// process, talking through the official Postmark SDK to the local Postmark fake (the only fake, at the
// HTTP boundary). Retries with graphile-worker's backoff on 5xx / 429 / network errors, permanent
// failures, duplicates kept out by dedupe keys and job keys, and Postmark's webhooks against the
// production server.
//
// env() is parsed once per process, so the POSTMARK_* variables are set before any app module is
// imported: app modules are loaded with dynamic import() below, after the fake listens.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { EmailMessage } from "~/generated/prisma/client.ts";
import { basicAuth, startFakePostmark, type FakePostmark } from "../fakes/postmark";
import { createAccount } from "../helpers/accounts";
import { startServer, strongSecret, type TestServer } from "../helpers/production-server";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const serverToken = `pm-${randomBytes(16).toString("hex")}`;
const webhookUser = "postmark-hooks";
const webhookPassword = strongSecret();

let fake: FakePostmark = await startFakePostmark({ serverToken, webhookUser, webhookPassword });
const FAKE_PORT = fake.port;

process.env.POSTMARK_SERVER_TOKEN = serverToken;
process.env.POSTMARK_API_URL = fake.url;
process.env.POSTMARK_WEBHOOK_USER = webhookUser;
process.env.POSTMARK_WEBHOOK_PASSWORD = webhookPassword;
process.env.EMAIL_TRANSPORT = "postmark";

const { prisma } = await import("~/utils/db.server");
const { sendEmail, queueEmail, queueEmails, retryEmail, EMAIL_MAX_ATTEMPTS } = await import("~/utils/email.server");
const { addJobs } = await import("~/utils/jobs.server");
const { startWorker } = await import("../../jobs/worker");

let worker: Awaited<ReturnType<typeof startWorker>>;
let businessId: string;

beforeAll(async () => {
  const { business } = await createAccount({ businessName: `Delivery Plumbing ${randomBytes(3).toString("hex")}` });
  businessId = business.id;
  worker = await startWorker({ concurrency: 2, crontab: false });
});

afterAll(async () => {
  await worker?.stop();
  await fake?.stop();
  await prisma.$disconnect();
});

beforeEach(async () => {
  // Every test leaves no job behind (each waits for its messages to settle); start from a clean fake.
  await vi.waitFor(async () => expect(await jobCount()).toBe(0), { timeout: 60_000, interval: 250 });
  fake.reset();
});

const email = (overrides: Partial<Parameters<typeof sendEmail>[0]> = {}) => ({
  businessId,
  to: `customer-${randomBytes(4).toString("hex")}@example.com`,
  subject: "Invoice INV-0001 from Delivery Plumbing",
  text: "Your invoice is ready.",
  html: "<p>Your invoice is ready.</p>",
  template: "invoice-sent" as const,
  ...overrides,
});

const message = (id: string) => prisma.emailMessage.findUniqueOrThrow({ where: { id } });

async function jobCount(key?: string) {
  const rows = key
    ? await prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = ${key}`
    : await prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker.jobs`;
  return rows[0].n;
}

/** Waits until the message leaves QUEUED (or reaches `status`), and returns it. */
async function settled(id: string, status?: EmailMessage["status"], timeout = 90_000) {
  return vi.waitFor(
    async () => {
      const m = await message(id);
      if (status) expect(m.status).toBe(status);
      else expect(m.status).not.toBe("QUEUED");
      return m;
    },
    { timeout, interval: 200 },
  );
}

async function queued(overrides: Partial<Parameters<typeof sendEmail>[0]> = {}) {
  const id = await sendEmail(email(overrides));
  expect(id).toBeTruthy();
  return id!;
}

describe("retries with graphile-worker's backoff", () => {
  it("500, 500, then 200: one accepted send after three calls, with growing gaps", async () => {
    fake.script([500, 500, 200]);
    const id = await queued();
    // The row and its job committed together.
    expect(await jobCount(`send-email:${id}`)).toBeLessThanOrEqual(1);

    const m = await settled(id, "SENT", 60_000);
    expect(fake.calls.map((c) => c.status)).toEqual([500, 500, 200]);
    expect(fake.sent).toHaveLength(1);
    const [first, second, third] = fake.calls.map((c) => c.at);
    const gap1 = second - first;
    const gap2 = third - second;
    console.log(`[email-delivery] retry gaps: ${gap1} ms, ${gap2} ms`);
    // e^1 ≈ 2.7 s, then e^2 ≈ 7.4 s (plus up to one 2 s poll each).
    expect(gap1).toBeGreaterThanOrEqual(2_500);
    expect(gap2).toBeGreaterThanOrEqual(7_000);
    expect(gap2).toBeGreaterThan(gap1);

    expect(m).toMatchObject({
      status: "SENT",
      transport: "postmark",
      providerMessageId: fake.sent[0].messageId,
      attempts: 3,
      textBody: null,
      htmlBody: null,
      error: null,
    });
    expect(m.sentAt).toBeInstanceOf(Date);
    // What Postmark received ties back to the row.
    expect(fake.sent[0].body).toMatchObject({ To: m.to, Subject: m.subject, Tag: "invoice-sent", MessageStream: "outbound", Metadata: { messageId: id } });
    expect(fake.sent[0].body.TextBody).toBe("Your invoice is ready.");
    await vi.waitFor(async () => expect(await jobCount(`send-email:${id}`)).toBe(0), { timeout: 10_000 });
  });

  it("500 on every attempt: four calls, then the message is FAILED and the job is left failed with its error", async () => {
    fake.failAll(500);
    const id = await queued();
    const m = await settled(id, "FAILED", 120_000);
    expect(fake.calls).toHaveLength(EMAIL_MAX_ATTEMPTS);
    expect(fake.calls.every((c) => c.status === 500)).toBe(true);
    expect(fake.sent).toHaveLength(0);
    expect(m.attempts).toBe(EMAIL_MAX_ATTEMPTS);
    expect(m.error).toMatch(/500/);
    expect(m.providerMessageId).toBeNull();
    // Bodies are kept on a failed message (it can be retried from the jobs page).
    expect(m.textBody).toBe("Your invoice is ready.");
    // The job stays in graphile_worker.jobs as permanently failed, with its last error; no fifth call.
    const failedJob = await vi.waitFor(
      async () => {
        const rows = await prisma.$queryRaw<{ attempts: number; max_attempts: number; last_error: string | null }[]>`
          SELECT attempts, max_attempts, last_error FROM graphile_worker.jobs WHERE key = ${`send-email:${id}`}`;
        expect(rows).toHaveLength(1);
        expect(rows[0].attempts).toBe(EMAIL_MAX_ATTEMPTS);
        return rows[0];
      },
      { timeout: 10_000 },
    );
    expect(failedJob.max_attempts).toBe(EMAIL_MAX_ATTEMPTS);
    expect(failedJob.last_error).toMatch(/500/);
    await new Promise((r) => setTimeout(r, 4_000));
    expect(fake.calls).toHaveLength(EMAIL_MAX_ATTEMPTS);

    // The jobs page's retry: the failed job goes, the message is queued again and sent once Postmark is back.
    fake.reset();
    expect(await retryEmail(m.businessId, id)).toBe(true);
    const sent = await settled(id, "SENT", 30_000);
    expect(sent.attempts).toBe(1);
    expect(fake.sent).toHaveLength(1);
    // The job completes just after the row is marked SENT.
    await vi.waitFor(async () => expect(await jobCount(`send-email:${id}`)).toBe(0), { timeout: 10_000 });
    // Nothing else is left either: no failed job without its key.
    expect(await jobCount()).toBe(0);
  });

  it("503 then 429 are retried too", async () => {
    fake.script([503, 429, 200]);
    const id = await queued();
    const m = await settled(id, "SENT", 60_000);
    expect(fake.calls.map((c) => c.status)).toEqual([503, 429, 200]);
    expect(fake.sent).toHaveLength(1);
    expect(m).toMatchObject({ attempts: 3, providerMessageId: fake.sent[0].messageId, error: null });
  });

  it("a network error (Postmark unreachable) is retried once Postmark is back", async () => {
    await fake.stop();
    let restarted = false;
    try {
      const id = await queued();
      const failedOnce = await vi.waitFor(
        async () => {
          const m = await message(id);
          expect(m.attempts).toBeGreaterThanOrEqual(1);
          expect(m.error).toBeTruthy();
          return m;
        },
        { timeout: 30_000, interval: 100 },
      );
      expect(failedOnce.status).toBe("QUEUED");
      expect(failedOnce.error).toMatch(/network|ECONNREFUSED|fetch failed|connect/i);

      fake = await startFakePostmark({ serverToken, port: FAKE_PORT, webhookUser, webhookPassword });
      restarted = true;
      const m = await settled(id, "SENT", 60_000);
      expect(fake.calls).toHaveLength(1);
      expect(fake.sent).toHaveLength(1);
      expect(m.attempts).toBe(2);
      expect(m).toMatchObject({ providerMessageId: fake.sent[0].messageId, error: null });
    } finally {
      if (!restarted) fake = await startFakePostmark({ serverToken, port: FAKE_PORT, webhookUser, webhookPassword });
    }
  });
});

describe("effectively once: an attempt that may have reached Postmark is looked up before sending again", () => {
  it("a send that timed out after Postmark accepted it is not sent again: the retry finds it by Metadata.messageId", async () => {
    // Longer than the SDK's 10 s timeout: Postmark accepts the message, the worker never hears back.
    fake.setDelay(11_000);
    const id = await queued();
    await vi.waitFor(
      async () => {
        const m = await message(id);
        expect(m.attempts).toBe(1);
        expect(m.error).toBeTruthy();
      },
      { timeout: 40_000, interval: 200 },
    );
    fake.setDelay(0);
    const m = await settled(id, "SENT", 60_000);
    expect(fake.calls).toHaveLength(1);
    expect(fake.sent).toHaveLength(1);
    expect(m).toMatchObject({ providerMessageId: fake.sent[0].messageId, attempts: 2, error: null, textBody: null, htmlBody: null });
    expect(fake.searches).toHaveLength(1);
    expect(fake.searches[0]).toMatchObject({ status: 200, matched: 1, query: { count: "1", offset: "0", metadata_messageId: id } });
  }, 90_000);

  it("a first attempt does not search; a retry after a 500 searches, finds nothing and sends once", async () => {
    fake.script([500]);
    const id = await queued();
    const m = await settled(id, "SENT", 60_000);
    expect(fake.calls.map((c) => c.status)).toEqual([500, 200]);
    expect(fake.sent).toHaveLength(1);
    expect(m.attempts).toBe(2);
    expect(fake.searches.map((s) => s.matched)).toEqual([0]);
  });
});

describe("batches: one POST /email/batch per send job, answers recorded per message", () => {
  /** Queues these recipients' messages in one batch send job, as the reminder job does; returns ids in order. */
  async function queuedBatch(recipients: string[]) {
    const ids = await prisma.$transaction((tx) =>
      queueEmails(
        tx,
        recipients.map((to) => email({ to, template: "overdue-reminder" })),
        { perJob: 500 },
      ),
    );
    expect(ids).toHaveLength(recipients.length);
    return ids;
  }
  const recipients = (n: number) => Array.from({ length: n }, (_, i) => `batch-${i}-${randomBytes(4).toString("hex")}@example.com`);
  const allSettled = (ids: string[], timeout = 60_000) =>
    vi.waitFor(
      async () => {
        const rows = await prisma.emailMessage.findMany({ where: { id: { in: ids } } });
        expect(rows.filter((r) => r.status === "QUEUED")).toEqual([]);
        return new Map(rows.map((r) => [r.id, r]));
      },
      { timeout, interval: 200 },
    );
  /** How many times Postmark accepted each message (by Metadata.messageId). */
  const acceptedCounts = () => {
    const counts = new Map<string, number>();
    for (const s of fake.sent) counts.set(s.body.Metadata.messageId, (counts.get(s.body.Metadata.messageId) ?? 0) + 1);
    return counts;
  };

  it("a refused message (ErrorCode 406 inside an HTTP 200) is FAILED alone; the others are SENT once; nothing is retried", async () => {
    const to = recipients(5);
    fake.inactive.add(to[2]);
    const ids = await queuedBatch(to);
    const rows = await allSettled(ids);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({ path: "/email/batch", status: 200 });
    expect(fake.calls[0].results!.map((r) => r.ErrorCode)).toEqual([0, 0, 406, 0, 0]);
    expect((fake.calls[0].body as unknown[]).length).toBe(5);
    const byMetadata = new Map(fake.sent.map((s) => [s.body.Metadata.messageId as string, s.messageId]));
    ids.forEach((id, i) => {
      const row = rows.get(id)!;
      if (i === 2) {
        expect(row).toMatchObject({ status: "FAILED", attempts: 1, providerMessageId: null });
        expect(row.error).toMatch(/406/);
        expect(row.error).toMatch(/inactive/i);
      } else {
        expect(row).toMatchObject({ status: "SENT", attempts: 1, error: null, textBody: null, htmlBody: null, providerMessageId: byMetadata.get(id) });
      }
    });
    // Past the first retry's backoff: still one call, no search, and the job is gone.
    await new Promise((r) => setTimeout(r, 6_000));
    expect(fake.calls).toHaveLength(1);
    expect(fake.searches).toHaveLength(0);
    expect(await jobCount()).toBe(0);
  });

  it("a message refused with a rate limit inside the batch is retried alone: the retry's batch carries only it", async () => {
    const to = recipients(4);
    fake.failRecipient(to[1], { errorCode: 429, message: "Rate limit exceeded" }, 1);
    const ids = await queuedBatch(to);
    const rows = await allSettled(ids);
    expect([...rows.values()].every((r) => r.status === "SENT")).toBe(true);
    expect(fake.calls.map((c) => [c.path, c.status, (c.body as unknown[]).length])).toEqual([
      ["/email/batch", 200, 4],
      ["/email/batch", 200, 1],
    ]);
    expect((fake.calls[1].body as Array<{ Metadata: { messageId: string } }>)[0].Metadata.messageId).toBe(ids[1]);
    expect([...acceptedCounts().entries()].sort()).toEqual(ids.map((id) => [id, 1]).sort());
    expect(ids.map((id) => rows.get(id)!.attempts)).toEqual([1, 2, 1, 1]);
    // The retried message was looked up first (nothing found), the others never.
    expect(fake.searches.map((s) => [s.query.metadata_messageId, s.matched])).toEqual([[ids[1], 0]]);
  });

  it("a batch whose answer timed out: the retry looks up every message and sends only the one Postmark did not accept", async () => {
    const to = recipients(4);
    // Postmark accepts three and refuses one (rate limit), but the answer comes after the SDK's 30 s batch timeout.
    fake.failRecipient(to[3], { errorCode: 429 }, 1);
    fake.setDelay(31_000);
    const ids = await queuedBatch(to);
    await vi.waitFor(
      async () => {
        const rows = await prisma.emailMessage.findMany({ where: { id: { in: ids } } });
        expect(rows.every((r) => r.attempts === 1 && r.error !== null && r.status === "QUEUED")).toBe(true);
      },
      { timeout: 60_000, interval: 200 },
    );
    fake.setDelay(0);
    const rows = await allSettled(ids);
    expect([...rows.values()].every((r) => r.status === "SENT" && r.attempts === 2 && r.error === null)).toBe(true);
    expect(fake.calls.map((c) => (c.body as unknown[]).length)).toEqual([4, 1]);
    expect([...acceptedCounts().entries()].sort()).toEqual(ids.map((id) => [id, 1]).sort());
    const byMetadata = new Map(fake.sent.map((s) => [s.body.Metadata.messageId as string, s.messageId]));
    for (const id of ids) expect(rows.get(id)!.providerMessageId).toBe(byMetadata.get(id));
    expect(new Map(fake.searches.map((s) => [s.query.metadata_messageId, s.matched]))).toEqual(new Map(ids.map((id, i) => [id, i === 3 ? 0 : 1])));
  }, 120_000);

  it("a 500 for the whole batch retries the whole batch; the retry searches each message, finds none, sends each once", async () => {
    fake.script([500]);
    const ids = await queuedBatch(recipients(3));
    const rows = await allSettled(ids);
    expect([...rows.values()].every((r) => r.status === "SENT" && r.attempts === 2)).toBe(true);
    expect(fake.calls.map((c) => [c.path, c.status])).toEqual([
      ["/email/batch", 500],
      ["/email/batch", 200],
    ]);
    expect(fake.sent).toHaveLength(3);
    expect(fake.searches.map((s) => s.matched)).toEqual([0, 0, 0]);
  });
});

describe("permanent refusals fail at once", () => {
  it("422 ErrorCode 406 (inactive recipient): one call, FAILED, never retried", async () => {
    const to = `gone-${randomBytes(4).toString("hex")}@example.com`;
    fake.inactive.add(to);
    const id = await queued({ to });
    const m = await settled(id, "FAILED", 30_000);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({ status: 422, errorCode: 406 });
    expect(m.attempts).toBe(1);
    expect(m.error).toMatch(/422/);
    expect(m.error).toMatch(/inactive/i);
    // Past the first retry's backoff (e^1 s + a poll): still one call, and the job is gone.
    await new Promise((r) => setTimeout(r, 6_000));
    expect(fake.calls).toHaveLength(1);
    expect(await jobCount(`send-email:${id}`)).toBe(0);
    expect((await message(id)).attempts).toBe(1);
  });

  it("401 (bad server token): one call, FAILED", async () => {
    fake.script([401]);
    const id = await queued();
    const m = await settled(id, "FAILED", 30_000);
    expect(m.error).toMatch(/401/);
    await new Promise((r) => setTimeout(r, 5_000));
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0].status).toBe(401);
    expect(await jobCount(`send-email:${id}`)).toBe(0);
  });
});

describe("duplicates are kept out", () => {
  it("the same dedupe key twice, even concurrently: one message, one send", async () => {
    const dedupeKey = `receipt:${randomBytes(6).toString("hex")}`;
    const same = email({ dedupeKey });
    const ids = await Promise.all([sendEmail(same), sendEmail(same)]);
    const created = ids.filter((x): x is string => x !== null);
    expect(created).toHaveLength(1);
    const m = await settled(created[0], "SENT", 30_000);
    expect(await sendEmail(same)).toBeNull();
    expect(await prisma.emailMessage.count({ where: { dedupeKey } })).toBe(1);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(fake.sent).toHaveLength(1);
    expect(fake.calls).toHaveLength(1);
    expect(m.attempts).toBe(1);
  });

  it("the send job added again for a message (same job key): still one send", async () => {
    // Added twice in one transaction: the job key keeps one job.
    const id = await prisma.$transaction(async (tx) => {
      const created = await queueEmail(tx, email());
      await addJobs(tx, [
        { task: "send-email", payload: { messageId: created!, businessId }, jobKey: `send-email:${created}`, maxAttempts: EMAIL_MAX_ATTEMPTS },
      ]);
      const inTx = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = ${`send-email:${created}`}`;
      expect(inTx[0].n).toBe(1);
      return created!;
    });
    const m = await settled(id, "SENT", 30_000);
    expect(fake.sent).toHaveLength(1);

    // Added again after it was sent (a replayed event, a retry clicked twice): the job runs and skips.
    for (let i = 0; i < 2; i++) {
      await prisma.$transaction((tx) =>
        addJobs(tx, [{ task: "send-email", payload: { messageId: id, businessId }, jobKey: `send-email:${id}`, maxAttempts: EMAIL_MAX_ATTEMPTS }]),
      );
    }
    await prisma.$executeRaw`SELECT graphile_worker.add_job('send-email', json_build_object('messageId', ${id}::text, 'businessId', ${businessId}::text))`;
    await vi.waitFor(async () => expect(await jobCount()).toBe(0), { timeout: 30_000, interval: 200 });
    expect(fake.sent).toHaveLength(1);
    expect(fake.calls).toHaveLength(1);
    expect(await message(id)).toMatchObject({ status: "SENT", attempts: 1, providerMessageId: m.providerMessageId });
  });
});

describe("Postmark webhooks against the production server", () => {
  let server: TestServer;
  const hookUrl = () => `${server.url}/webhooks/postmark`;

  beforeAll(async () => {
    server = await startServer({
      env: {
        POSTMARK_SERVER_TOKEN: serverToken,
        POSTMARK_API_URL: fake.url,
        POSTMARK_WEBHOOK_USER: webhookUser,
        POSTMARK_WEBHOOK_PASSWORD: webhookPassword,
        EMAIL_TRANSPORT: "postmark",
        WORKER_IN_PROCESS: "false",
        LOG_LEVEL: "warn",
      },
    });
  });
  afterAll(() => server?.stop());
  beforeEach(() => fake.setWebhookUrl(hookUrl()));

  /** A message really sent through the worker and the fake, so it carries Postmark's MessageID. */
  async function sentMessage() {
    const id = await queued();
    const m = await settled(id, "SENT", 30_000);
    expect(m.providerMessageId).toBeTruthy();
    return m;
  }

  it("refuses missing or wrong credentials with 401 and changes nothing", async () => {
    const m = await sentMessage();
    const pmId = m.providerMessageId!;
    for (const auth of [
      null,
      basicAuth(webhookUser, "wrong-password"),
      basicAuth("someone-else", webhookPassword),
      basicAuth(webhookUser, `${webhookPassword}x`),
      "Bearer abc",
    ]) {
      const res = await fake.deliver(pmId, { auth });
      expect(res.status, String(auth)).toBe(401);
    }
    const res = await fetch(hookUrl(), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ RecordType: "Delivery", MessageID: pmId }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect(await message(m.id)).toMatchObject({ status: "SENT", deliveredAt: null });
  });

  it("Delivery, Open, Click move the status forward; a late Delivery keeps the later status", async () => {
    const m = await sentMessage();
    const pmId = m.providerMessageId!;

    expect((await fake.deliver(pmId)).status).toBe(200);
    const delivered = await message(m.id);
    expect(delivered.status).toBe("DELIVERED");
    expect(delivered.deliveredAt).toBeInstanceOf(Date);
    expect(Math.abs(delivered.deliveredAt!.getTime() - Date.now())).toBeLessThan(60_000);

    expect((await fake.open(pmId)).status).toBe(200);
    const opened = await message(m.id);
    expect(opened.status).toBe("OPENED");
    expect(opened.openedAt).toBeInstanceOf(Date);

    // A late (repeated) Delivery: status and deliveredAt stay.
    expect((await fake.deliver(pmId)).status).toBe(200);
    const late = await message(m.id);
    expect(late.status).toBe("OPENED");
    expect(late.deliveredAt!.getTime()).toBe(delivered.deliveredAt!.getTime());

    expect((await fake.click(pmId, "https://example.com/pay")).status).toBe(200);
    const clicked = await message(m.id);
    expect(clicked.status).toBe("CLICKED");
    expect(clicked.clickedAt).toBeInstanceOf(Date);
    expect(clicked.openedAt!.getTime()).toBe(opened.openedAt!.getTime());
  });

  it("a Delivery arriving after the Open keeps OPENED but records deliveredAt", async () => {
    const m = await sentMessage();
    const pmId = m.providerMessageId!;
    expect((await fake.open(pmId)).status).toBe(200);
    expect((await message(m.id)).status).toBe("OPENED");
    expect((await fake.deliver(pmId)).status).toBe(200);
    const after = await message(m.id);
    expect(after.status).toBe("OPENED");
    expect(after.deliveredAt).toBeInstanceOf(Date);
  });

  it("Bounce → BOUNCED with bouncedAt; SpamComplaint → SPAM_COMPLAINT with complainedAt", async () => {
    const a = await sentMessage();
    const b = await sentMessage();
    expect((await fake.bounce(a.providerMessageId!, "HardBounce")).status).toBe(200);
    const bounced = await message(a.id);
    expect(bounced.status).toBe("BOUNCED");
    expect(bounced.bouncedAt).toBeInstanceOf(Date);

    expect((await fake.spamComplaint(b.providerMessageId!)).status).toBe(200);
    const complained = await message(b.id);
    expect(complained.status).toBe("SPAM_COMPLAINT");
    expect(complained.complainedAt).toBeInstanceOf(Date);
    // The bounce did not touch the other message, nor the complaint the first.
    expect((await message(a.id)).status).toBe("BOUNCED");

    // The recipient is now inactive at Postmark: the next email to it fails at once (422/406).
    fake.calls.length = 0;
    const again = await queued({ to: a.to });
    const failed = await settled(again, "FAILED", 30_000);
    expect(failed.error).toMatch(/inactive/i);
    expect(fake.calls).toHaveLength(1);
  });

  it("unknown message ids and record types are acknowledged; malformed bodies are 400; GET is 405", async () => {
    const m = await sentMessage();
    const before = await message(m.id);

    const unknown = await fake.deliver(`00000000-0000-4000-8000-${randomBytes(6).toString("hex")}`);
    expect(unknown.status).toBe(200);

    const subscription = await fake.postWebhook({ RecordType: "SubscriptionChange", MessageID: m.providerMessageId, SuppressSending: true, ServerID: 23 });
    expect(subscription.status).toBe(200);

    expect((await fake.postWebhook("{not json")).status).toBe(400);
    expect((await fake.postWebhook({ RecordType: "Delivery", DeliveredAt: new Date().toISOString() })).status).toBe(400);
    expect((await fake.postWebhook({ RecordType: "Delivery", MessageID: "" })).status).toBe(400);

    expect(await message(m.id)).toEqual(before);

    const get = await fetch(hookUrl(), { headers: { Authorization: basicAuth(webhookUser, webhookPassword) } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });
});

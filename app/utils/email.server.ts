// The one way the app sends email. Every message is an EmailMessage row, queued in the caller's
// transaction together with a graphile-worker job ("send-email") that delivers it: through Postmark,
// or into the development outbox (/dev/outbox) when there is no POSTMARK_SERVER_TOKEN or
// EMAIL_TRANSPORT=outbox. Delivery is effectively once: jobs retry (at least once), and a retry of a
// message an earlier attempt may have delivered asks Postmark first (docs/decisions/007-email-delivery-and-jobs.md).
import { randomUUID } from "node:crypto";
import type { ServerClient } from "postmark";
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "./db.server";
import { env } from "./env.server";
import { addJobs, completeJobs, jobsByKey, type JobSpec } from "./jobs.server";
import { logger } from "./logger.server";
import { newRowId } from "./row-id.server";

export type EmailContent = { subject: string; text: string; html: string };

type OutgoingEmail = EmailContent & {
  businessId: string;
  to: string;
  template: EmailTemplate;
};

type EmailTemplate =
  | "invoice-sent"
  | "estimate-sent"
  | "receipt"
  | "overdue-reminder"
  | "review-request"
  | "password-reset"
  | "trial-ending"
  | "billing-payment-failed"
  | "subscription-canceled"
  // To the contractor (app/models/contractor-notices.server.ts).
  | "estimate-approved"
  | "estimate-declined"
  | "invoice-paid";

/** How long a worker holds a message while sending it (the Postmark SDK gives up after 10 s, 30 s for a batch). */
const SEND_LEASE_MS = 60_000;

/** One try and up to three retries (graphile-worker waits e^attempt seconds in between: ~3 s, 7 s, 20 s). */
export const EMAIL_MAX_ATTEMPTS = 4;

export function isDevOutbox() {
  const e = env();
  return e.EMAIL_TRANSPORT === "outbox" || !e.POSTMARK_SERVER_TOKEN;
}

/** Messages per POST /email/batch: Postmark's limit. */
export const POSTMARK_BATCH_LIMIT = 500;

// Only the job worker sends (the send-email job); the web process queues rows. The SDK is loaded on the
// first send, so a web process never holds it (about 9 MB of RSS, BENCHMARKS.md, memory).
let sdk: Promise<typeof import("postmark")> | undefined;
const loadPostmark = () => (sdk ??= import("postmark"));

let client: ServerClient | undefined;
let batchClient: ServerClient | undefined;
function newClient(Client: typeof ServerClient, timeoutSeconds: number) {
  const { POSTMARK_SERVER_TOKEN, POSTMARK_API_URL } = env();
  const api = POSTMARK_API_URL ? new URL(POSTMARK_API_URL) : null;
  return new Client(POSTMARK_SERVER_TOKEN!, {
    useHttps: api ? api.protocol === "https:" : true,
    requestHost: api ? api.host : "api.postmarkapp.com",
    timeout: timeoutSeconds,
  });
}
async function postmark() {
  const { ServerClient } = await loadPostmark();
  return (client ??= newClient(ServerClient, 10));
}
/** A batch of up to 500 messages gets longer to answer; still well inside the 60 s lease. */
async function postmarkBatch() {
  const { ServerClient } = await loadPostmark();
  return (batchClient ??= newClient(ServerClient, 30));
}

export type QueuedEmail = OutgoingEmail & {
  /** At most one message per key, e.g. "receipt:<paymentId>": a repeat is silently skipped. */
  dedupeKey?: string;
  invoiceId?: string | null;
  estimateId?: string | null;
  paymentId?: string | null;
};

/**
 * Records a message as QUEUED and adds its send job, inside the caller's transaction, so the email
 * commits with the change it is about. Resolves with the new row's id, or null when the dedupe key
 * was taken (the message exists already).
 */
export async function queueEmail(tx: Prisma.TransactionClient, email: QueuedEmail): Promise<string | null> {
  const ids = await queueEmails(tx, [email]);
  return ids[0] ?? null;
}

/**
 * Many messages at once (reminder batches): one insert and one add_jobs call. With `perJob` > 1 the
 * messages share graphile-worker batch jobs of that many, at most 500 (one job fetch and one Postmark
 * batch call per job; a failed item is retried alone). Returns the ids created.
 */
export async function queueEmails(tx: Prisma.TransactionClient, emails: QueuedEmail[], options: { perJob?: number } = {}): Promise<string[]> {
  if (!emails.length) return [];
  const transport = isDevOutbox() ? "dev-outbox" : "postmark";
  const perJob = Math.min(options.perJob ?? 1, POSTMARK_BATCH_LIMIT);
  // With perJob > 1 each message gets its batch's key before it is written: batches never mix businesses
  // (each business's jobs page shows only its own), and the key is how a retry, the jobs page or an
  // erasure finds the batch. A message skipped for its dedupe key only leaves its batch one shorter.
  const batchKeyOf = batchKeys(emails, perJob);
  // One INSERT ... SELECT for the whole set (Prisma's createMany spends seconds compiling 500 rows).
  // ON CONFLICT DO NOTHING: a taken dedupe key must not abort the caller's transaction.
  const data = emails.map((email, i) => ({
    id: newRowId(),
    businessId: email.businessId,
    to: email.to,
    subject: email.subject,
    template: email.template,
    transport,
    // Bodies wait here until delivery; Postmark messages drop them once sent (the outbox keeps them).
    textBody: email.text,
    htmlBody: email.html,
    dedupeKey: email.dedupeKey ?? null,
    invoiceId: email.invoiceId ?? null,
    estimateId: email.estimateId ?? null,
    paymentId: email.paymentId ?? null,
    batchJobKey: batchKeyOf[i],
  }));
  const rows = await tx.$queryRaw<{ id: string; businessId: string; batchJobKey: string | null }[]>`
    INSERT INTO "EmailMessage" (id, "businessId", "to", subject, template, transport, "textBody", "htmlBody", "dedupeKey", "invoiceId", "estimateId", "paymentId", "batchJobKey")
    SELECT id, "businessId", "to", subject, template, transport, "textBody", "htmlBody", "dedupeKey", "invoiceId", "estimateId", "paymentId", "batchJobKey"
      FROM json_to_recordset(${JSON.stringify(data)}::json)
        AS x(id text, "businessId" text, "to" text, subject text, template text, transport text, "textBody" text, "htmlBody" text,
             "dedupeKey" text, "invoiceId" text, "estimateId" text, "paymentId" text, "batchJobKey" text)
    ON CONFLICT DO NOTHING
    RETURNING id, "businessId", "batchJobKey"`;
  const jobs: JobSpec[] = [];
  const batches = new Map<string, typeof rows>();
  for (const row of rows) {
    if (!row.batchJobKey) {
      jobs.push(sendJob(row.id, row.businessId));
      continue;
    }
    const batch = batches.get(row.batchJobKey) ?? [];
    batch.push(row);
    batches.set(row.batchJobKey, batch);
  }
  for (const [jobKey, items] of batches) {
    jobs.push({
      task: "send-email",
      payload: items.map((row) => ({ messageId: row.id, businessId: row.businessId })),
      jobKey,
      maxAttempts: EMAIL_MAX_ATTEMPTS,
    });
  }
  await addJobs(tx, jobs);
  return rows.map((r) => r.id);
}

/**
 * The batch job key of each message, in order (null when each message has a job of its own): runs of up
 * to `perJob` messages of one business share a key, and no key spans two businesses.
 */
function batchKeys(emails: QueuedEmail[], perJob: number): (string | null)[] {
  if (perJob <= 1) return emails.map(() => null);
  const open = new Map<string, { key: string; size: number }>();
  return emails.map((email) => {
    let batch = open.get(email.businessId);
    if (!batch || batch.size >= perJob) {
      batch = { key: `send-email:batch:${randomUUID()}`, size: 0 };
      open.set(email.businessId, batch);
    }
    batch.size += 1;
    return batch.key;
  });
}

/** The key of the job that delivers a message: its batch's, or its own. */
export const emailJobKey = (message: { id: string; batchJobKey: string | null }) => message.batchJobKey ?? `send-email:${message.id}`;

/** The send job of a message; its key makes a second add of the same message replace, not duplicate. */
const sendJob = (messageId: string, businessId: string): JobSpec => ({
  task: "send-email",
  payload: { messageId, businessId },
  jobKey: `send-email:${messageId}`,
  maxAttempts: EMAIL_MAX_ATTEMPTS,
});

/** Queues one message in its own transaction. */
export function sendEmail(email: QueuedEmail): Promise<string | null> {
  return prisma.$transaction((tx) => queueEmail(tx, email));
}

/** Thrown for a failure worth retrying (network, 429, 5xx): the job fails and graphile-worker retries it. */
class TransientEmailError extends Error {
  name = "TransientEmailError";
}

async function describe(error: unknown) {
  if (error instanceof (await loadPostmark()).Errors.PostmarkError) {
    return { status: error.statusCode, code: error.code, reason: `${error.name} ${error.statusCode || "network"}: ${error.message}`.slice(0, 500) };
  }
  return { status: 0, code: 0, reason: (error instanceof Error ? error.message : String(error)).slice(0, 500) };
}

/** Network errors (status 0), rate limits and server errors may pass; other 4xx answers will not. */
const isTransient = (status: number) => status === 0 || status === 429 || status >= 500;

type DeliveryOutcome = "sent" | "skipped" | "failed";

/**
 * Postmark's MessageID of a message it already accepted for this EmailMessage, found with the Messages
 * API's outbound search by the Metadata.messageId every send carries; null when there is none. A
 * failed search throws (a transient error): sending without knowing could send twice.
 */
async function findAcceptedCopy(id: string): Promise<string | null> {
  const found = await (await postmark()).getOutboundMessages({ count: 1, offset: 0, metadata_messageId: id });
  const match = found.Messages?.find((m) => (m.Metadata as Record<string, string> | undefined)?.messageId === id);
  return match?.MessageID ?? null;
}

/**
 * Delivers a QUEUED message (the send-email job). Success → SENT with Postmark's MessageID. A
 * permanent refusal (an inactive recipient, an invalid address) → FAILED at once. A transient failure
 * throws TransientEmailError so the job is retried; the last attempt also marks the message FAILED.
 */
export async function deliverEmail(id: string, attempt = 1, maxAttempts = EMAIL_MAX_ATTEMPTS): Promise<DeliveryOutcome> {
  // Claim it and count the attempt in one statement. Anything not QUEUED (sent, failed, gone) is left
  // alone, and so is a message another run is sending right now (its lease outlives the SDK's timeout).
  const [message] = await prisma.emailMessage.updateManyAndReturn({
    where: { id, status: "QUEUED", OR: [{ claimedAt: null }, { claimedAt: { lt: new Date(Date.now() - SEND_LEASE_MS) } }] },
    data: { attempts: { increment: 1 }, claimedAt: new Date() },
  });
  if (!message) {
    const current = await prisma.emailMessage.findUnique({ where: { id }, select: { status: true } });
    // Still QUEUED means another run holds the lease: let this job come back later rather than end.
    if (current?.status === "QUEUED") throw new TransientEmailError("another worker is sending this message; will check again");
    return "skipped";
  }
  if (message.transport === "dev-outbox") {
    await prisma.emailMessage.update({ where: { id }, data: { status: "SENT", sentAt: new Date(), error: null } });
    logger.info({ emailId: id, template: message.template }, "email stored in dev outbox");
    return "sent";
  }
  try {
    // An earlier attempt may have reached Postmark without us learning it (the process was killed
    // while sending, or the answer timed out): ask Postmark before sending again, so the customer gets
    // the message once (docs/decisions/007-email-delivery-and-jobs.md, "effectively once").
    if (message.attempts > 1) {
      const earlier = await findAcceptedCopy(id);
      if (earlier) {
        await prisma.emailMessage.update({
          where: { id },
          data: { status: "SENT", sentAt: new Date(), providerMessageId: earlier, textBody: null, htmlBody: null, error: null },
        });
        logger.info({ emailId: id, template: message.template, attempt }, "email was accepted by Postmark on an earlier attempt; not sent again");
        return "sent";
      }
    }
    const result = await (
      await postmark()
    ).sendEmail({
      From: env().EMAIL_FROM,
      To: message.to,
      Subject: message.subject,
      TextBody: message.textBody ?? "",
      HtmlBody: message.htmlBody ?? undefined,
      MessageStream: "outbound",
      Tag: message.template,
      // Ties Postmark's webhooks and activity back to this row.
      Metadata: { messageId: id },
    });
    await prisma.emailMessage.update({
      where: { id },
      data: { status: "SENT", sentAt: new Date(), providerMessageId: result.MessageID, textBody: null, htmlBody: null, error: null },
    });
    return "sent";
  } catch (error) {
    const { status, reason } = await describe(error);
    if (!isTransient(status)) {
      // Postmark refused this message itself (inactive recipient, invalid address): retrying cannot help.
      await prisma.emailMessage.update({ where: { id }, data: { status: "FAILED", error: reason, claimedAt: null } });
      logger.error({ emailId: id, template: message.template, status, attempt }, "email refused by Postmark");
      return "failed";
    }
    if (attempt >= maxAttempts) {
      // Out of retries: the message shows FAILED, and the throw leaves the job permanently failed with
      // its last error, on the jobs page, where the owner can retry it.
      await prisma.emailMessage.update({ where: { id }, data: { status: "FAILED", error: reason, claimedAt: null } });
      logger.error({ emailId: id, template: message.template, status, attempt }, "email delivery failed after every retry");
      throw new TransientEmailError(reason);
    }
    await prisma.emailMessage.update({ where: { id }, data: { error: reason, claimedAt: null } });
    logger.warn({ emailId: id, template: message.template, status, attempt }, "email delivery failed; will retry");
    throw new TransientEmailError(reason);
  }
}

/** What became of one message of a batch: an outcome, or the TransientEmailError that retries it. */
type BatchItemResult = { ok: true; outcome: DeliveryOutcome } | { ok: false; error: TransientEmailError };

/** How many Postmark searches a batch runs at once when it checks earlier attempts. */
const SEARCH_PARALLEL = 10;

/**
 * Delivers a batch of QUEUED messages (a send-email batch job) with Postmark's batch endpoint: one
 * claim, one POST /email/batch per 500 messages, and a few set-based updates to record the answers.
 * The same guarantees as deliverEmail, per message: a message that an earlier attempt may have
 * delivered (attempts > 1: a crash, a timeout, a failed search) is looked up in Postmark by its
 * Metadata.messageId first and never sent again when found; a message Postmark refused inside the
 * batch is FAILED alone; a message whose outcome is unknown or transient is retried alone. Results
 * come back in the order of `ids`.
 */
export async function deliverEmails(ids: string[], attempt = 1, maxAttempts = EMAIL_MAX_ATTEMPTS): Promise<BatchItemResult[]> {
  const results = new Map<string, BatchItemResult>();
  // Claim them and count the attempt in one statement, as deliverEmail does for one (raw SQL: Prisma
  // spends far longer compiling a 500-id update than Postgres spends running it).
  const claimedAt = new Date();
  const claimed = await prisma.$queryRaw<
    Array<{ id: string; to: string; subject: string; template: string; transport: string; textBody: string | null; htmlBody: string | null; attempts: number }>
  >`
    UPDATE "EmailMessage" SET attempts = attempts + 1, "claimedAt" = ${claimedAt}
     WHERE id = ANY(${ids}::text[]) AND status = 'QUEUED'
       AND ("claimedAt" IS NULL OR "claimedAt" < ${new Date(claimedAt.getTime() - SEND_LEASE_MS)})
    RETURNING id, "to", subject, template, transport, "textBody", "htmlBody", attempts`;
  const claimedIds = new Set(claimed.map((m) => m.id));
  const unclaimed = ids.filter((id) => !claimedIds.has(id));
  if (unclaimed.length) {
    const current = await prisma.emailMessage.findMany({ where: { id: { in: unclaimed } }, select: { id: true, status: true } });
    const status = new Map(current.map((m) => [m.id, m.status]));
    for (const id of unclaimed) {
      // Still QUEUED means another run holds the lease: that item comes back later rather than ends.
      results.set(
        id,
        status.get(id) === "QUEUED"
          ? { ok: false, error: new TransientEmailError("another worker is sending this message; will check again") }
          : { ok: true, outcome: "skipped" },
      );
    }
  }

  const outbox = claimed.filter((m) => m.transport === "dev-outbox");
  if (outbox.length) {
    await prisma.emailMessage.updateMany({ where: { id: { in: outbox.map((m) => m.id) } }, data: { status: "SENT", sentAt: new Date(), error: null } });
    for (const m of outbox) results.set(m.id, { ok: true, outcome: "sent" });
    logger.info({ count: outbox.length }, "emails stored in dev outbox");
  }

  const sent: Array<{ id: string; providerMessageId: string }> = [];
  const refused: Array<{ id: string; reason: string }> = [];
  const transient: Array<{ id: string; reason: string }> = [];
  let toSend = claimed.filter((m) => m.transport !== "dev-outbox");

  // An earlier attempt may have reached Postmark without us learning it: ask before sending again,
  // message by message (docs/decisions/007-email-delivery-and-jobs.md, "effectively once").
  const retried = toSend.filter((m) => m.attempts > 1);
  if (retried.length) {
    const unknown = new Set<string>();
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(SEARCH_PARALLEL, retried.length) }, async () => {
        while (next < retried.length) {
          const m = retried[next++];
          try {
            const earlier = await findAcceptedCopy(m.id);
            if (earlier) sent.push({ id: m.id, providerMessageId: earlier });
            else unknown.add(m.id);
          } catch (error) {
            // Sending without knowing could send twice: this message waits for the next attempt.
            transient.push({ id: m.id, reason: (await describe(error)).reason });
          }
        }
      }),
    );
    if (sent.length) logger.info({ count: sent.length, attempt }, "emails were accepted by Postmark on an earlier attempt; not sent again");
    toSend = toSend.filter((m) => m.attempts <= 1 || unknown.has(m.id));
  }

  const from = toSend.length ? env().EMAIL_FROM : "";
  for (let i = 0; i < toSend.length; i += POSTMARK_BATCH_LIMIT) {
    const chunk = toSend.slice(i, i + POSTMARK_BATCH_LIMIT);
    try {
      const answers = await (
        await postmarkBatch()
      ).sendEmailBatch(
        chunk.map((message) => ({
          From: from,
          To: message.to,
          Subject: message.subject,
          TextBody: message.textBody ?? "",
          HtmlBody: message.htmlBody ?? undefined,
          MessageStream: "outbound",
          Tag: message.template,
          // Ties Postmark's webhooks and activity, and the search above, back to this row.
          Metadata: { messageId: message.id },
        })),
      );
      // One answer per message, in order. A missing answer is an unknown outcome: retried, and so searched first.
      chunk.forEach((message, index) => {
        const answer = Array.isArray(answers) ? answers[index] : undefined;
        if (answer && answer.ErrorCode === 0 && answer.MessageID) sent.push({ id: message.id, providerMessageId: answer.MessageID });
        else if (!answer) transient.push({ id: message.id, reason: "Postmark's batch answer had no result for this message" });
        else {
          const reason = `PostmarkError ${answer.ErrorCode}: ${answer.Message}`.slice(0, 500);
          // A rate limit inside a batch may pass; any other refusal is about the message itself.
          (answer.ErrorCode === 429 ? transient : refused).push({ id: message.id, reason });
        }
      });
    } catch (error) {
      // The whole call failed: a timeout or a dropped connection may still have delivered some of the
      // messages, which is why their retry searches first.
      const { status, reason } = await describe(error);
      for (const message of chunk) (isTransient(status) ? transient : refused).push({ id: message.id, reason });
    }
  }

  await recordBatchOutcomes(sent, refused, transient, attempt >= maxAttempts);
  for (const s of sent) results.set(s.id, { ok: true, outcome: "sent" });
  for (const r of refused) results.set(r.id, { ok: true, outcome: "failed" });
  for (const t of transient) results.set(t.id, { ok: false, error: new TransientEmailError(t.reason) });
  if (refused.length) logger.error({ count: refused.length, emailIds: refused.slice(0, 20).map((r) => r.id), attempt }, "emails refused by Postmark");
  if (transient.length) {
    logger[attempt >= maxAttempts ? "error" : "warn"](
      { count: transient.length, emailIds: transient.slice(0, 20).map((t) => t.id), attempt, reason: transient[0].reason },
      attempt >= maxAttempts ? "email delivery failed after every retry" : "email delivery failed; will retry",
    );
  }
  return ids.map((id) => results.get(id) ?? { ok: false, error: new TransientEmailError("the message was not processed; will check again") });
}

/** Writes a batch's answers: three statements at most, whatever the batch size. */
async function recordBatchOutcomes(
  sent: Array<{ id: string; providerMessageId: string }>,
  refused: Array<{ id: string; reason: string }>,
  transient: Array<{ id: string; reason: string }>,
  lastAttempt: boolean,
) {
  if (sent.length) {
    await prisma.$executeRaw`
      UPDATE "EmailMessage" AS m
         SET status = 'SENT', "sentAt" = now(), "providerMessageId" = v.pid, "textBody" = NULL, "htmlBody" = NULL, error = NULL
        FROM unnest(${sent.map((s) => s.id)}::text[], ${sent.map((s) => s.providerMessageId)}::text[]) AS v(id, pid)
       WHERE m.id = v.id`;
  }
  // Out of retries, a transient failure is FAILED too (the job ends failed, with a retry on the jobs page).
  const failed = lastAttempt ? [...refused, ...transient] : refused;
  if (failed.length) {
    await prisma.$executeRaw`
      UPDATE "EmailMessage" AS m SET status = 'FAILED', error = v.reason, "claimedAt" = NULL
        FROM unnest(${failed.map((f) => f.id)}::text[], ${failed.map((f) => f.reason)}::text[]) AS v(id, reason)
       WHERE m.id = v.id`;
  }
  if (!lastAttempt && transient.length) {
    await prisma.$executeRaw`
      UPDATE "EmailMessage" AS m SET error = v.reason, "claimedAt" = NULL
        FROM unnest(${transient.map((t) => t.id)}::text[], ${transient.map((t) => t.reason)}::text[]) AS v(id, reason)
       WHERE m.id = v.id`;
  }
}

/** Puts a FAILED message back in the queue (the jobs page's retry button), clearing its failed job. */
export async function retryEmail(businessId: string, id: string) {
  const message = await prisma.emailMessage.findFirst({ where: { id, businessId, status: "FAILED" }, select: { id: true, batchJobKey: true } });
  if (!message) return false;
  // Its permanently failed job (alone, or a batch it was part of), read before the transaction as
  // graphile-worker asks of its jobs view; such a job is never picked up again, so the id stays good.
  const failed = (await jobsByKey([emailJobKey(message)])).filter((job) => job.attempts >= job.maxAttempts);
  return prisma.$transaction(async (tx) => {
    const updated = await tx.emailMessage.updateMany({
      where: { id, businessId, status: "FAILED" },
      data: { status: "QUEUED", error: null, attempts: 0, claimedAt: null, batchJobKey: null },
    });
    if (!updated.count) return false;
    // The failed job goes; the message gets a new one of its own.
    await completeJobs(
      tx,
      failed.map((job) => job.id),
    );
    await addJobs(tx, [sendJob(id, businessId)]);
    return true;
  });
}

export function escapeHtml(value: string) {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

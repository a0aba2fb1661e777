// The one way the app sends email. Every message is an EmailMessage row first, then delivered by
// Postmark when POSTMARK_SERVER_TOKEN is set, or kept in the development outbox (/dev/outbox).
import { ServerClient } from "postmark";
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "./db.server";
import { env } from "./env.server";
import { logger } from "./logger.server";

export type EmailContent = { subject: string; text: string; html: string };

export type OutgoingEmail = EmailContent & {
  businessId: string;
  to: string;
  template: string;
};

export function isDevOutbox() {
  return !env().POSTMARK_SERVER_TOKEN;
}

let client: ServerClient | undefined;
function postmark() {
  const { POSTMARK_SERVER_TOKEN, POSTMARK_API_URL } = env();
  if (!client) {
    const api = POSTMARK_API_URL ? new URL(POSTMARK_API_URL) : null;
    client = new ServerClient(POSTMARK_SERVER_TOKEN!, {
      useHttps: api ? api.protocol === "https:" : true,
      requestHost: api ? api.host : "api.postmarkapp.com",
      timeout: 10,
    });
  }
  return client;
}

type Db = Prisma.TransactionClient | typeof prisma;

export type QueuedEmail = OutgoingEmail & {
  /** At most one message per key, e.g. "receipt:<paymentId>": a repeat is silently skipped. */
  dedupeKey?: string;
  invoiceId?: string | null;
  estimateId?: string | null;
  paymentId?: string | null;
};

/**
 * Records a message as QUEUED, inside the caller's transaction when given one, so the email commits
 * with the change it is about. Resolves with the new row's id, or null when the dedupe key was taken.
 */
export async function queueEmail(db: Db, email: QueuedEmail): Promise<string | null> {
  const devOutbox = isDevOutbox();
  // ON CONFLICT DO NOTHING: a duplicate key must not abort the caller's transaction.
  const rows = await db.emailMessage.createManyAndReturn({
    data: {
      businessId: email.businessId,
      to: email.to,
      subject: email.subject,
      template: email.template,
      transport: devOutbox ? "dev-outbox" : "postmark",
      // Bodies wait here until delivery; Postmark messages drop them once sent (the outbox keeps them).
      textBody: email.text,
      htmlBody: email.html,
      dedupeKey: email.dedupeKey ?? null,
      invoiceId: email.invoiceId ?? null,
      estimateId: email.estimateId ?? null,
      paymentId: email.paymentId ?? null,
    },
    skipDuplicates: true,
    select: { id: true },
  });
  return rows[0]?.id ?? null;
}

/** Delivers a QUEUED message; errors are recorded on the row. Delivering a sent message again is a no-op. */
export async function deliverEmail(id: string): Promise<void> {
  const message = await prisma.emailMessage.findUnique({ where: { id } });
  if (!message || message.status !== "QUEUED") return;
  if (message.transport === "dev-outbox") {
    await prisma.emailMessage.update({ where: { id }, data: { status: "SENT", sentAt: new Date() } });
    logger.info({ emailId: id, template: message.template }, "email stored in dev outbox");
    return;
  }
  try {
    const result = await postmark().sendEmail({
      From: env().EMAIL_FROM,
      To: message.to,
      Subject: message.subject,
      TextBody: message.textBody ?? "",
      HtmlBody: message.htmlBody ?? undefined,
      MessageStream: "outbound",
      Tag: message.template,
    });
    await prisma.emailMessage.update({
      where: { id },
      data: { status: "SENT", sentAt: new Date(), providerMessageId: result.MessageID, textBody: null, htmlBody: null },
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await prisma.emailMessage.update({ where: { id }, data: { status: "FAILED", error: reason.slice(0, 500) } });
    logger.error({ emailId: id, template: message.template, err: reason }, "email delivery failed");
  }
}

/** Records the message and delivers it. Resolves with the EmailMessage id (null when the dedupe key was taken). */
export async function sendEmail(email: QueuedEmail): Promise<string | null> {
  const id = await queueEmail(prisma, email);
  if (id) await deliverEmail(id);
  return id;
}

export function escapeHtml(value: string) {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

// The one way the app sends email. Every message is an EmailMessage row first, then delivered by
// Postmark when POSTMARK_SERVER_TOKEN is set, or kept in the development outbox (/dev/outbox).
import { ServerClient } from "postmark";
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

/** Records the message and delivers it. Resolves with the EmailMessage id; delivery errors are recorded on the row. */
export async function sendEmail(email: OutgoingEmail): Promise<string> {
  const devOutbox = isDevOutbox();
  const message = await prisma.emailMessage.create({
    data: {
      businessId: email.businessId,
      to: email.to,
      subject: email.subject,
      template: email.template,
      transport: devOutbox ? "dev-outbox" : "postmark",
      // Bodies are kept only in the development outbox; production keeps metadata.
      textBody: devOutbox ? email.text : null,
      htmlBody: devOutbox ? email.html : null,
    },
    select: { id: true },
  });
  if (devOutbox) {
    await prisma.emailMessage.update({ where: { id: message.id }, data: { status: "SENT", sentAt: new Date() } });
    logger.info({ emailId: message.id, template: email.template }, "email stored in dev outbox");
    return message.id;
  }
  try {
    const result = await postmark().sendEmail({
      From: env().EMAIL_FROM,
      To: email.to,
      Subject: email.subject,
      TextBody: email.text,
      HtmlBody: email.html,
      MessageStream: "outbound",
      Tag: email.template,
    });
    await prisma.emailMessage.update({
      where: { id: message.id },
      data: { status: "SENT", sentAt: new Date(), providerMessageId: result.MessageID },
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await prisma.emailMessage.update({ where: { id: message.id }, data: { status: "FAILED", error: reason.slice(0, 500) } });
    logger.error({ emailId: message.id, template: email.template, err: reason }, "email delivery failed");
  }
  return message.id;
}

export function escapeHtml(value: string) {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

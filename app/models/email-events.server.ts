// Postmark's webhooks (Delivery, Open, Click, Bounce, SpamComplaint) move an EmailMessage forward.
// Statuses only advance (a late Delivery after an Open keeps OPENED); each event's time is kept for
// the invoice's email timeline. Unknown message ids and record types are acknowledged and ignored.
import { z } from "zod";
import type { EmailStatus } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";

const RANK: Record<EmailStatus, number> = { QUEUED: 0, FAILED: 0, SENT: 1, DELIVERED: 2, OPENED: 3, CLICKED: 4, BOUNCED: 5, SPAM_COMPLAINT: 6 };

const Event = z.object({
  RecordType: z.string(),
  MessageID: z.string().min(1).max(100),
  DeliveredAt: z.string().optional(),
  ReceivedAt: z.string().optional(),
  BouncedAt: z.string().optional(),
  Type: z.string().optional(),
});

const RECORDS = {
  Delivery: { status: "DELIVERED", column: "deliveredAt", at: "DeliveredAt" },
  Open: { status: "OPENED", column: "openedAt", at: "ReceivedAt" },
  Click: { status: "CLICKED", column: "clickedAt", at: "ReceivedAt" },
  Bounce: { status: "BOUNCED", column: "bouncedAt", at: "BouncedAt" },
  SpamComplaint: { status: "SPAM_COMPLAINT", column: "complainedAt", at: "BouncedAt" },
} as const;

type PostmarkEventResult = "updated" | "unchanged" | "unknown-message" | "ignored" | "invalid";

export async function applyPostmarkEvent(body: unknown): Promise<PostmarkEventResult> {
  const parsed = Event.safeParse(body);
  if (!parsed.success) return "invalid";
  const event = parsed.data;
  const record = RECORDS[event.RecordType as keyof typeof RECORDS];
  if (!record) return "ignored";
  const at = new Date(event[record.at] ?? Date.now());
  const when = Number.isNaN(at.getTime()) ? new Date() : at;
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "EmailMessage" WHERE "providerMessageId" = ${event.MessageID} FOR UPDATE`;
    if (!rows.length) return "unknown-message" as const;
    const message = await tx.emailMessage.findUniqueOrThrow({ where: { id: rows[0].id } });
    const advance = RANK[record.status] > RANK[message.status];
    const firstTime = message[record.column] === null;
    if (!advance && !firstTime) return "unchanged" as const;
    await tx.emailMessage.update({
      where: { id: message.id },
      data: { ...(advance ? { status: record.status } : {}), ...(firstTime ? { [record.column]: when } : {}) },
    });
    return "updated" as const;
  });
}

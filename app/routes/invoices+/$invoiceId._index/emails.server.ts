// The invoice page's email timeline, built in the loader: each email's title and what Postmark reported
// for it, in words, so the page's script carries only the markup (app/components/email-timeline.tsx).
import type { TimelineEmail } from "~/components/email-timeline";

const TEMPLATE_TITLES: Record<string, string> = {
  "invoice-sent": "Invoice",
  "estimate-sent": "Estimate",
  receipt: "Receipt",
  "overdue-reminder": "Overdue reminder",
  "review-request": "Review request",
  "estimate-approved": "Approval notice to you",
  "estimate-declined": "Decline notice to you",
  "invoice-paid": "Paid notice to you",
};

type EmailMessageRow = {
  id: string;
  template: string;
  to: string;
  status: string;
  error: string | null;
  createdAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  openedAt: Date | null;
  clickedAt: Date | null;
  bouncedAt: Date | null;
  complainedAt: Date | null;
};

const atUtc = (at: Date) => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export function emailTimelineView(messages: EmailMessageRow[]): TimelineEmail[] {
  return messages.map((m) => ({
    id: m.id,
    title: TEMPLATE_TITLES[m.template] ?? m.template,
    to: m.to,
    status: m.status,
    error: m.error,
    events: (
      [
        ["Queued", m.createdAt],
        ["Sent", m.sentAt],
        ["Delivered", m.deliveredAt],
        ["Opened", m.openedAt],
        ["Clicked", m.clickedAt],
        ["Bounced", m.bouncedAt],
        ["Marked as spam", m.complainedAt],
      ] as const
    ).flatMap(([label, at]) => (at ? [`${label} ${atUtc(at)}`] : [])),
  }));
}

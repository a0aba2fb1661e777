// The emails about a document, with what Postmark reported for each: sent, delivered, opened, clicked,
// bounced. Plain markup; no JavaScript needed.
import { StatusBadge } from "./status-badge";

const TEMPLATE_LABELS: Record<string, string> = {
  "invoice-sent": "Invoice",
  "estimate-sent": "Estimate",
  receipt: "Receipt",
  "overdue-reminder": "Overdue reminder",
  "review-request": "Review request",
  "estimate-approved": "Approval notice to you",
  "estimate-declined": "Decline notice to you",
  "invoice-paid": "Paid notice to you",
};

type TimelineEmail = { id: string; template: string; to: string; status: string; error: string | null; events: { label: string; at: string }[] };

export function EmailTimeline({ emails }: { emails: TimelineEmail[] }) {
  if (!emails.length) return null;
  return (
    <section className="card" aria-labelledby="emails-heading">
      <h2 id="emails-heading">Emails</h2>
      <ul className="stack" data-testid="email-timeline">
        {emails.map((m) => (
          <li key={m.id} data-testid="timeline-email">
            <strong>{TEMPLATE_LABELS[m.template] ?? m.template}</strong> to {m.to} <StatusBadge status={m.status} />
            <ol className="muted timeline">
              {m.events.map((e) => (
                <li key={e.label}>
                  {e.label} {e.at.slice(0, 16).replace("T", " ")} UTC
                </li>
              ))}
            </ol>
            {m.error ? <p className="muted">{m.error}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

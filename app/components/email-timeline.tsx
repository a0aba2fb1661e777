// The emails about a document, with what Postmark reported for each: sent, delivered, opened, clicked,
// bounced. Plain markup; no JavaScript needed. The loader builds the rows in words
// (invoices+/$invoiceId._index/emails.server.ts).
import { StatusBadge } from "./status-badge";

export type TimelineEmail = { id: string; title: string; to: string; status: string; error: string | null; events: string[] };

export function EmailTimeline({ emails }: { emails: TimelineEmail[] }) {
  if (!emails.length) return null;
  return (
    <section className="card" aria-labelledby="emails-heading">
      <h2 id="emails-heading">Emails</h2>
      <ul className="stack" data-testid="email-timeline">
        {emails.map((m) => (
          <li key={m.id} data-testid="timeline-email">
            <strong>{m.title}</strong> to {m.to} <StatusBadge status={m.status} />
            <ol className="muted timeline">
              {m.events.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ol>
            {m.error ? <p className="muted">{m.error}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

// Status labels and badges for documents, payments and emails, on the contractor's pages and the
// customer's (which show only what matters to the customer: see customerStatus).
import { statusLabel } from "~/models/labels";

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{statusLabel(status)}</span>;
}

/** The contractor's phone and email on the customer's pages, as tel: and mailto: links. */
export function ContactLinks({ phone, email }: { phone: string | null; email: string | null }) {
  if (!phone && !email) return null;
  return (
    <>
      {" at "}
      {phone ? <a href={`tel:${phone.replace(/[^\d+]/g, "")}`}>{phone}</a> : null}
      {phone && email ? " or " : null}
      {email ? <a href={`mailto:${email}`}>{email}</a> : null}
    </>
  );
}

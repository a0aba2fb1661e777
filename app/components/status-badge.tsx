// Status labels and badges for documents, payments and emails, on the contractor's pages and the
// customer's (which show only what matters to the customer: see customerStatus).
const LABELS: Record<string, string> = {
  DRAFT: "Draft",
  SENT: "Sent",
  VIEWED: "Viewed",
  PARTIALLY_PAID: "Partially paid",
  PAID: "Paid",
  VOID: "Void",
  OVERDUE: "Overdue",
  APPROVED: "Approved",
  DECLINED: "Declined",
  PENDING: "Pending",
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  REFUNDED: "Refunded",
  DISPUTED: "Disputed",
  QUEUED: "Queued",
  DELIVERED: "Delivered",
  OPENED: "Opened",
  CLICKED: "Clicked",
  BOUNCED: "Bounced",
  SPAM_COMPLAINT: "Spam complaint",
};

export function statusLabel(status: string) {
  return LABELS[status] ?? status;
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{statusLabel(status)}</span>;
}

const METHOD_LABELS: Record<string, string> = {
  CASH: "Cash",
  CHECK: "Check",
  BANK_TRANSFER: "Bank transfer",
  CARD: "Card",
  ACH: "Bank account (ACH)",
  PAYPAL: "PayPal",
  OTHER: "Other",
};

export function paymentMethodLabel(method: string) {
  return METHOD_LABELS[method] ?? method;
}

/**
 * The badge a customer sees on their own invoice or estimate: "Viewed" and "Sent" describe the
 * contractor's side of things (the customer knows they are looking at it), so those show no badge.
 */
export function customerStatus(status: string): string | null {
  return status === "SENT" || status === "VIEWED" || status === "DRAFT" ? null : status;
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

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

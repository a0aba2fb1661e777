// The words for statuses and payment methods, shared by the pages, the PDFs and the emails. They
// live in the domain so server documents never import UI components (app/components/status-badge.tsx
// renders them as badges).
const STATUS_LABELS: Record<string, string> = {
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
  return STATUS_LABELS[status] ?? status;
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
 * The status a customer sees on their own invoice or estimate: "Viewed" and "Sent" describe the
 * contractor's side of things (the customer knows they are looking at it), so those show no badge.
 */
export function customerStatus(status: string): string | null {
  return status === "SENT" || status === "VIEWED" || status === "DRAFT" ? null : status;
}

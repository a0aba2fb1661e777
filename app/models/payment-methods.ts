// Zod-free, because the invoice page's "Record a payment" form imports it (issue 17).
/** How a contractor can record a payment by hand (card and PayPal payments come from the providers). */
export const MANUAL_PAYMENT_METHODS = ["CASH", "CHECK", "BANK_TRANSFER", "OTHER"] as const;

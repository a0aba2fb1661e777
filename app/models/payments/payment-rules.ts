// The limits of a payment, shared by the payment path (payment.server.ts) and the API's schemas and
// OpenAPI document (api-schemas.ts), so what is documented is what is enforced.
import { MAX_TOTAL } from "~/models/document-form";

/**
 * What an invoice can have been paid in total. Invoice.amountPaidCents is a 32-bit integer: twice the
 * largest invoice total keeps every sum of it (and the dashboard's) far from overflowing, and still
 * lets an invoice be overpaid by its whole total. A payment beyond this is refused with a field error.
 */
export const MAX_PAID_CENTS = 2 * MAX_TOTAL;
/** Post-dated checks are recorded ahead of time, but not further ahead than this. */
export const MAX_PAYMENT_DAYS_AHEAD = 31;

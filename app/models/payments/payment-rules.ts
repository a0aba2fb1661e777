// The limits of a payment, shared by the payment path (payment.server.ts) and the API's schemas and
// OpenAPI document (api-schemas.ts), so what is documented is what is enforced.
import { toDateString, todayIn } from "~/utils/dates";
import { MAX_TOTAL } from "~/models/document-input";

/**
 * What an invoice can have been paid in total. Invoice.amountPaidCents is a 32-bit integer: twice the
 * largest invoice total keeps every sum of it (and the dashboard's) far from overflowing, and still
 * lets an invoice be overpaid by its whole total. A payment beyond this is refused with a field error.
 */
export const MAX_PAID_CENTS = 2 * MAX_TOTAL;
/** Post-dated checks are recorded ahead of time, but not further ahead than this. */
export const MAX_PAYMENT_DAYS_AHEAD = 31;

/** The day a payment was received, as YYYY-MM-DD (payments written before receivedOn existed: their local date). */
export function paymentDay(payment: { receivedOn: Date | null; receivedAt: Date }, timeZone: string) {
  return payment.receivedOn ? toDateString(payment.receivedOn) : todayIn(timeZone, payment.receivedAt);
}

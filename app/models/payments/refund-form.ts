// The one schema of the invoice page's "Refund" form for card and PayPal payments: which payment, the
// form's idempotency key (one per page render, so a double tap refunds once), an optional amount (empty:
// everything still refundable) and a reason. Shared by the server parse and the form's field constraints.
import { z } from "zod";
import { currencyDigits, parseDecimal } from "~/utils/money";

export const REFUND_INTENT = "refund-online";
const FORM_EXPIRED = "This form expired; reload the page and try again";

export function refundFormSchema(currency: string) {
  const digits = currencyDigits(currency);
  return z.object({
    intent: z.literal(REFUND_INTENT),
    paymentId: z.string({ error: "Choose a payment of this invoice" }).regex(/^[A-Za-z0-9_-]{1,64}$/, "Choose a payment of this invoice"),
    key: z.string({ error: FORM_EXPIRED }).regex(/^[A-Za-z0-9_-]{16,64}$/, FORM_EXPIRED),
    amount: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v.trim() === "") return undefined;
        const cents = parseDecimal(v.trim(), digits);
        if (cents === null || cents <= 0) {
          ctx.addIssue({ code: "custom", message: "Enter an amount above zero, such as 25.00, or leave it empty to refund everything left" });
          return z.NEVER;
        }
        return cents;
      }),
    reason: z.string({ error: "Say why you are refunding" }).trim().min(3, "Say why you are refunding").max(500, "Keep it under 500 characters"),
  });
}

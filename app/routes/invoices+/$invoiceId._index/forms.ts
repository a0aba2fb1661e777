// The invoice page's forms (record a payment, mark paid, mark a payment refunded, refund online, repeat,
// send, mark sent, remind, void) post to the page with their `intent`: this is their one schema, a zod
// union on that intent, used by the action (actions.server.ts); the forms in the browser import only its types.
// Each form reads the action's `result` only when it answers its own intent (`replyFor`, reply-for.ts).
import { z } from "zod";
import { MANUAL_PAYMENT_METHODS } from "~/models/api-schemas";
import { RecurringFormSchema } from "~/models/recurring-form";
import { refundFormSchema } from "~/models/payments/refund-form";
import { currencyDigits, parseDecimal } from "~/utils/money";
import { DateString } from "~/utils/schemas";

export const FORM_EXPIRED = "This form expired; reload the page and try again";
export const UNKNOWN_ACTION = "Unknown action";
// A missing key (Conform reads an empty field as missing) gets the same message as a malformed one.
const IdempotencyKey = z.string({ error: FORM_EXPIRED }).regex(/^[A-Za-z0-9_-]{16,64}$/, FORM_EXPIRED);

export function recordPaymentSchema(currency: string) {
  const digits = currencyDigits(currency);
  return z.object({
    intent: z.literal("record-payment"),
    key: IdempotencyKey,
    amount: z.string({ error: "Enter the amount received" }).transform((v, ctx) => {
      const cents = parseDecimal(v, digits);
      if (cents === null || cents <= 0 || cents > 1_000_000_000) {
        ctx.addIssue({ code: "custom", message: "Enter an amount above zero, such as 150.00" });
        return z.NEVER;
      }
      return cents;
    }),
    method: z.enum(MANUAL_PAYMENT_METHODS, { error: "Choose how you were paid" }),
    receivedOn: DateString,
    reference: z.string().trim().max(100, "Keep it under 100 characters").optional(),
    // Asked for when the amount is far above the balance (a typo such as 20000000 for 200.00).
    confirmOverpayment: z.boolean().optional(),
  });
}

const recurring = RecurringFormSchema as unknown as z.ZodType<z.output<typeof RecurringFormSchema>, { intent: "make-recurring" }>;

export function invoicePageSchema(currency: string) {
  return z.discriminatedUnion("intent", [
    recordPaymentSchema(currency),
    z.object({ intent: z.literal("mark-paid"), key: IdempotencyKey }),
    z.object({ intent: z.literal("refund-payment"), paymentId: z.string({ error: "Choose a payment of this invoice" }) }),
    refundFormSchema(currency),
    z
      .object({ intent: z.literal("make-recurring") })
      .loose()
      .pipe(recurring)
      .transform((schedule) => ({ intent: "make-recurring" as const, schedule })),
    z.object({ intent: z.literal("send-email") }),
    z.object({ intent: z.literal("mark-sent") }),
    z.object({ intent: z.literal("send-reminder") }),
    z.object({ intent: z.literal("void") }),
  ]);
}

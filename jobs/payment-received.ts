// Jobs queued before follow-ups were coalesced (jobs/payment-follow-ups.ts, docs/decisions/024) still run
// here until none is left. After a provider webhook recorded a payment: reads the
// card's brand and last four from Stripe when the event did not carry them, then queues the receipt and,
// when the payment paid the invoice, the contractor's notice. Kept off the webhook's answer, which only
// records the money. A failed Stripe lookup is retried; the last attempt sends the receipt without details.
import type { Task } from "graphile-worker";
import { z } from "zod";
import { completeStripePayment } from "~/models/payments/stripe-events.server";

const Payload = z.object({
  paymentId: z.string().min(1),
  businessId: z.string().min(1),
  invoicePaidAt: z.string().datetime().nullable(),
});

const paymentReceived: Task<"payment-received"> = async (payload, helpers) => {
  const job = Payload.parse(payload);
  await completeStripePayment(job, { last: helpers.job.attempts >= helpers.job.max_attempts });
};

export default paymentReceived;

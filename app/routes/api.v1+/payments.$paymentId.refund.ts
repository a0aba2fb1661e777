// POST /api/v1/payments/:paymentId/refund. A manual payment (empty body) is recorded as given back and
// the invoice recomputed. A card or PayPal payment is refunded at Stripe or PayPal (amountCents optional,
// reason required), once per Idempotency-Key header; 202 with the pending refund, and the payment changes
// when the provider's webhook confirms it. See docs/decisions/012-paypal-partner-and-refunds.md.
import { apiRefundPayment } from "~/web/api/api-resources.server";
import { RefundBody } from "~/models/api-schemas";
import { apiAction, apiJson, apiLoader, ApiError, readJson, requireApiAuth } from "~/web/api.server";
import { randomToken } from "~/utils/crypto.server";

export const loader = apiLoader();

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_\-:.]{8,100}$/;

export const action = apiAction(
  {
    POST: async ({ request, params }) => {
      const { businessId, userId } = await requireApiAuth(request);
      const key = request.headers.get("Idempotency-Key");
      if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
        throw new ApiError(400, "validation_failed", "The Idempotency-Key header is not valid.", {
          "Idempotency-Key": ["Use 8 to 100 letters, digits, - _ : or ."],
        });
      }
      const body = await readJson(request, RefundBody, { optional: true });
      const result = await apiRefundPayment(businessId, userId, params.paymentId!, body, key ?? randomToken(16));
      return apiJson(result.body, { status: result.status });
    },
  },
  false,
);

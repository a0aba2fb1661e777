// POST /api/v1/payments/:paymentId/refund: records that a manual payment was given back (the invoice's
// balance is recomputed). Card and PayPal payments are refunded at the provider; their webhook updates them.
import { apiGetPayment } from "~/models/api-resources.server";
import { EmptyBody } from "~/models/api-schemas";
import { refundPayment } from "~/models/payment.server";
import { apiAction, apiLoader, readJson, requireApiAuth, resourceResponse } from "~/utils/api.server";

export const loader = apiLoader();

export const action = apiAction(
  {
    POST: async ({ request, params }) => {
      const { businessId } = await requireApiAuth(request);
      const payment = await apiGetPayment(businessId, params.paymentId!);
      await readJson(request, EmptyBody, { optional: true });
      await refundPayment(businessId, payment.id);
      return resourceResponse(request, await apiGetPayment(businessId, payment.id));
    },
  },
  false,
);

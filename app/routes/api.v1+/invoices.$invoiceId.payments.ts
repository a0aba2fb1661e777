// GET/POST /api/v1/invoices/:invoiceId/payments: the invoice's payments; record one received by hand.
// Send an Idempotency-Key header so a retried request records the payment once (app/web/api/idempotency.server.ts).
import { apiGetInvoice, apiListPayments, apiRecordPayment } from "~/web/api/api-resources.server";
import { PaymentCreateBody, PaymentListQuery } from "~/models/api-schemas";
import { idempotent, readIdempotencyKey } from "~/web/api/idempotency.server";
import { apiAction, apiJson, apiLoader, decodeCursor, readJson, readQuery, requireApiAuth } from "~/web/api.server";
import { randomToken } from "~/utils/crypto.server";

export const loader = apiLoader(async ({ request, params }) => {
  const { businessId } = await requireApiAuth(request);
  const invoice = await apiGetInvoice(businessId, params.invoiceId!);
  const query = readQuery(request, PaymentListQuery.omit({ invoiceId: true }));
  return apiJson(await apiListPayments(businessId, { ...query, invoiceId: invoice.id }, decodeCursor(query.cursor)));
});

export const action = apiAction({
  POST: async ({ request, params }) => {
    const { businessId, userId } = await requireApiAuth(request);
    const invoice = await apiGetInvoice(businessId, params.invoiceId!);
    const key = readIdempotencyKey(request);
    const body = await readJson(request, PaymentCreateBody);
    return idempotent(
      request,
      businessId,
      body,
      async () => {
        // The key also becomes the payment's unique id on the payment path, which refuses the same key on another invoice.
        const result = await apiRecordPayment(businessId, invoice, body, userId, key ?? randomToken(16));
        return apiJson({ data: result.payment, duplicate: !result.created }, { status: result.created ? 201 : 200 });
      },
      // A retry is answered 200 with duplicate: true (as documented), the payment as first recorded.
      { replay: (stored) => ({ ...stored, status: 200, body: JSON.stringify({ ...JSON.parse(stored.body), duplicate: true }) }) },
    );
  },
});

// GET/POST /api/v1/invoices/:invoiceId/payments: the invoice's payments; record one received by hand.
// Send an Idempotency-Key header so a retried request records the payment once.
import { apiGetInvoice, apiListPayments, apiRecordPayment } from "~/models/api-resources.server";
import { PaymentCreateBody, PaymentListQuery } from "~/models/api-schemas";
import { apiAction, apiJson, apiLoader, ApiError, decodeCursor, readJson, readQuery, requireApiAuth } from "~/utils/api.server";
import { randomToken } from "~/utils/crypto.server";

export const loader = apiLoader(async ({ request, params }) => {
  const { businessId } = await requireApiAuth(request);
  const invoice = await apiGetInvoice(businessId, params.invoiceId!);
  const query = readQuery(request, PaymentListQuery.omit({ invoiceId: true }));
  return apiJson(await apiListPayments(businessId, { ...query, invoiceId: invoice.id }, decodeCursor(query.cursor)));
});

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_\-:.]{8,100}$/;

export const action = apiAction({
  POST: async ({ request, params }) => {
    const { businessId, userId } = await requireApiAuth(request);
    const invoice = await apiGetInvoice(businessId, params.invoiceId!);
    const key = request.headers.get("Idempotency-Key");
    if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
      throw new ApiError(400, "validation_failed", "The Idempotency-Key header is not valid.", { "Idempotency-Key": ["Use 8 to 100 letters, digits, - _ : or ."] });
    }
    const body = await readJson(request, PaymentCreateBody);
    const result = await apiRecordPayment(businessId, invoice, body, userId, key ?? randomToken(16));
    return apiJson({ data: result.payment, duplicate: !result.created }, { status: result.created ? 201 : 200 });
  },
});

// The receipt PDF of a paid invoice, downloaded from the customer's pay link (issue 14). Same signed-link
// check as the pay page; an invoice that is not paid (yet, or any more after a refund) has no receipt: 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadPayLink } from "~/models/payments/checkout.server";
import { pdfResponse, renderReceiptPdfFile } from "~/models/pdf.server";
import { linkProblem } from "~/models/signed-link.server";
import { enforceRateLimit } from "~/utils/rate-limit.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params, context }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  const link = await loadPayLink(params.invoiceId!, url.searchParams.get("t"), url.searchParams.get("d"));
  if (!link.ok) throw linkProblem(link.reason);
  await enforceRateLimit("customer-pdf", context);
  return pdfResponse(await renderReceiptPdfFile(link.invoice.businessId, link.invoice.id));
});

// The invoice as a PDF, downloaded from the customer's pay link (issue 14). The same signed-link check as
// the pay page (loadPayLink): a bad, expired or void link answers the same 401. The business is the
// invoice's own, so the PDF is the one the contractor downloads.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadPayLink } from "~/models/payments/checkout.server";
import { pdfResponse, renderInvoicePdfFile } from "~/models/pdf.server";
import { linkProblem } from "~/models/signed-link.server";
import { enforceRateLimit } from "~/utils/rate-limit.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params, context }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  const link = await loadPayLink(params.invoiceId!, url.searchParams.get("t"), url.searchParams.get("d"));
  if (!link.ok) throw linkProblem(link.reason);
  await enforceRateLimit("customer-pdf", context);
  return pdfResponse(await renderInvoicePdfFile(link.invoice.businessId, link.invoice.id));
});

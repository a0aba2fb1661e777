// The invoice as a PDF download. The business comes from the session and the query is scoped to it,
// so another business's invoice id answers 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { pdfResponse, renderInvoicePdfFile } from "~/models/pdf.server";
import { requireBusiness } from "~/web/auth.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  return pdfResponse(await renderInvoicePdfFile(businessId, params.invoiceId!));
});

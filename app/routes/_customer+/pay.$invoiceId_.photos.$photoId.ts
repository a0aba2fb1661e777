// A job photo of the invoice, for the customer's pay page: the same signed-link check as the page
// (loadPayLink), so a bad, expired or void link gets the same 401 and a photo of another invoice a 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadPayLink } from "~/models/payments/checkout.server";
import { getJobPhoto } from "~/models/job-photo.server";
import { linkProblem } from "~/models/signed-link.server";
import { imageResponse, noImage } from "~/utils/image-response.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  const link = await loadPayLink(params.invoiceId!, url.searchParams.get("t"), url.searchParams.get("d"));
  if (!link.ok) throw linkProblem(link.reason);
  const photo = await getJobPhoto(link.invoice.businessId, { kind: "invoice", id: link.invoice.id }, params.photoId!);
  if (!photo) throw noImage("No such photo");
  return imageResponse(request, { bytes: photo.bytes, mimeType: photo.mimeType, version: photo.createdAt });
});

// A job photo of the estimate, for the customer's estimate page: the same signed-link check as the page
// (loadEstimateLink), so a bad, expired or void link gets the same 401 and a photo of another estimate a 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadEstimateLink } from "~/models/estimate.server";
import { getJobPhoto } from "~/models/job-photo.server";
import { imageResponse, noImage } from "~/utils/image-response.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  const estimate = await loadEstimateLink(params.estimateId!, url.searchParams.get("t"), url.searchParams.get("d"));
  const photo = await getJobPhoto(estimate.business.id, { kind: "estimate", id: estimate.id }, params.photoId!);
  if (!photo) throw noImage("No such photo");
  return imageResponse(request, { bytes: photo.bytes, mimeType: photo.mimeType, version: photo.createdAt });
});

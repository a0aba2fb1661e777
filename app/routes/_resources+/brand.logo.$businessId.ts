// A business's logo as its customers see it: on the pay and estimate pages (a separate, lazy image
// request, so the pages stay light) and in emails (mail clients fetch it without any cookie). A logo is
// public branding, so a plain URL keyed by the business id is enough; it serves the image and nothing
// else, and nothing for a closed account. The type was decided from the file's bytes at upload, and
// helmet's nosniff (on every response) keeps browsers from second-guessing it.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getPublicLogo } from "~/models/branding.server";
import { mapDomainErrors } from "~/web/errors.server";

const notFound = () =>
  new Response("No logo", {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "public, max-age=300" },
  });

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const businessId = params.businessId ?? "";
  // Business ids are cuids; anything else is not worth a query.
  if (!/^[a-z0-9]{1,40}$/i.test(businessId)) throw notFound();
  const logo = await getPublicLogo(businessId);
  if (!logo) throw notFound();
  // Pages and emails link to ?v=<upload time>, which changes with every upload: that URL can be cached
  // for good. Any other URL is kept only briefly, so a replaced or removed logo goes away soon.
  const version = new URL(request.url).searchParams.get("v");
  const cacheControl = version === String(logo.updatedAt.getTime()) ? "public, max-age=31536000, immutable" : "public, max-age=300";
  return new Response(logo.bytes, {
    status: 200,
    headers: {
      "Content-Type": logo.mimeType,
      "Content-Length": String(logo.bytes.byteLength),
      "Cache-Control": cacheControl,
      "Content-Disposition": "inline",
      "Last-Modified": logo.updatedAt.toUTCString(),
    },
  });
});

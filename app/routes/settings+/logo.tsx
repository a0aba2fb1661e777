// The signed-in business's logo. The business comes from the session only, so one business can never
// fetch another's. The stored type was decided from the file's bytes at upload; nosniff keeps browsers
// from second-guessing it.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getLogo } from "~/models/business.server";
import { requireBusiness } from "~/web/auth.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const logo = await getLogo(businessId);
  if (!logo) {
    throw new Response("No logo", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store" },
    });
  }
  // The settings page links to ?v=<upload time>, which changes with every upload: that URL can be cached
  // for good. Any other URL is revalidated each time.
  const version = new URL(request.url).searchParams.get("v");
  const cacheControl = version === String(logo.updatedAt.getTime()) ? "private, max-age=31536000, immutable" : "private, no-cache";
  return new Response(logo.bytes, {
    status: 200,
    headers: {
      "Content-Type": logo.mimeType,
      "Content-Length": String(logo.bytes.byteLength),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": cacheControl,
      "Content-Disposition": "inline",
      "Last-Modified": logo.updatedAt.toUTCString(),
    },
  });
});

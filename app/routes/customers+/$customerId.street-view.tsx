// The Street View photo of a customer's address, fetched by this server with its Google key (which never
// reaches the browser, and keeps the CSP's img-src at 'self'). Only the address is sent to Google, and only
// when the contractor asked to see the photo (the customer page shows a link first).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getCustomer } from "~/models/customer.server";
import { requireBusiness } from "~/web/auth.server";
import { googleMapsConfigured, streetViewImage } from "~/utils/google-maps.server";
import { ProviderError, spendProviderBudget } from "~/utils/provider-fetch.server";
import { mapDomainErrors } from "~/web/errors.server";

const text = (status: number, message: string, headers: Record<string, string> = {}) =>
  new Response(message, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store", ...headers },
  });

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const customer = await getCustomer(businessId, params.customerId ?? "");
  if (!googleMapsConfigured()) return text(404, "Street View is not set up on this server.");
  const address = [
    [customer.addressLine1, customer.addressLine2].filter(Boolean).join(" "),
    customer.city,
    customer.region,
    customer.postalCode,
    customer.country,
  ]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(", ");
  if (!customer.addressLine1 || !(customer.city || customer.postalCode)) return text(404, "This customer has no street address.");
  try {
    await spendProviderBudget("street-view", businessId);
    const image = await streetViewImage(address);
    if (!image) return text(404, "Google has no Street View photo of this address.");
    return new Response(image.bytes, {
      status: 200,
      headers: {
        "Content-Type": image.contentType,
        "Content-Length": String(image.bytes.byteLength),
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline",
        // The browser may keep it for a day; nothing is stored on this server.
        "Cache-Control": "private, max-age=86400",
      },
    });
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return text(error.status, error.message, error.retryAfterSeconds ? { "Retry-After": String(error.retryAfterSeconds) } : {});
  }
});

// Stripe's hosted onboarding sends the owner back here (the Account Link's return_url). The `state` must be
// one this browser session started for this business, unused and unexpired: anything else is 400 and
// changes nothing. Then the account is read from Stripe and its state stored (app/models/payments/stripe-connect.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { completeStripeOnboarding, InvalidConnectState } from "~/models/payments/stripe-connect.server";
import { requireOwner } from "~/web/auth.server";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId, sessionId } = await requireOwner(request);
  const state = new URL(request.url).searchParams.get("state");
  try {
    const result = await completeStripeOnboarding(state, businessId, sessionId);
    if (!result.ok) return redirectWithFlash(request, "/settings/payments", { kind: "error", message: `${result.message} Reload this page to try again.` });
    return redirectWithFlash(request, "/settings/payments", {
      kind: "success",
      message: result.chargesEnabled
        ? "Stripe is connected. Your pay pages now take card payments."
        : "Thanks. Stripe still needs a few details before you can take payments.",
    });
  } catch (error) {
    if (error instanceof InvalidConnectState)
      throw new Response(error.message, { status: 400, statusText: "Link not valid", headers: { "Cache-Control": "no-store" } });
    throw error;
  }
});

// The loader always redirects or answers 400 (shown by the root error boundary).
export default function StripeReturn() {
  return null;
}

export { ErrorBoundary } from "~/components/error-boundary";

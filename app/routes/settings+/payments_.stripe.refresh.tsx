// Stripe sends the owner here (the Account Link's refresh_url) when an onboarding link expired or was
// already used: with a valid single-use state (this session, this business), a new Account Link; with
// anything else, 400 and nothing changes (app/models/payments/stripe-connect.server.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { InvalidConnectState, refreshStripeOnboarding } from "~/models/payments/stripe-connect.server";
import { requireOwner } from "~/web/auth.server";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId, sessionId } = await requireOwner(request);
  const state = new URL(request.url).searchParams.get("state");
  try {
    const result = await refreshStripeOnboarding(state, businessId, sessionId);
    if (result.ok) return redirect(result.url, { status: 303, headers: { "Cache-Control": "no-store" } });
    return redirectWithFlash(request, "/settings/payments", { kind: "error", message: `${result.message} Use “Continue setup” to try again.` });
  } catch (error) {
    if (error instanceof InvalidConnectState)
      throw new Response(error.message, { status: 400, statusText: "Link not valid", headers: { "Cache-Control": "no-store" } });
    throw error;
  }
});

// The loader always redirects or answers 400 (shown by the root error boundary).
export default function StripeRefresh() {
  return null;
}

export { ErrorBoundary } from "~/components/error-boundary";

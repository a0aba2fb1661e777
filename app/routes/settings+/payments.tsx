// Settings → Payments (owner only): where a business connects the accounts its customers pay into. Each
// provider is its own section: Stripe (app/components/stripe-payments-section.tsx, domain in
// app/models/payments/stripe-connect.server.ts, handled here) and PayPal (app/components/paypal-connect-panel.tsx,
// domain in app/models/payments/paypal-connect.server.ts, its actions in settings.payments_.paypal.tsx).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { PayPalConnectPanel } from "~/components/paypal-connect-panel";
import { StripePaymentsSection } from "~/components/stripe-payments-section";
import { DomainError } from "~/models/errors.server";
import { paypalConnectStatus, refreshPayPalMerchant } from "~/models/payments/paypal-connect.server";
import { disconnectStripe, startStripeOnboarding, stripeSettings } from "~/models/payments/stripe-connect.server";
import { requireOwner } from "~/web/auth.server";
import { redirectWithFlash } from "~/utils/session.server";
import { formErrors } from "~/components/forms";
import { mapDomainErrors } from "~/web/errors.server";
import { replyWithFormError } from "~/web/forms.server";
import type { RouteHandle } from "~/root";
import { PaymentsActionSchema } from "./__forms.server";

export const meta: MetaFunction = () => [{ title: "Payments | Invoice Link" }];

// Works fully as HTML (links and plain forms): no JavaScript to load (issue 17).
export const handle: RouteHandle = { hydrate: false };

const NO_STORE = { "Cache-Control": "private, no-store" };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireOwner(request);
  // Both read the live state from the provider; when it does not answer, the last one we know, said as much.
  const [stripe, refreshed] = await Promise.all([stripeSettings(businessId), refreshPayPalMerchant(businessId)]);
  const paypal = { ...(await paypalConnectStatus(businessId)), refreshProblem: refreshed.ok ? null : refreshed.message };
  return json({ stripe, paypal }, { headers: NO_STORE });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  const { businessId, sessionId } = await requireOwner(request);
  const submission = parseWithZod(await request.formData(), { schema: PaymentsActionSchema });
  if (submission.status !== "success")
    return replyWithFormError(submission, "That action is not available. Reload the page and try again.", { headers: NO_STORE });
  switch (submission.value.intent) {
    case "connect-stripe": {
      try {
        const result = await startStripeOnboarding(businessId, sessionId);
        // Stripe's hosted onboarding; it sends the owner back to /settings/payments/stripe/return.
        if (result.ok) return redirect(result.url, { status: 303, headers: NO_STORE });
        return replyWithFormError(submission, result.message, { status: 502, headers: NO_STORE });
      } catch (error) {
        if (error instanceof DomainError) return replyWithFormError(submission, error.message, { status: 409, headers: NO_STORE });
        throw error;
      }
    }
    case "disconnect-stripe": {
      const was = await disconnectStripe(businessId);
      return redirectWithFlash(request, "/settings/payments", {
        kind: "success",
        message: was ? "Stripe is disconnected. Your pay pages no longer offer card payment." : "Stripe was not connected.",
      });
    }
  }
});

export default function PaymentsSettings() {
  const { stripe, paypal } = useLoaderData<typeof loader>();
  const formError = formErrors(useActionData<typeof action>()?.result)?.[0];
  const [params] = useSearchParams();
  return (
    <div className="stack narrow">
      <h1>Payments</h1>
      <p className="muted">Where your customers' online payments go. Until an account can take payments, your pay pages show your phone and email instead.</p>
      {formError ? (
        <p className="flash flash-error" role="alert" data-testid="payments-error">
          {formError}
        </p>
      ) : null}
      <StripePaymentsSection settings={stripe} confirmDisconnect={params.get("confirm") === "disconnect-stripe"} />
      <PayPalConnectPanel status={paypal} />
      <p>
        <Link to="/settings">Back to settings</Link>
      </p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

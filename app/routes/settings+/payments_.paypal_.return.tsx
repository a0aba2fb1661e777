// GET /settings/payments/paypal/return: where PayPal sends the owner back after its sign-up, with our
// single-use state, merchantId (our tracking id) and merchantIdInPayPal. A state that is not this
// session's and business's, expired or used gets 400 and changes nothing; a PayPal failure while
// confirming the merchant changes nothing either and offers to try the same link again.
// (The trailing underscores keep this route out of the Settings → Payments page layout: it renders on its own.)
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { ConnectStateError } from "~/models/payments/connect-state.server";
import { DomainError } from "~/models/errors.server";
import { finishPayPalConnect } from "~/models/payments/paypal-connect.server";
import { requireOwner } from "~/web/auth.server";
import { logger } from "~/utils/logger.server";
import { PayPalError } from "~/models/payments/paypal-client.server";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";

export const meta: MetaFunction = () => [{ title: "Connecting PayPal | Invoice Link" }];

const NO_STORE = { "Cache-Control": "private, no-store" };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId, sessionId } = await requireOwner(request);
  const url = new URL(request.url);
  const q = (name: string) => url.searchParams.get(name);
  try {
    const merchant = await finishPayPalConnect({
      businessId,
      sessionId,
      state: q("state"),
      trackingId: q("merchantId"),
      merchantIdInPayPal: q("merchantIdInPayPal"),
    });
    const ready = merchant.payments_receivable && merchant.primary_email_confirmed;
    return redirectWithFlash(request, "/settings/payments", {
      kind: ready ? "success" : "info",
      message: ready ? "PayPal connected. Pay pages now offer PayPal." : "PayPal connected, but PayPal does not let the account take payments yet. See below.",
    });
  } catch (error) {
    if (error instanceof ConnectStateError) return json({ error: error.message, retry: false }, { status: 400, headers: NO_STORE });
    if (error instanceof DomainError) return json({ error: error.message, retry: false }, { status: 409, headers: NO_STORE });
    if (!(error instanceof PayPalError)) throw error;
    logger.warn({ businessId, err: error.message }, "paypal connection not confirmed");
    return json({ error: `${error.message}. Nothing was changed.`, retry: true }, { status: 502, headers: NO_STORE });
  }
});

export default function PayPalReturn() {
  const data = useLoaderData<typeof loader>();
  const location = useLocation();
  return (
    <div className="stack">
      <h1>Connecting PayPal</h1>
      <p className="flash flash-error" role="alert">
        {data.error}
      </p>
      <p>
        {data.retry ? (
          <>
            <a href={`${location.pathname}${location.search}`}>Try again</a> ·{" "}
          </>
        ) : null}
        <Link to="/settings/payments">Back to Settings → Payments</Link>
      </p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

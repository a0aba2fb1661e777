// Settings → Payments, the PayPal part: connect the business's own PayPal account (PayPal's hosted
// sign-up, a plain form POST that redirects there, so it works without JavaScript), see whether PayPal
// lets it take payments, and disconnect. The page that hosts it loads the status; this only shows it.
import { Form } from "@remix-run/react";

type PayPalPanelStatus = {
  configured: boolean;
  partnerMode: boolean;
  merchantId: string | null;
  paymentsReceivable: boolean;
  emailConfirmed: boolean;
  canReceive: boolean;
  syncedAt: string | null;
  /** Set when PayPal could not be asked just now: the state shown is the last one we know. */
  refreshProblem?: string | null;
};

const ACTION = "/settings/payments/paypal";

export function PayPalConnectPanel({ status }: { status: PayPalPanelStatus }) {
  return (
    <section className="card stack" aria-labelledby="paypal-heading" data-testid="paypal-panel">
      <h2 id="paypal-heading">PayPal</h2>
      {!status.configured ? (
        <p className="muted">PayPal is not set up on this server.</p>
      ) : !status.partnerMode ? (
        <p>Customers can pay with PayPal. Payments go to this server&apos;s own PayPal account (single-account mode), so there is nothing to connect here.</p>
      ) : status.merchantId ? (
        <>
          <p>
            Connected to PayPal account <strong data-testid="paypal-merchant-id">{status.merchantId}</strong>. Customers&apos; PayPal payments go straight to
            it.
          </p>
          <ul>
            <li>
              {status.paymentsReceivable
                ? "PayPal lets this account receive payments."
                : "PayPal does not let this account receive payments yet: finish setting it up at PayPal."}
            </li>
            <li>{status.emailConfirmed ? "Its email address is confirmed." : "Confirm the account's email address at PayPal (check your inbox)."}</li>
          </ul>
          <p data-testid="paypal-state">{status.canReceive ? "Pay pages offer PayPal." : "Pay pages do not offer PayPal until both are done."}</p>
          {status.refreshProblem ? (
            <p className="muted">PayPal could not be asked just now ({status.refreshProblem}); this is what it said last time.</p>
          ) : null}
          <Form method="post" action={ACTION} className="inline-form">
            <input type="hidden" name="intent" value="disconnect" />
            <button type="submit" className="button-secondary">
              Disconnect PayPal
            </button>
          </Form>
        </>
      ) : (
        <>
          <p>
            Connect your PayPal business account and customers can pay your invoices with PayPal, straight into your account. We never see your PayPal password.
          </p>
          <Form method="post" action={ACTION} reloadDocument>
            <input type="hidden" name="intent" value="connect" />
            <button type="submit">Connect PayPal</button>
          </Form>
        </>
      )}
    </section>
  );
}

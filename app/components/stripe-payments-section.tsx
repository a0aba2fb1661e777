// The Stripe section of Settings → Payments: connect, the account's state as Stripe has it, continue
// setup, the dashboard link and disconnect (with a confirmation step that is a plain link, so it works
// without JavaScript). Kept apart so the PayPal section can sit beside it on the same page.
import { Form, Link } from "@remix-run/react";
import type { StripeSettings } from "~/models/payments/stripe-connect";

const yesNo = (value: boolean) => (value ? "Yes" : "Not yet");

export function StripePaymentsSection({ settings, confirmDisconnect }: { settings: StripeSettings; confirmDisconnect: boolean }) {
  const { account } = settings;
  return (
    <section className="card stack" aria-labelledby="stripe-heading" data-testid="stripe-section">
      <h2 id="stripe-heading">Stripe: cards, Apple Pay, Google Pay, Link and bank account</h2>
      {settings.mode === "off" ? <p>Card payments are not set up on this deployment. Customers see your contact details to pay.</p> : null}
      {settings.mode === "single" ? (
        <p>This deployment takes card payments into its own Stripe account (single-account mode). There is nothing to connect here.</p>
      ) : null}
      {settings.mode === "connect" ? (
        <>
          <p className="muted">
            Customers pay straight into your own Stripe account; Invoice Link never holds your money. Platform fee:{" "}
            <strong data-testid="platform-fee">{settings.feeText}</strong> of each payment{settings.feeBps > 0 ? ", rounded down to the cent" : ""}, plus
            Stripe's own fees.
          </p>
          {account === null ? (
            <Form method="post" reloadDocument>
              <button type="submit" name="intent" value="connect-stripe">
                Connect Stripe
              </button>
            </Form>
          ) : (
            <StripeAccount settings={settings} confirmDisconnect={confirmDisconnect} />
          )}
        </>
      ) : null}
    </section>
  );
}

function StripeAccount({ settings, confirmDisconnect }: { settings: StripeSettings; confirmDisconnect: boolean }) {
  const account = settings.account!;
  const complete = account.chargesEnabled && account.requirementsDue.length === 0;
  return (
    <>
      {account.problem ? (
        <p className="flash flash-error" role="alert" data-testid="stripe-problem">
          {account.problem} Showing what we last heard from Stripe{account.syncedAt ? ` (${account.syncedAt.slice(0, 16).replace("T", " ")} UTC)` : ""}.
        </p>
      ) : null}
      <p data-testid="stripe-status">
        <strong>
          {complete
            ? "Connected: you can take card payments."
            : account.chargesEnabled
              ? "Connected, but Stripe needs more information."
              : "Onboarding is not finished."}
        </strong>{" "}
        <span className="muted">Account {account.id}</span>
      </p>
      <dl className="summary">
        <dt>Taking payments</dt>
        <dd data-testid="charges-enabled">{yesNo(account.chargesEnabled)}</dd>
        <dt>Payouts to your bank</dt>
        <dd data-testid="payouts-enabled">{yesNo(account.payoutsEnabled)}</dd>
        <dt>Payout bank account</dt>
        <dd data-testid="bank-last4">{account.bankLast4 ? `ending in ${account.bankLast4}` : "None yet"}</dd>
      </dl>
      {account.requirementsDue.length ? (
        <div data-testid="requirements">
          <p>Stripe still needs:</p>
          <ul>
            {account.requirementsDue.map((label) => (
              <li key={label}>{label}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="actions">
        {!complete ? (
          <Form method="post" reloadDocument>
            <button type="submit" name="intent" value="connect-stripe">
              Continue setup
            </button>
          </Form>
        ) : null}
        <a href={settings.dashboardUrl} target="_blank" rel="noreferrer noopener" className="button button-secondary">
          Open your Stripe dashboard
        </a>
      </div>
      {confirmDisconnect ? (
        <Form method="post" className="card stack" reloadDocument data-testid="confirm-disconnect">
          <p>
            <strong>Disconnect Stripe?</strong> Your pay pages stop offering card payment at once and show your contact details instead. Your Stripe account,
            its money and its history stay yours.
          </p>
          <div className="actions">
            <button type="submit" name="intent" value="disconnect-stripe" className="button-danger">
              Yes, disconnect Stripe
            </button>
            <Link to="/settings/payments">Cancel</Link>
          </div>
        </Form>
      ) : (
        <p>
          <Link to="/settings/payments?confirm=disconnect-stripe">Disconnect Stripe…</Link>
        </p>
      )}
    </>
  );
}

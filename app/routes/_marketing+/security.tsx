// The public security page: what this deployment really does to protect accounts, customers and
// payments. Every number comes from the constant the code enforces, and every optional part (Stripe,
// PayPal, Postmark, Sentry) is described only when this deployment has it configured.
import type { MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_IDLE_MS, REUSE_GRACE_MS } from "~/models/api-token.server";
import { LINK_LIFETIME_DAYS } from "~/models/signed-link.server";
import { BCRYPT_COST, RESET_TOKEN_TTL_MS } from "~/models/user.server";
import type { RouteHandle } from "~/root";
import { DEFAULT_RETENTION, describeRetention } from "~/utils/backup-retention";
import { isDevOutbox } from "~/utils/email.server";
import { env } from "~/utils/env.server";
import { paypalConfigured } from "~/models/payments/paypal-client.server";
import { RATE_LIMITS, type RateLimitName } from "~/utils/rate-limit.server";
import { SESSION_TTL_MS } from "~/utils/session.server";
import { contactHref } from "~/utils/security-contact";
import { STRIPE_WEBHOOK_TOLERANCE_SECONDS, stripeConfigured } from "~/models/payments/stripe-client.server";
import { MAX_PASSWORD_BYTES } from "~/utils/validation";
import { mapDomainErrors } from "~/web/errors.server";

// A static page: no JavaScript needed, none shipped.
export const handle: RouteHandle = { hydrate: false };

export const meta: MetaFunction = () => [
  { title: "Security | Invoice Link" },
  { name: "description", content: "How Invoice Link protects accounts, customer links and payments, and how to report a vulnerability." },
];

// Typed by the limit names, so a new limit cannot be added without saying here what it protects.
const RATE_LIMIT_LABELS: Record<RateLimitName, string> = {
  login: "Logging in",
  signup: "Creating an account",
  "password-change": "Changing a password",
  "account-closure": "Closing an account",
  "forgot-password": "Asking for a password reset email",
  "reset-password": "Setting a new password from a reset link",
  refresh: "Renewing a mobile app sign-in",
  checkout: "Starting an online payment",
  "customer-pdf": "Downloading an invoice or receipt PDF from a customer link",
};

/** 900000 → "15 minutes", 2592000000 → "30 days". */
function formatDuration(ms: number) {
  const units: [number, string][] = [
    [86_400_000, "day"],
    [3_600_000, "hour"],
    [60_000, "minute"],
    [1_000, "second"],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n} ${name}${n === 1 ? "" : "s"}`;
    }
  }
  return `${ms} ms`;
}

export const loader = /* @__PURE__ */ mapDomainErrors(async () => {
  const e = env();
  return json({
    contact: { href: contactHref(e.SECURITY_CONTACT), label: contactHref(e.SECURITY_CONTACT).replace(/^mailto:/i, "") },
    secureCookie: e.isProduction,
    bcryptCost: BCRYPT_COST,
    maxPasswordBytes: MAX_PASSWORD_BYTES,
    sessionLifetime: formatDuration(SESSION_TTL_MS),
    resetTokenLifetime: formatDuration(RESET_TOKEN_TTL_MS),
    rateLimits: (Object.keys(RATE_LIMITS) as RateLimitName[]).map((name) => ({
      name,
      label: RATE_LIMIT_LABELS[name],
      limit: RATE_LIMITS[name].limit,
      window: formatDuration(RATE_LIMITS[name].windowMs),
    })),
    linkLifetimeDays: LINK_LIFETIME_DAYS,
    accessTokenLifetime: formatDuration(ACCESS_TOKEN_TTL_SECONDS * 1000),
    refreshTokenIdle: formatDuration(REFRESH_TOKEN_IDLE_MS),
    refreshRetryGrace: formatDuration(REUSE_GRACE_MS),
    stripe: stripeConfigured(),
    stripeTolerance: formatDuration(STRIPE_WEBHOOK_TOLERANCE_SECONDS * 1000),
    paypal: paypalConfigured(),
    postmark: !isDevOutbox(),
    sentry: Boolean(e.SENTRY_DSN),
    retention: describeRetention(DEFAULT_RETENTION),
  });
});

export default function Security() {
  const d = useLoaderData<typeof loader>();
  const onlinePayments = d.stripe || d.paypal;
  const providers = [d.stripe ? "Stripe Checkout" : null, d.paypal ? "PayPal" : null].filter(Boolean).join(" or ");
  return (
    <article className="stack">
      <h1>Security at Invoice Link</h1>
      <p>
        This page describes the protections this deployment of Invoice Link actually runs. We keep it in step with the code: the numbers below are read from the
        same settings the server enforces.
      </p>

      <section id="report">
        <h2>Reporting a vulnerability</h2>
        <p>
          If you believe you have found a security problem, please tell us at{" "}
          <a href={d.contact.href} data-testid="security-contact">
            {d.contact.label}
          </a>
          . Include what you found and how to reproduce it, and we will reply. Please do not access or change other people&apos;s data, and give us reasonable
          time to fix the problem before disclosing it. Our contact details are also published in machine-readable form at{" "}
          <a href="/.well-known/security.txt">/.well-known/security.txt</a>. How we handle personal data is described on the{" "}
          <Link to="/privacy">privacy page</Link>.
        </p>
      </section>

      <section id="accounts">
        <h2>Accounts and passwords</h2>
        <ul>
          <li>
            Passwords are stored only as bcrypt hashes with a cost factor of {d.bcryptCost}. Passwords longer than {d.maxPasswordBytes} bytes are refused rather
            than silently shortened.
          </li>
          <li>Logging in with an unknown email takes as long as with a wrong password, so the answer does not reveal who has an account.</li>
          <li>
            Password reset links work once, expire after {d.resetTokenLifetime}, and are stored only as a SHA-256 hash. The &ldquo;forgot password&rdquo; answer
            is the same whether or not the email has an account.
          </li>
          <li>Changing or resetting a password signs the account out on every other device, including the mobile apps.</li>
        </ul>
      </section>

      <section id="sessions">
        <h2>Sessions</h2>
        <ul>
          <li>
            Sessions are kept in our database. The browser cookie holds only a random, signed session identifier (no personal data); every request checks that
            session row and its expiry, so logging out ends it at once on every server.
          </li>
          <li>
            The cookie is <code>HttpOnly</code> (invisible to scripts), <code>SameSite=Lax</code>
            {d.secureCookie ? (
              <>
                {" "}
                and <code>Secure</code> (sent over HTTPS only)
              </>
            ) : null}
            , and a session lasts at most {d.sessionLifetime}.
          </li>
          <li>
            The mobile apps use access tokens (signed JWTs) valid for {d.accessTokenLifetime} and refresh tokens that are replaced on every use. A refresh token
            used again after it was replaced means it was copied: that device&apos;s whole sign-in is revoked. Within {d.refreshRetryGrace} of the exchange, the
            same app retrying after a lost response gets the same replacement again (anything else gets nothing and revokes nothing). An unused refresh token
            lapses after {d.refreshTokenIdle}.
          </li>
        </ul>
      </section>

      <section id="rate-limits">
        <h2>Limits on repeated attempts</h2>
        <p>
          These limits are counted per client IP address in our database, so they hold across every server we run. Going over answers &ldquo;429 Too Many
          Requests&rdquo; with the time to wait.
        </p>
        <table>
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Allowed attempts</th>
            </tr>
          </thead>
          <tbody>
            {d.rateLimits.map((r) => (
              <tr key={r.name} data-limit={r.name}>
                <td>{r.label}</td>
                <td>
                  {r.limit} per {r.window}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section id="browser">
        <h2>In your browser</h2>
        <ul>
          <li>
            A strict Content Security Policy: scripts run only from our own origin and with a random nonce that changes on every page load; pages that customers
            open from a link ship no JavaScript at all.
          </li>
          <li>
            Pages cannot be framed by other sites (<code>frame-ancestors &apos;none&apos;</code> and <code>X-Frame-Options: DENY</code>), which blocks
            clickjacking.
          </li>
          <li>HTTP Strict Transport Security for one year, subdomains included, tells browsers to use HTTPS only.</li>
          <li>
            Every change is a form POST, and the server refuses POSTs that come from another site (checked by the browser&apos;s <code>Origin</code> and{" "}
            <code>Sec-Fetch-Site</code> headers) before any of our code runs.
          </li>
          <li>
            Content types are not sniffed (<code>nosniff</code>), and our addresses are not sent to other sites as a referrer.
          </li>
        </ul>
      </section>

      <section id="data">
        <h2>Each business&apos;s data stays its own</h2>
        <p>
          Every read and write of invoices, estimates, customers and payments names the signed-in business inside the database query itself. Asking for another
          business&apos;s record gets &ldquo;not found&rdquo;, exactly like a record that does not exist.
        </p>
      </section>

      <section id="links">
        <h2>Links sent to customers</h2>
        <p>
          Pay and estimate links carry an HMAC-SHA256 signature of the document and the day they were issued, checked in constant time. They stop working after{" "}
          {d.linkLifetimeDays} days. A changed character, an unknown document or an expired link all get the same answer, so links cannot be guessed or probed.
        </p>
      </section>

      <section id="payments">
        <h2>Payments</h2>
        {onlinePayments ? (
          <ul>
            <li>
              Customers pay on {providers}&apos;s own hosted pages. Card numbers, security codes and expiry dates go directly to the payment provider and never
              pass through or reach our servers. We keep only the card brand and its last four digits.
            </li>
            <li>The amount and currency to pay always come from our server, never from the payment form.</li>
            {d.stripe ? (
              <li>
                Stripe&apos;s payment notifications are accepted only with a valid Stripe signature over the exact message, no older than {d.stripeTolerance};
                anything else is refused before it changes anything.
              </li>
            ) : null}
            {d.paypal ? (
              <li>
                PayPal&apos;s payment notifications are accepted only with a valid PayPal transmission signature, checked against a certificate fetched from
                PayPal&apos;s own servers.
              </li>
            ) : null}
          </ul>
        ) : (
          <p>Online card payment is not set up on this deployment, so no card details are collected at all.</p>
        )}
      </section>

      {d.postmark ? (
        <section id="email">
          <h2>Email</h2>
          <p>
            Email is sent through Postmark. Delivery notifications from Postmark are accepted only with the credentials we configured for them, compared in
            constant time.
          </p>
        </section>
      ) : null}

      <section id="logs">
        <h2>Logs and error reports</h2>
        <ul>
          <li>
            Our request logs record the method, the address (with tokens and signatures in it masked), the status and the client IP address. They never record
            passwords, cookies, authorization headers or the contents of forms and emails.
          </li>
          {d.sentry ? (
            <li data-testid="crash-reporting">
              Crash reports are sent to Sentry so we can fix errors. Before anything leaves our server we remove request bodies, cookies, authorization headers,
              user details other than an internal id, and tokens in addresses.
            </li>
          ) : (
            <li data-testid="crash-reporting">Errors are written to our own server logs only; no crash reports are sent to any third party.</li>
          )}
        </ul>
      </section>

      <section id="backups">
        <h2>Backups</h2>
        <p>
          The whole database is backed up with PostgreSQL&apos;s own dump tool by a command that keeps {d.retention} backups; our operations runbook schedules
          it every day. Restoring a backup into a fresh database, with every row checked, is part of our automated tests.
        </p>
      </section>
    </article>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

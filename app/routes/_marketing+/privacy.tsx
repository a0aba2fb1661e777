// /privacy (public): what Invoice Link collects, what it does for each CCPA / GDPR right, how long it
// keeps things and which processors this deployment uses. Every statement here is backed by code; the
// processor list is read from this deployment's configuration, so it says what is really switched on.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { CLOSED_RECORDS_RETENTION_YEARS } from "~/models/account-closure.server";
import { EXPORT_TTL_MS } from "~/models/data-export.server";
import { RESET_TOKEN_TTL_MS } from "~/models/user.server";
import { isDevOutbox } from "~/utils/email.server";
import { env } from "~/utils/env.server";
import { paypalConfigured } from "~/models/payments/paypal-client.server";
import { contactHref } from "~/utils/security-contact";
import { SESSION_TTL_MS } from "~/utils/session.server";
import { stripeConfigured } from "~/models/payments/stripe-client.server";
import { mapDomainErrors } from "~/web/errors.server";
import type { RouteHandle } from "~/root";

export const meta: MetaFunction = () => [
  { title: "Privacy | Invoice Link" },
  { name: "description", content: "What Invoice Link collects, your privacy rights and how to use them." },
];

// Works fully as HTML (links and plain forms): no JavaScript to load (issue 17).
export const handle: RouteHandle = { hydrate: false };

/** A bare address becomes mailto: (as on /security); only mailto: and https: become links, anything else is text. */
function contactOf(value: string) {
  const uri = contactHref(value);
  const href = /^(mailto:|https:\/\/)/i.test(uri) ? uri : null;
  return { href, label: uri.replace(/^mailto:/i, "") };
}

const DAY_MS = 86_400_000;

export const loader = /* @__PURE__ */ mapDomainErrors(async (_: LoaderFunctionArgs) => {
  const e = env();
  return json(
    {
      contact: contactOf(e.PRIVACY_CONTACT ?? e.SECURITY_CONTACT),
      exportDays: EXPORT_TTL_MS / DAY_MS,
      closedYears: CLOSED_RECORDS_RETENTION_YEARS,
      sessionDays: SESSION_TTL_MS / DAY_MS,
      resetMinutes: RESET_TOKEN_TTL_MS / 60_000,
      processors: {
        stripe: stripeConfigured(),
        paypal: paypalConfigured(),
        postmark: !isDevOutbox(),
        sentry: Boolean(e.SENTRY_DSN),
        googleMaps: Boolean(e.GOOGLE_MAPS_API_KEY),
        rentcast: Boolean(e.RENTCAST_API_KEY),
        ai: Boolean(e.AI_API_KEY),
        aiVision: Boolean(e.AI_API_KEY && e.AI_VISION_MODEL),
      },
    },
    { headers: { "Cache-Control": "public, max-age=300" } },
  );
});

function InUse({ on }: { on: boolean }) {
  return on ? <strong> In use on this site.</strong> : <span className="muted"> Not in use on this site.</span>;
}

export default function Privacy() {
  const { contact, exportDays, closedYears, sessionDays, resetMinutes, processors } = useLoaderData<typeof loader>();
  const contactLink = contact.href ? <a href={contact.href}>{contact.label}</a> : <span>{contact.label}</span>;
  return (
    <article className="stack">
      <h1>Privacy</h1>
      <p>
        Invoice Link is invoicing software for tradespeople. Two groups of people have data in it: <strong>businesses</strong> that sign up and use it, and{" "}
        <strong>their customers</strong>, whose details a business enters to send estimates and invoices. For customer data the business decides what is entered
        and why; Invoice Link stores and processes it for the business. Privacy requests: {contactLink}.
      </p>

      <section className="card stack" aria-labelledby="collected">
        <h2 id="collected">What is collected</h2>
        <ul>
          <li>
            <strong>Your account:</strong> your name, email address and password (stored only as a bcrypt hash).
          </li>
          <li>
            <strong>Your business:</strong> name, email, phone, website, address, logo, currency, time zone, tax, numbering and payment settings, and the review
            link if you set one.
          </li>
          <li>
            <strong>Customers, as the business enters them:</strong> name, email, phone, address and notes; estimates and invoices with their line items, notes
            and terms; expenses and receipt photos; property facts looked up for a customer&apos;s address (only when the business asks for them).
          </li>
          <li>
            <strong>Payments:</strong> amount, currency, date, status, method, the payment provider&apos;s payment id, and the card brand and last four digits
            (or bank name and last four). Card and bank numbers are typed on Stripe&apos;s or PayPal&apos;s own pages and never reach Invoice Link.
          </li>
          <li>
            <strong>Email:</strong> for each email sent, the recipient, subject and delivery history (sent, delivered, opened, clicked, bounced, as the email
            provider reports them). With Postmark, the body is deleted once the email is sent.
          </li>
          <li>
            <strong>Customer links:</strong> when a customer first opens an invoice or estimate link, the document is marked viewed (the time only).
          </li>
          <li>
            <strong>Sign-in and security:</strong> each signed-in browser or app (IP address, browser name, when); counters of sign-in and similar attempts per
            IP address; request logs with the method, address (tokens masked), status and IP address. Request bodies, cookies and headers are not logged.
          </li>
          <li>
            <strong>Cookies:</strong> <code>__session</code> (keeps you signed in) and <code>__flash</code> (a one-time message after a form). No advertising or
            analytics cookies, and no trackers.
          </li>
        </ul>
        <p>The data is used only to run the service for the business. Invoice Link does not sell personal information or share it for advertising.</p>
      </section>

      <section className="card stack" aria-labelledby="rights">
        <h2 id="rights">Your rights and how to use them</h2>
        <p>
          These are the rights of the California Consumer Privacy Act (know, delete, correct, opt out of sale or sharing, limit sensitive data, no
          discrimination for using them) and, as far as this app can meet them, of the GDPR (access, portability, erasure, rectification, restriction,
          objection).
        </p>
        <dl className="stack">
          <dt>
            <strong>Access and portability</strong>
          </dt>
          <dd>
            The business owner can download everything the business has from <a href="/settings/export">Settings → Export your data</a>: a zip with every table
            as JSON and as CSV, the logo and receipt photos. The download is kept for {exportDays} days. Customers (from the customer list), invoices and
            payments (from the invoice list) can also be downloaded as CSV.
          </dd>
          <dt>
            <strong>Deletion</strong>
          </dt>
          <dd>
            The owner can close the account at <a href="/settings/subscription">Settings → Subscription → Cancel and delete</a> (password required). In one step
            it deletes the customers, estimates, users and sign-ins, emails, activity, recurring schedules, expenses and receipt photos, data exports, the logo
            and the business&apos;s contact details, and every pay and estimate link stops working. Kept for tax and payment disputes: invoice numbers, dates
            and amounts and payment amounts, dates and provider ids, with names, addresses, notes, descriptions and card digits removed. The email address can
            be used for a new account right away.
          </dd>
          <dt>
            <strong>Correction</strong>
          </dt>
          <dd>
            In the app: the business profile (<a href="/settings/business">Settings → Business profile</a>), any customer (the customer&apos;s page → Edit),
            draft estimates and invoices, and sent invoices that are not paid (the previous version is kept); your password (
            <a href="/settings/password">Settings → Change password</a>). Paid invoices cannot be edited. To change your sign-in name or email address, write to{" "}
            {contactLink}.
          </dd>
          <dt>
            <strong>Restriction and objection</strong>
          </dt>
          <dd>
            A business can turn overdue reminders off and leave review requests off (they are off until turned on) in Settings → Business profile. For one
            customer: archiving the customer stops review requests, and removing the customer&apos;s email address stops every automatic email to them
            (reminders, receipts, review requests, recurring invoices).
          </dd>
          <dt>
            <strong>If you are a customer of a business</strong>
          </dt>
          <dd>
            The business that sent you an invoice or estimate holds your details; ask it first, and you can also write to {contactLink}. In the app it can
            correct them on the customer&apos;s edit page, give you a copy from Settings → Export your data, and erase you with &quot;Erase customer&quot; on
            the customer&apos;s page. Erasing deletes your name, contact details and notes, your estimates, recurring schedules and property details, the emails
            sent to you (queued ones are never sent), the activity about you and the business&apos;s earlier data exports. Kept for the business&apos;s books,
            under the name &quot;Deleted customer&quot;: your invoices&apos; numbers, dates, statuses and amounts and your payments&apos; amounts, dates and
            payment provider ids, with notes, terms, line descriptions, card digits and payment references removed. A business cannot erase a customer who still
            owes money on a sent invoice until the invoice is paid or voided.
          </dd>
          <dt>
            <strong>Sale, sharing and sensitive data</strong>
          </dt>
          <dd>
            Nothing is sold or shared for advertising, so there is nothing to opt out of. The only payment data kept is the card brand and last four digits,
            used to show which card paid.
          </dd>
        </dl>
      </section>

      <section className="card stack" aria-labelledby="retention">
        <h2 id="retention">How long data is kept</h2>
        <ul>
          <li>
            Business data: while the account is open; on closure, as described under Deletion. The invoice and payment records kept after a closure are deleted{" "}
            {closedYears} years after it.
          </li>
          <li>Data exports: {exportDays} days after they are ready, then the file is deleted.</li>
          <li>
            Sign-ins: {sessionDays} days at most (removed at sign-out, on a password change and nightly once expired); password reset links: {resetMinutes}{" "}
            minutes.
          </li>
          <li>Counters of sign-in and similar attempts per IP address: one day.</li>
          <li>Email bodies (with Postmark): until the email is sent.</li>
          <li>
            Database backups: deleted data stays in older backups until they age out. With the app&apos;s own backup tool the default is 7 daily, 4 weekly and
            12 monthly copies, so up to about a year. If a backup from before an account was closed is ever restored, the restore tool closes that account again
            from a list of closed accounts it keeps beside the backups.
          </li>
          <li>Server logs: kept by the operator of this site on its own schedule.</li>
        </ul>
      </section>

      <section className="card stack" aria-labelledby="processors">
        <h2 id="processors">Who processes data for us</h2>
        <ul>
          <li>
            <strong>Stripe</strong>: card, wallet and bank payments on Stripe&apos;s checkout page (the amount, invoice number, business name and the
            customer&apos;s email are sent to it).
            <InUse on={processors.stripe} />
          </li>
          <li>
            <strong>PayPal</strong>: PayPal payments (the amount, invoice number and business name).
            <InUse on={processors.paypal} />
          </li>
          <li>
            <strong>Postmark</strong>: sends the emails (recipient, subject, body) and reports their delivery.
            <InUse on={processors.postmark} />
          </li>
          <li>
            <strong>Sentry</strong>: error reports, with request bodies, cookies, sign-in headers, email addresses and user identity removed before they are
            sent.
            <InUse on={processors.sentry} />
          </li>
          <li>
            <strong>Google Maps Platform</strong>: address suggestions and a street photo of a customer&apos;s address, when the business uses them.
            <InUse on={processors.googleMaps} />
          </li>
          <li>
            <strong>Rentcast</strong>: property facts for a customer&apos;s address, when the business asks for them.
            <InUse on={processors.rentcast} />
          </li>
          <li>
            <strong>An AI service</strong> (OpenAI-compatible): the text a user types into &quot;Add lines with AI&quot;, only when they press it
            {processors.aiVision ? ", and a receipt photo when the user asks the app to read it" : ""}.
            <InUse on={processors.ai} />
          </li>
        </ul>
      </section>

      <p>Questions or requests: {contactLink}.</p>
    </article>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

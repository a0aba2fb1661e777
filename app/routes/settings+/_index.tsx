import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireBusiness } from "~/web/auth.server";
import { isDevOutbox } from "~/utils/email.server";
import { mapDomainErrors } from "~/web/errors.server";
import type { RouteHandle } from "~/root";

export const meta: MetaFunction = () => [{ title: "Settings | Invoice Link" }];

// Works fully as HTML (links and plain forms): no JavaScript to load (issue 17).
export const handle: RouteHandle = { hydrate: false };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { user, business } = await requireBusiness(request);
  return json({ email: user.email, businessName: business.name, devOutbox: isDevOutbox(), isOwner: user.role === "OWNER" });
});

export default function Settings() {
  const { email, businessName, devOutbox, isOwner } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Settings</h1>
      <div className="card stack">
        <p>
          <strong>{businessName}</strong>
          <br />
          Signed in as {email}
        </p>
        <p>
          <Link to="/settings/business">Business profile</Link> <span className="muted">(name, address, logo, currency, tax, numbering, payment terms)</span>
        </p>
        {isOwner ? (
          <p>
            <Link to="/settings/payments">Payments</Link> <span className="muted">(connect the Stripe and PayPal accounts your customers pay into)</span>
          </p>
        ) : null}
        <p>
          <Link to="/settings/items">Items</Link> <span className="muted">(your price book: work and parts you bill often)</span>
        </p>
        <p>
          <Link to="/settings/reminders">Reminders</Link> <span className="muted">(overdue reminder emails and their days)</span>
        </p>
        <p>
          <Link to="/settings/jobs">Jobs and email</Link> <span className="muted">(delivery status, failed sends and retries)</span>
        </p>
        <p>
          <Link to="/recurring">Recurring invoices</Link>
        </p>
        <p>
          <Link to="/settings/password">Change password</Link>
        </p>
        <p>
          <Link to="/settings/devices">Signed-in devices</Link> <span className="muted">(browsers and mobile apps; sign one out)</span>
        </p>
        <p>
          <Link to="/settings/export">Export your data</Link> <span className="muted">(a zip of every record, as JSON and CSV)</span>
        </p>
        <p>
          <Link to="/settings/subscription">Subscription</Link> <span className="muted">(your plan; cancel and delete the account)</span>
        </p>
        {devOutbox ? (
          <p>
            <Link to="/dev/outbox">Development outbox</Link> <span className="muted">(emails are not sent: no Postmark token is set)</span>
          </p>
        ) : null}
      </div>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { readableActivityMessage } from "~/models/activity.server";
import { dashboardStats } from "~/models/dashboard.server";
import { todayIn } from "~/utils/dates";
import { requireBusiness } from "~/web/auth.server";
import { formatMoney } from "~/utils/money";
import { mapDomainErrors } from "~/web/errors.server";
import type { RouteHandle } from "~/root";

export const meta: MetaFunction = () => [{ title: "Dashboard | Invoice Link" }];

// Works fully as HTML (links and plain forms): no JavaScript to load (issue 17).
export const handle: RouteHandle = { hydrate: false };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, context }: LoaderFunctionArgs) => {
  // The root loader's session lookup, with the business's defaults in it: no query of its own.
  const { businessId, business } = await requireBusiness(request, context);
  const stats = await dashboardStats(businessId, todayIn(business.timeZone), business.timeZone);
  return json({
    businessName: business.name,
    currency: business.currency,
    ...stats,
    // In the business's own time zone, with the zone named; old "Invoice #5" rows read as INV-0005.
    activity: stats.activity.map((a) => ({
      ...a,
      message: readableActivityMessage(a.message, business),
      createdAt: a.createdAt.toISOString(),
      at: activityTime(a.createdAt, business.timeZone),
    })),
  });
});

const activityFormats = new Map<string, Intl.DateTimeFormat>();
function activityTime(at: Date, timeZone: string) {
  let format = activityFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" });
    activityFormats.set(timeZone, format);
  }
  return format.format(at);
}

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const money = (c: number) => formatMoney(c, data.currency);
  return (
    <div className="stack">
      <div className="page-header">
        <h1>{data.businessName}</h1>
        <div className="actions">
          <Link to="/invoices/new" className="button button-small">
            New invoice
          </Link>
          <Link to="/estimates/new" className="button button-small button-secondary">
            New estimate
          </Link>
        </div>
      </div>
      <div className="stats">
        <Link to="/invoices?status=OPEN" className="card stat">
          Outstanding <strong data-testid="outstanding">{money(data.outstandingCents)}</strong>
          <span className="muted">{data.openCount} open invoices</span>
        </Link>
        <Link to="/invoices?status=OVERDUE" className="card stat">
          Overdue <strong data-testid="overdue">{money(data.overdueCents)}</strong>
          <span className="muted">{data.overdueCount} overdue</span>
        </Link>
        <div className="card stat">
          Paid this month <strong data-testid="paid-this-month">{money(data.paidThisMonthCents)}</strong>
        </div>
      </div>
      <section className="card">
        <h2>Recent activity</h2>
        {data.activity.length === 0 ? <p className="muted">Nothing yet. Add a customer and send your first invoice.</p> : null}
        {data.activity.length ? (
          <ul className="activity">
            {data.activity.map((a) => (
              <li key={a.id}>
                {a.invoiceId ? (
                  <Link to={`/invoices/${a.invoiceId}`}>{a.message}</Link>
                ) : a.estimateId ? (
                  <Link to={`/estimates/${a.estimateId}`}>{a.message}</Link>
                ) : (
                  a.message
                )}{" "}
                <time className="muted" dateTime={a.createdAt}>
                  {a.at}
                </time>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

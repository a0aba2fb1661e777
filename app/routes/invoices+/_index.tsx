import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { StatusBadge } from "~/components/status-badge";
import { statusLabel } from "~/models/labels";
import { todayIn, toDateString } from "~/utils/dates";
import { displayStatus, formatInvoiceNumber, listInvoices } from "~/models/invoice.server";
import { requireBusiness } from "~/web/auth.server";
import { businessDefaults } from "~/models/business.server";
import { formatMoney } from "~/utils/money";
import { mapDomainErrors } from "~/web/errors.server";
import { STATUS_FILTERS } from "./__filters";
import { InvoiceFilterSchema } from "./__forms.server";

export const meta: MetaFunction = () => [{ title: "Invoices | Invoice Link" }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const filters = InvoiceFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const business = await businessDefaults(businessId);
  const today = todayIn(business.timeZone);
  const { invoices, nextCursor } = await listInvoices(
    businessId,
    { ...filters, customerId: filters.customerId || undefined, q: filters.q || undefined },
    today,
  );
  return json({
    filters,
    nextCursor,
    invoices: invoices.map((i) => ({
      id: i.id,
      number: formatInvoiceNumber(business.invoicePrefix, i.number),
      status: displayStatus(i, today),
      customer: i.customer,
      issueDate: toDateString(i.issueDate),
      dueDate: toDateString(i.dueDate),
      total: formatMoney(i.totalCents, i.currency),
      balance: formatMoney(Math.max(0, i.totalCents - i.amountPaidCents), i.currency),
    })),
  });
});

export default function Invoices() {
  const { invoices, filters, nextCursor } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const nextParams = new URLSearchParams(params);
  if (nextCursor) nextParams.set("before", String(nextCursor));
  return (
    <div className="stack">
      <div className="page-header">
        <h1>Invoices</h1>
        <div className="actions">
          <a href="/export/invoices.csv" className="button button-small button-secondary">
            Export invoices (CSV)
          </a>
          <a href="/export/payments.csv" className="button button-small button-secondary">
            Export payments (CSV)
          </a>
          <Link to="/invoices/new" className="button button-small">
            New invoice
          </Link>
        </div>
      </div>
      <Form method="get" className="card filters" role="search">
        <div>
          <label htmlFor="q">Search</label>
          <input id="q" name="q" type="search" defaultValue={filters.q ?? ""} placeholder="Customer or number" />
        </div>
        <div>
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={filters.status ?? ""}>
            <option value="">Any</option>
            {STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {s === "OPEN" ? "Open (unpaid)" : statusLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="from">Issued from</label>
          <input id="from" name="from" type="date" defaultValue={filters.from ?? ""} />
        </div>
        <div>
          <label htmlFor="to">Issued to</label>
          <input id="to" name="to" type="date" defaultValue={filters.to ?? ""} />
        </div>
        {filters.customerId ? <input type="hidden" name="customerId" value={filters.customerId} /> : null}
        <button type="submit" disabled={navigation.state === "loading"}>
          Filter
        </button>
      </Form>
      {invoices.length === 0 ? <p className="muted">No invoices match.</p> : null}
      {invoices.length ? (
        <div className="table-scroll">
          <table className="stacked">
            <thead>
              <tr>
                <th>Number</th>
                <th>Customer</th>
                <th>Status</th>
                <th>Due</th>
                <th className="num">Total</th>
                <th className="num">Balance</th>
              </tr>
            </thead>
            <tbody>
              {invoices.map((i) => (
                <tr key={i.id} data-testid="invoice-row">
                  <td className="cell-main">
                    <Link to={`/invoices/${i.id}`}>{i.number}</Link>
                  </td>
                  <td data-label="Customer">{i.customer.name}</td>
                  <td data-label="Status">
                    <StatusBadge status={i.status} />
                  </td>
                  <td data-label="Due">{i.dueDate}</td>
                  <td className="num" data-label="Total">
                    {i.total}
                  </td>
                  <td className="num" data-label="Balance">
                    {i.balance}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="pager">
        {filters.before ? <Link to={`?${new URLSearchParams([...params].filter(([k]) => k !== "before"))}`}>Newest</Link> : <span />}
        {nextCursor ? <Link to={`?${nextParams}`}>Older invoices</Link> : null}
      </div>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

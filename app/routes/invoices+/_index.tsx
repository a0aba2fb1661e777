import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { type FilterField, ListFilters } from "~/components/list-filters";
import { ListTable } from "~/components/list-table";
import { StatusBadge } from "~/components/status-badge";
import { statusLabel } from "~/models/labels";
import { mapDomainErrors } from "~/web/errors.server";
import type { RouteHandle } from "~/root";
import { STATUS_FILTERS } from "./__filters";
import { loadInvoiceList } from "./__list.server";

export const meta: MetaFunction = () => [{ title: "Invoices | Invoice Link" }];

// Works fully as HTML (links and a GET filter form): no JavaScript to load, and the page can be kept (issue 17).
export const handle: RouteHandle = { hydrate: false };

const FILTER_FIELDS: FilterField[] = [
  { name: "q", label: "Search", type: "search", input: { placeholder: "Customer or number" } },
  {
    name: "status",
    label: "Status",
    type: "select",
    options: STATUS_FILTERS.map((s) => ({ value: s, label: s === "OPEN" ? "Open (unpaid)" : statusLabel(s) })),
  },
  { name: "from", label: "Issued from", type: "date" },
  { name: "to", label: "Issued to", type: "date" },
];

export const loader = /* @__PURE__ */ mapDomainErrors(({ request, context }: LoaderFunctionArgs) => loadInvoiceList(request, context));

export default function Invoices() {
  const { invoices, filters, nextCursor } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
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
      <ListFilters fields={FILTER_FIELDS} values={filters} hidden={{ customerId: filters.customerId }} />
      {invoices.length === 0 ? <p className="muted">No invoices match.</p> : null}
      {invoices.length ? (
        <ListTable
          columns={[
            { label: "Number" },
            { label: "Customer" },
            { label: "Status" },
            { label: "Due" },
            { label: "Total", num: true },
            { label: "Balance", num: true },
          ]}
          rows={invoices}
          rowTestId="invoice-row"
          cells={(i) => [
            <Link key="number" to={`/invoices/${i.id}`}>
              {i.number}
            </Link>,
            i.customer.name,
            <StatusBadge key="status" status={i.status} />,
            i.dueDate,
            i.total,
            i.balance,
          ]}
        />
      ) : null}
      <div className="pager">
        {filters.before ? <Link to={`?${new URLSearchParams([...params].filter(([k]) => k !== "before"))}`}>Newest</Link> : <span />}
        {nextCursor ? <Link to={`?${nextParams}`}>Older invoices</Link> : null}
      </div>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

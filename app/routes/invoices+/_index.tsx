import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { type FilterField, ListFilters } from "~/components/list-filters";
import { ListTable } from "~/components/list-table";
import { StatusBadge } from "~/components/status-badge";
import { statusLabel } from "~/models/labels";
import { todayIn, toDateString } from "~/utils/dates";
import { displayStatus, formatInvoiceNumber, listInvoices } from "~/models/invoice.server";
import { requireBusiness } from "~/web/auth.server";
import { formatMoney } from "~/utils/money";
import { mapDomainErrors } from "~/web/errors.server";
import { STATUS_FILTERS } from "./__filters";
import { InvoiceFilterSchema } from "./__forms.server";

export const meta: MetaFunction = () => [{ title: "Invoices | Invoice Link" }];

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

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, context }: LoaderFunctionArgs) => {
  // The root loader's session lookup, with the business's defaults in it: no query of its own.
  const { businessId, business } = await requireBusiness(request, context);
  const filters = InvoiceFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
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

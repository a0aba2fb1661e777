import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ListFilters } from "~/components/list-filters";
import { CATEGORY_LABELS, EXPENSE_CATEGORIES } from "~/models/expense-categories";
import { ExpenseFilterSchema } from "~/models/expense-form";
import { expenseFormOptions, expenseMonthTotals, listExpenses } from "~/models/expense.server";
import { requireBusiness } from "~/web/auth.server";
import { dateTimeFormat } from "~/utils/intl";
import { formatMoney } from "~/utils/money";
import { mapDomainErrors } from "~/web/errors.server";

export const meta: MetaFunction = () => [{ title: "Expenses | Invoice Link" }];

function monthLabel(month: string) {
  return dateTimeFormat("en-US", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${month}-01T00:00:00Z`));
}

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const url = new URL(request.url);
  const filters = ExpenseFilterSchema.parse(Object.fromEntries([...url.searchParams].filter(([, v]) => v !== "")));
  const [{ expenses, nextCursor }, totals, options] = await Promise.all([
    listExpenses(businessId, filters),
    expenseMonthTotals(businessId, filters),
    expenseFormOptions(businessId),
  ]);
  const next = new URLSearchParams(url.searchParams);
  if (nextCursor) next.set("after", nextCursor);
  return json({
    filters,
    customers: options.customers,
    thisMonth: options.today.slice(0, 7),
    nextPage: nextCursor ? `?${next}` : null,
    expenses: expenses.map((e) => ({ ...e, amount: formatMoney(e.amountCents, e.currency), categoryLabel: CATEGORY_LABELS[e.category] })),
    totals: totals.map((t) => ({ ...t, label: monthLabel(t.month), total: formatMoney(t.totalCents, t.currency) })),
  });
});

export default function Expenses() {
  const { expenses, filters, customers, totals, nextPage, thisMonth } = useLoaderData<typeof loader>();
  const filtered = Boolean(filters.month || filters.category || filters.customerId || filters.q);
  return (
    <div className="stack">
      <div className="page-header">
        <h1>Expenses</h1>
        <div className="actions">
          <Link to="/expenses/new" className="button button-small">
            New expense
          </Link>
        </div>
      </div>
      <ListFilters
        fields={[
          { name: "q", label: "Vendor", type: "search", input: { maxLength: 100 } },
          { name: "month", label: "Month", type: "month", input: { max: "2100-12", placeholder: thisMonth } },
          { name: "category", label: "Category", type: "select", options: EXPENSE_CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] })) },
          { name: "customerId", label: "Customer", type: "select", options: customers.map((c) => ({ value: c.id, label: c.name })) },
        ]}
        values={filters}
      />

      <section className="card stack" aria-labelledby="totals-heading">
        <h2 id="totals-heading">Totals by month{filtered ? " (filtered)" : ""}</h2>
        {totals.length === 0 ? (
          <p className="muted">No expenses{filtered ? " match" : " yet"}.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col" className="num">
                  Expenses
                </th>
                <th scope="col" className="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {totals.map((t) => (
                <tr key={`${t.month}-${t.currency}`} data-testid="month-total">
                  <td>
                    <Link
                      to={`?${new URLSearchParams({ ...(filters.q ? { q: filters.q } : {}), ...(filters.category ? { category: filters.category } : {}), ...(filters.customerId ? { customerId: filters.customerId } : {}), month: t.month })}`}
                    >
                      {t.label}
                    </Link>
                  </td>
                  <td className="num">{t.count}</td>
                  <td className="num">{t.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {expenses.length ? (
        <div className="table-scroll">
          <table className="stacked">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Vendor</th>
                <th scope="col">Category</th>
                <th scope="col">For</th>
                <th scope="col" className="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {expenses.map((e) => (
                <tr key={e.id} data-testid="expense-row">
                  <td data-label="Date">{e.spentOn}</td>
                  <td data-label="Vendor">
                    <span>
                      <Link to={`/expenses/${e.id}`}>{e.vendor}</Link>
                      {e.hasReceipt ? <span className="badge">Receipt</span> : null}
                    </span>
                  </td>
                  <td data-label="Category">{e.categoryLabel}</td>
                  <td data-label="For">
                    {e.customer ? <Link to={`/customers/${e.customer.id}`}>{e.customer.name}</Link> : null}
                    {e.customer && e.invoice ? <br /> : null}
                    {e.invoice ? <Link to={`/invoices/${e.invoice.id}`}>{e.invoice.label}</Link> : null}
                  </td>
                  <td className="num" data-label="Amount">
                    {e.amount}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="pager">
        {filters.after ? (
          <Link to={`?${new URLSearchParams(Object.entries({ ...filters, after: undefined }).filter((e): e is [string, string] => typeof e[1] === "string"))}`}>
            Newest
          </Link>
        ) : (
          <span />
        )}
        {nextPage ? <Link to={nextPage}>Older expenses</Link> : null}
      </div>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

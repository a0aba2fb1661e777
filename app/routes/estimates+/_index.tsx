import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ListTable } from "~/components/list-table";
import { StatusBadge } from "~/components/status-badge";
import { toDateString } from "~/utils/dates";
import { listEstimates } from "~/models/estimate.server";
import { formatEstimateNumber } from "~/models/document-numbers";
import { requireBusiness } from "~/web/auth.server";
import { businessDefaults } from "~/models/business.server";
import { formatMoney } from "~/utils/money";
import { mapDomainErrors } from "~/web/errors.server";
import type { RouteHandle } from "~/root";
import { FilterSchema } from "./__forms.server";

export const meta: MetaFunction = () => [{ title: "Estimates | Invoice Link" }];

// Works fully as HTML (links and plain forms): no JavaScript to load (issue 17).
export const handle: RouteHandle = { hydrate: false };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const filters = FilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const business = await businessDefaults(businessId);
  const { estimates, nextCursor } = await listEstimates(businessId, filters);
  return json({
    nextCursor,
    status: filters.status ?? "",
    estimates: estimates.map((e) => ({
      id: e.id,
      number: formatEstimateNumber(business.estimatePrefix, e.number),
      status: e.status,
      customer: e.customer,
      issueDate: toDateString(e.issueDate),
      total: formatMoney(e.totalCents, e.currency),
      converted: Boolean(e.invoice),
    })),
  });
});

export default function Estimates() {
  const { estimates, nextCursor, status } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <div className="page-header">
        <h1>Estimates</h1>
        <Link to="/estimates/new" className="button button-small">
          New estimate
        </Link>
      </div>
      {estimates.length === 0 ? <p className="muted">No estimates yet.</p> : null}
      {estimates.length ? (
        <ListTable
          columns={[{ label: "Number" }, { label: "Customer" }, { label: "Status" }, { label: "Issued" }, { label: "Total", num: true }]}
          rows={estimates}
          cells={(e) => [
            <Link key="number" to={`/estimates/${e.id}`}>
              {e.number}
            </Link>,
            e.customer.name,
            <span key="status">
              <StatusBadge status={e.status} /> {e.converted ? <span className="muted">invoiced</span> : null}
            </span>,
            e.issueDate,
            e.total,
          ]}
        />
      ) : null}
      {nextCursor ? <Link to={`?${new URLSearchParams({ ...(status ? { status } : {}), before: String(nextCursor) })}`}>Older estimates</Link> : null}
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

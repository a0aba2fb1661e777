import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { Fragment } from "react";
import { listCustomers, normalizeQuery } from "~/models/customer.server";
import { requireBusiness } from "~/web/auth.server";
import { mapDomainErrors } from "~/web/errors.server";

export const meta: MetaFunction = () => [{ title: "Customers | Invoice Link" }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const url = new URL(request.url);
  const q = normalizeQuery(url.searchParams.get("q"));
  const archived = url.searchParams.has("archived") && url.searchParams.get("archived") !== "0";
  const after = url.searchParams.get("after");
  const { customers, nextCursor } = await listCustomers(businessId, { q, archived, after });
  return json({ customers, nextCursor, q, archived, firstPage: !after });
});

/** Lets a long email wrap after "@" and "." on a narrow phone instead of widening the table. */
function Breakable({ text }: { text: string }) {
  // Split after each "@" and "." (no lookbehind: older Safari cannot parse it).
  const parts = text.match(/[^@.]*[@.]?/g)?.filter(Boolean) ?? [text];
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 ? <wbr /> : null}
          {part}
        </Fragment>
      ))}
    </>
  );
}

export default function Customers() {
  const { customers, nextCursor, q, archived, firstPage } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const searching = navigation.state === "loading" && navigation.location.pathname === "/customers";
  const params = (extra: Record<string, string>) => {
    const search = new URLSearchParams();
    if (q) search.set("q", q);
    if (archived) search.set("archived", "1");
    for (const [key, value] of Object.entries(extra)) search.set(key, value);
    const text = search.toString();
    return text ? `?${text}` : "";
  };

  return (
    <div className="stack">
      <h1>Customers</h1>
      <p>
        <Link to="/customers/new" className="button">
          New customer
        </Link>{" "}
        <a href="/export/customers.csv" className="button button-secondary" download>
          Export CSV
        </a>
      </p>

      <Form method="get" action="/customers" className="card stack" role="search">
        <div>
          <label htmlFor="customer-search">Search customers</label>
          <input id="customer-search" type="search" name="q" defaultValue={q} maxLength={100} placeholder="Name, email or phone" />
        </div>
        {archived ? <input type="hidden" name="archived" value="1" /> : null}
        <button type="submit" disabled={searching} aria-busy={searching || undefined}>
          {searching ? "Searching…" : "Search"}
        </button>
      </Form>

      <p>
        {archived ? (
          <Link to={`/customers${q ? `?q=${encodeURIComponent(q)}` : ""}`}>Hide archived customers</Link>
        ) : (
          <Link to={`/customers?${new URLSearchParams({ ...(q ? { q } : {}), archived: "1" })}`}>Show archived customers</Link>
        )}
      </p>

      {customers.length === 0 ? (
        <div className="card">
          {q ? (
            <p>
              No customers match “{q}”. <Link to={`/customers${archived ? "?archived=1" : ""}`}>Clear the search</Link>
            </p>
          ) : firstPage ? (
            <p>
              No customers yet. <Link to="/customers/new">Add your first customer</Link>
            </p>
          ) : (
            <p>
              No more customers. <Link to={`/customers${params({})}`}>Back to the first page</Link>
            </p>
          )}
        </div>
      ) : (
        <table aria-busy={searching || undefined}>
          <caption className="muted">{q ? `Customers matching “${q}”` : archived ? "All customers, archived included" : "Active customers"}</caption>
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Contact</th>
            </tr>
          </thead>
          <tbody>
            {customers.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/customers/${c.id}`}>{c.name}</Link>
                  {c.archivedAt ? <span className="muted"> (archived)</span> : null}
                  {c.city || c.region ? (
                    <>
                      <br />
                      <span className="muted">{[c.city, c.region].filter(Boolean).join(", ")}</span>
                    </>
                  ) : null}
                </td>
                <td>
                  {c.email ? (
                    <a href={`mailto:${c.email}`}>
                      <Breakable text={c.email} />
                    </a>
                  ) : null}
                  {c.email && c.phone ? <br /> : null}
                  {c.phone ? <a href={`tel:${c.phone.replace(/[^\d+]/g, "")}`}>{c.phone}</a> : null}
                  {!c.email && !c.phone ? <span className="muted">—</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <p>
        {!firstPage ? <Link to={`/customers${params({})}`}>First page</Link> : null}
        {!firstPage && nextCursor ? " · " : null}
        {nextCursor ? (
          <Link to={`/customers${params({ after: nextCursor })}`} rel="next">
            Next page
          </Link>
        ) : null}
      </p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

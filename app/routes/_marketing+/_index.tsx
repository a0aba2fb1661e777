import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { getSession } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";
import type { RouteHandle } from "~/root";

// Works fully as HTML (links and plain forms): no JavaScript to load (issue 17).
export const handle: RouteHandle = { hydrate: false };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  if (await getSession(request)) throw redirect("/dashboard");
  return null;
});

export default function Index() {
  return (
    <div className="stack">
      <h1>Get paid the day the job is done</h1>
      <p>Invoice Link lets plumbers, electricians, cleaners and handymen send an invoice by text or email and get paid on a secure link from any phone.</p>
      <p>
        <Link to="/signup" className="button">
          Create your free account
        </Link>{" "}
        <Link to="/login" className="button button-secondary">
          Log in
        </Link>
      </p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

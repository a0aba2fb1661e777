import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireBusiness } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Dashboard | Invoice Link" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, business } = await requireBusiness(request);
  return json({ userName: user.name, businessName: business.name });
}

export default function Dashboard() {
  const { userName, businessName } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>{businessName}</h1>
      <p>Welcome, {userName}.</p>
      <div className="card">
        <p className="muted">No invoices yet.</p>
        <p>
          <Link to="/settings">Account settings</Link>
        </p>
      </div>
    </div>
  );
}

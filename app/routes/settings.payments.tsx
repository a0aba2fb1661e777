// Settings → Payments (owner only): how customers pay this business online. This branch carries the
// PayPal part (its own component and routes); the Stripe Connect part is built beside it.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PayPalConnectPanel } from "~/components/paypal-connect-panel";
import { paypalConnectStatus, refreshPayPalMerchant } from "~/models/paypal-connect.server";
import { requireOwner } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Payments | Invoice Link" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { businessId } = await requireOwner(request);
  // The live state from PayPal; when PayPal does not answer, the last one we know, said as much.
  const refreshed = await refreshPayPalMerchant(businessId);
  const paypal = { ...(await paypalConnectStatus(businessId)), refreshProblem: refreshed.ok ? null : refreshed.message };
  return json({ paypal }, { headers: { "Cache-Control": "private, no-store" } });
}

export default function PaymentSettings() {
  const { paypal } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <h1>Payments</h1>
      <PayPalConnectPanel status={paypal} />
    </div>
  );
}

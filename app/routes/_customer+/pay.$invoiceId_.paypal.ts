// Where PayPal sends the customer back after they approve: capture the order (idempotent by its
// PayPal-Request-Id, and a captured order just reads back its capture), record it through the one
// payment path, and return to the pay page. The PAYMENT.CAPTURE.COMPLETED webhook records the same
// capture id again, as a no-op.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { completePayPalReturn, loadPayLink } from "~/models/payments/checkout.server";
import { DomainError } from "~/models/errors.server";
import { linkProblem } from "~/models/signed-link.server";
import { logger } from "~/utils/logger.server";
import { PayPalError, paypalConfigured } from "~/models/payments/paypal-client.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  const t = url.searchParams.get("t");
  const d = url.searchParams.get("d");
  const link = await loadPayLink(params.invoiceId!, t, d);
  if (!link.ok) throw linkProblem(link.reason);
  const back = `/pay/${encodeURIComponent(link.invoice.id)}?${new URLSearchParams({ t: t!, d: d! })}`;
  const orderId = url.searchParams.get("token");
  if (!paypalConfigured() || !orderId || !/^[A-Z0-9-]{1,64}$/i.test(orderId)) return redirect(`${back}&paypal=incomplete`, 303);
  try {
    await completePayPalReturn(link.invoice, orderId);
    return redirect(`${back}&checkout=paypal`, 303);
  } catch (error) {
    if (!(error instanceof PayPalError || error instanceof DomainError)) throw error;
    logger.warn({ err: error.message, invoiceId: link.invoice.id }, "paypal return not captured");
    return redirect(`${back}&paypal=incomplete`, 303);
  }
});

import { parseWithZod } from "@conform-to/zod/v4";
// The customer's pay page, reached only through a signed link. Server-rendered, ships no JavaScript,
// works on old phones: paying is a plain form POST that 303-redirects to Stripe Checkout or PayPal.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { BrandHeader, brandLinks } from "~/components/brand-header";
import { DocumentLines, documentView } from "~/components/document-lines";
import { PhotoGallery } from "~/components/photo-gallery";
import { listJobPhotos } from "~/models/job-photo.server";
import { PayLinkDownloads } from "~/components/pay-link-downloads";
import { ContactLinks, StatusBadge } from "~/components/status-badge";
import { customerStatus } from "~/models/labels";
import {
  loadPayLink,
  onlinePaymentOptions,
  payableAmounts,
  recordPayLinkOpened,
  startPayPalCheckout,
  startStripeCheckout,
} from "~/models/payments/checkout.server";
import { loadBrand } from "~/models/branding.server";
import { toDateString } from "~/utils/dates";
import { DomainError } from "~/models/errors.server";
import { formatInvoiceNumber } from "~/models/invoice.server";
import { linkProblem } from "~/models/signed-link.server";
import type { RouteHandle } from "~/root";
import { logger } from "~/utils/logger.server";
import { formatMoney } from "~/utils/money";
import { PayPalError } from "~/models/payments/paypal-client.server";
import { enforceRateLimit } from "~/utils/rate-limit.server";
import { getSession } from "~/utils/session.server";
import { startPayPageRender } from "~/web/page-cache.server";
import { mapDomainErrors } from "~/web/errors.server";
import { formErrors } from "~/components/forms";
import { PayFormSchema } from "./__pay-form.server";

export const handle: RouteHandle = { hydrate: false, customerFacing: true };

// The loader's and action's no-store and noindex headers reach the response.
export const headers: HeadersFunction = ({ loaderHeaders, actionHeaders }) => {
  const out = new Headers(loaderHeaders);
  actionHeaders.forEach((value, key) => out.set(key, value));
  return out;
};

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: "Invoice" }, { name: "robots", content: "noindex" }, ...brandLinks(data?.brand)];

const NO_STORE = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" };

/** Same 401 for a bad signature, an unknown id, a draft or a void invoice: nothing reveals what exists. */
async function invoiceFromLink(id: string, t: string | null, d: string | null) {
  const link = await loadPayLink(id, t, d);
  if (!link.ok) throw linkProblem(link.reason);
  return link.invoice;
}

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params, context }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  const t = url.searchParams.get("t");
  const d = url.searchParams.get("d");
  // A customer's plain view may be kept and sent again while nothing on it changes (app/web/page-cache.server.ts).
  const render = await startPayPageRender(request, params.invoiceId!);
  const invoice = await invoiceFromLink(params.invoiceId!, t, d);
  // The contractor previewing their own link is not the customer opening it. The lookup is the root
  // loader's (shared through the context), and a customer has no session cookie, so none at all.
  const session = await getSession(request, context);
  if (session?.businessId !== invoice.businessId) await recordPayLinkOpened(invoice);
  const { balance, deposit } = payableAmounts(invoice);
  const pendingCents = invoice.payments.reduce((sum, p) => sum + p.amountCents, 0);
  const checkout = url.searchParams.get("checkout");
  const brand = await loadBrand(invoice.businessId);
  const photos = await listJobPhotos(invoice.businessId, { kind: "invoice", id: invoice.id });
  await render?.keepIfUnchanged(context);
  return json(
    {
      id: invoice.id,
      t,
      d,
      returnedFrom: checkout === "stripe" || checkout === "paypal" ? checkout : null,
      paypalProblem: url.searchParams.get("paypal"),
      business: { name: invoice.business.name, email: invoice.business.email, phone: invoice.business.phone, website: invoice.business.website },
      customerName: invoice.customer.name,
      number: formatInvoiceNumber(invoice.business.invoicePrefix, invoice.number),
      status: customerStatus(invoice.status),
      issueDate: toDateString(invoice.issueDate),
      dueDate: toDateString(invoice.dueDate),
      ...documentView(invoice),
      amountPaidCents: invoice.amountPaidCents,
      balanceCents: balance,
      depositCents: deposit,
      pendingCents,
      online: onlinePaymentOptions(invoice.business),
      brand,
      photos,
    },
    { headers: NO_STORE },
  );
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, params, context }: ActionFunctionArgs) => {
  const form = await request.formData();
  const submission = parseWithZod(form, { schema: PayFormSchema });
  // The one reply shape ({ result }, app/web/forms.server.ts), read without JavaScript: the page shows its form errors.
  const refuse = (message: string, status: number) => json({ result: submission.reply({ formErrors: [message] }) }, { status, headers: NO_STORE });
  if (submission.status !== "success") return refuse("Choose how you want to pay.", 400);
  const { t, d, provider, amount } = submission.value;
  const invoice = await invoiceFromLink(params.invoiceId!, t, d);
  if (!onlinePaymentOptions(invoice.business)[provider]) return refuse("That payment method is not available.", 400);
  await enforceRateLimit("checkout", context);
  try {
    const url = provider === "stripe" ? await startStripeCheckout(invoice, amount) : await startPayPalCheckout(invoice, amount);
    return redirect(url, { status: 303, headers: NO_STORE });
  } catch (error) {
    if (error instanceof DomainError) return refuse(error.message, 409);
    // The provider is down or refused: tell the customer plainly, keep the details in the log.
    const providerName = provider === "stripe" ? "Card payment" : "PayPal";
    const isProviderError = error instanceof PayPalError || (error as { type?: string }).type?.startsWith("Stripe");
    if (!isProviderError) throw error;
    logger.error({ err: (error as Error).message, provider, invoiceId: invoice.id }, "could not start checkout");
    return refuse(`${providerName} is not available right now. Please try again in a few minutes or use another way to pay.`, 502);
  }
});

export default function PayInvoice() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const money = (cents: number) => formatMoney(cents, data.currency);
  const canPay = data.balanceCents > 0 && data.pendingCents === 0;
  const online = data.online.stripe || data.online.paypal;
  const contact = <ContactLinks phone={data.business.phone} email={data.business.email} />;
  return (
    <div className="stack brand-accent">
      <header>
        <BrandHeader name={data.business.name} brand={data.brand} />
        <h1>
          Invoice {data.number} {data.status ? <StatusBadge status={data.status} /> : null}
        </h1>
        <p className="muted">
          For {data.customerName} · issued {data.issueDate} · due {data.dueDate}
        </p>
      </header>
      {data.returnedFrom && data.balanceCents === 0 ? <p className="flash flash-success">Thank you! Your payment was received.</p> : null}
      {data.returnedFrom && data.balanceCents > 0 && data.pendingCents === 0 ? (
        <p className="flash">
          Thank you! We are confirming your payment with {data.returnedFrom === "stripe" ? "the card processor" : "PayPal"}.{" "}
          <a href={`?t=${data.t}&d=${data.d}&checkout=${data.returnedFrom}`}>Refresh</a> in a moment to see it.
        </p>
      ) : null}
      {data.paypalProblem ? <p className="flash flash-error">Your PayPal payment was not completed. Nothing was charged; you can try again.</p> : null}
      {data.pendingCents > 0 ? (
        <p className="flash">Your bank payment of {money(data.pendingCents)} is processing. It usually clears in 3–5 business days; you will get a receipt.</p>
      ) : null}
      {formErrors(actionData?.result)?.[0] ? (
        <p className="flash flash-error" role="alert">
          {formErrors(actionData?.result)?.[0]}
        </p>
      ) : null}
      <section className="card">
        <DocumentLines {...data}>
          {data.amountPaidCents > 0 ? (
            <>
              <dt>Paid</dt>
              <dd>−{money(data.amountPaidCents)}</dd>
            </>
          ) : null}
          <dt>Balance due</dt>
          <dd>
            <strong data-testid="balance">{money(data.balanceCents)}</strong>
          </dd>
        </DocumentLines>
      </section>
      {canPay && online ? (
        <Form method="post" className="card stack" reloadDocument>
          <input type="hidden" name="t" value={data.t ?? ""} />
          <input type="hidden" name="d" value={data.d ?? ""} />
          {data.depositCents ? (
            <fieldset>
              <legend>How much do you want to pay now?</legend>
              <label>
                <input type="radio" name="amount" value="deposit" defaultChecked /> Deposit: {money(data.depositCents)}
              </label>
              <label>
                <input type="radio" name="amount" value="balance" /> Full balance: {money(data.balanceCents)}
              </label>
            </fieldset>
          ) : (
            <input type="hidden" name="amount" value="balance" />
          )}
          <div className="actions">
            {data.online.stripe ? (
              <button type="submit" name="provider" value="stripe">
                Pay with card or bank
              </button>
            ) : null}
            {data.online.paypal ? (
              <button type="submit" name="provider" value="paypal" className="button-secondary">
                Pay with PayPal
              </button>
            ) : null}
          </div>
          <p className="muted">
            Card, Apple Pay, Google Pay{data.currency === "USD" ? ", bank account (ACH)" : ""} or PayPal. Payments are processed securely by Stripe and PayPal;
            card details never reach {data.business.name}.
          </p>
        </Form>
      ) : null}
      {canPay && !online ? (
        <section className="card">
          <h2>How to pay</h2>
          <p>
            Online payment is not set up for this invoice. Please contact {data.business.name}
            {contact} to pay.
          </p>
        </section>
      ) : null}
      {data.notes ? <p className="prewrap">{data.notes}</p> : null}
      {data.terms ? <p className="prewrap muted">{data.terms}</p> : null}
      <PhotoGallery photos={data.photos} base={`/pay/${encodeURIComponent(data.id)}/photos`} t={data.t} d={data.d} />
      <PayLinkDownloads invoiceId={data.id} t={data.t} d={data.d} paid={data.status === "PAID"} />
      <p className="muted">
        Questions? Contact {data.business.name}
        {contact}.
      </p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { FormResult } from "~/components/server-form";
import { ConfirmVoid } from "~/components/confirm-void";
import { DocumentLines, documentView } from "~/components/document-lines";
import { EmailTimeline } from "~/components/email-timeline";
import { DocumentPageHeader, IntentButton } from "~/components/document-page-header";
import { SubmitButton } from "~/components/forms";
import { JobPhotos } from "~/components/job-photos";
import { RefundPaymentForm } from "~/components/refund-payment-form";
import { RepeatInvoiceForm } from "~/components/repeat-invoice-form";
import { SendReminderNow } from "~/components/send-reminder-now";
import { ShareLink } from "~/components/share-link";
import { todayIn, toDateString } from "~/utils/dates";
import { formatEstimateNumber } from "~/models/document-numbers";
import { amountDueNowCents, balanceCents, displayStatus, formatInvoiceNumber, getInvoice, getInvoiceWithRefunds } from "~/models/invoice.server";
import { listJobPhotos } from "~/models/job-photo.server";
import { paymentDay } from "~/models/payments/payment.server";
import { describePaymentMethod } from "~/models/payments/receipt.server";
import { REFUND_INTENT } from "~/models/payments/refund-form";
import { signedUrl } from "~/models/signed-link.server";
import { requireBusiness } from "~/web/auth.server";
import { randomToken } from "~/utils/crypto.server";
import { centsToInput, formatMoney } from "~/utils/money";
import { mapDomainErrors } from "~/web/errors.server";
import { invoicePageAction } from "./actions.server";
import { RecordPaymentForm } from "./record-payment-form";
import { replyFor } from "./reply-for";
import { emailTimelineView } from "./emails.server";
import { refundsView } from "./refunds.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.number ?? "Invoice"} | Invoice Link` }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params, context }: LoaderFunctionArgs) => {
  // The root loader's session lookup, with the business's defaults in it: no query of its own.
  const auth = await requireBusiness(request, context);
  const { businessId, business } = auth;
  const invoice = await getInvoiceWithRefunds(businessId, params.invoiceId!);
  const refunds = refundsView(auth, invoice.payments, invoice.currency);
  const today = todayIn(business.timeZone);
  return json({
    id: invoice.id,
    photos: await listJobPhotos(businessId, { kind: "invoice", id: invoice.id }),
    number: formatInvoiceNumber(business.invoicePrefix, invoice.number),
    status: invoice.status,
    displayStatus: displayStatus(invoice, today),
    ...documentView(invoice),
    customer: { id: invoice.customer.id, name: invoice.customer.name, email: invoice.customer.email, phone: invoice.customer.phone },
    // The customer's signed link exists once the invoice is sent; voiding it severs the link.
    payLink: invoice.status === "DRAFT" || invoice.status === "VOID" ? null : signedUrl("pay", invoice.id),
    issueDate: toDateString(invoice.issueDate),
    dueDate: toDateString(invoice.dueDate),
    amountPaidCents: invoice.amountPaidCents,
    overpaidCents: invoice.overpaidCents,
    balanceCents: balanceCents(invoice),
    dueNowCents: amountDueNowCents(invoice),
    depositCents: invoice.depositCents,
    version: invoice.version,
    estimate: invoice.estimate ? { id: invoice.estimate.id, number: formatEstimateNumber(business.estimatePrefix, invoice.estimate.number) } : null,
    payments: invoice.payments.map((p) => ({
      id: p.id,
      amountCents: p.amountCents,
      method: p.method,
      receivedAt: p.receivedAt.toISOString(),
      receivedOn: paymentDay(p, business.timeZone),
      reference: p.reference,
      status: p.status,
      provider: p.provider,
      paidWith: describePaymentMethod(p),
      badges: paymentBadges(p, invoice.currency),
    })),
    revisions: invoice.revisions.map((r) => ({
      id: r.id,
      version: r.version,
      createdAt: r.createdAt.toISOString(),
      totalCents: (r.snapshot as { totalCents?: number }).totalCents ?? 0,
    })),
    today,
    emails: emailTimelineView(invoice.emailMessages),
    repeating: invoice.schedulesFromThis.length > 0,
    fromSchedule: invoice.recurringSchedule?.id ?? null,
    // A fresh key per page view: submitting the same form twice records one payment. "Mark paid" has
    // its own, so recording a part and then marking the rest paid from one page view are two payments.
    paymentKey: randomToken(16),
    refunds,
    markPaidKey: randomToken(16),
    businessName: business.name,
  });
});

/** The notes beside a payment's amount: overpaid, refunded, processing, failed, disputed. */
function paymentBadges(p: { status: string; overpaymentCents: number; refundedCents: number }, currency: string) {
  const badges: { text: string; warn: boolean }[] = [];
  if (p.overpaymentCents) badges.push({ text: `overpaid ${formatMoney(p.overpaymentCents, currency)}`, warn: true });
  if (p.status === "REFUNDED") badges.push({ text: "refunded", warn: false });
  if (p.status === "SUCCEEDED" && p.refundedCents) badges.push({ text: `${formatMoney(p.refundedCents, currency)} refunded`, warn: false });
  if (p.status === "PENDING") badges.push({ text: "processing", warn: false });
  if (p.status === "FAILED") badges.push({ text: "failed", warn: true });
  if (p.status === "DISPUTED") badges.push({ text: "disputed", warn: true });
  return badges;
}

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: ActionFunctionArgs) => {
  const auth = await requireBusiness(request);
  const invoice = await getInvoice(auth.businessId, params.invoiceId!);
  return invoicePageAction(request, auth, invoice);
});

const FORMS_WITH_ERRORS: string[] = ["record-payment", REFUND_INTENT, "make-recurring"];

/** The "Repeat this invoice" form shows one message per field ("form" for the form's own). */
function recurringErrors(result: FormResult) {
  return Object.fromEntries(Object.entries(result.error ?? {}).flatMap(([name, list]) => (list?.length ? [[name || "form", list[0]]] : [])));
}

export default function InvoicePage() {
  const data = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const money = (cents: number) => formatMoney(cents, data.currency);
  const busy = (intent: string) => navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
  const open = data.status !== "PAID" && data.status !== "VOID";
  // Errors of the forms that show none of their own (mark paid with an expired key, an unknown intent).
  const actionData = useActionData<typeof action>();
  const otherErrors = Object.values(replyFor(actionData?.result, (intent) => !FORMS_WITH_ERRORS.includes(intent as string))?.error ?? {}).flatMap(
    (list) => list ?? [],
  );
  const recurring = replyFor(actionData?.result, "make-recurring");
  return (
    <div className="stack">
      <DocumentPageHeader kind="invoice" id={data.id} number={data.number} status={data.displayStatus} editable={open} errors={otherErrors}>
        {data.status === "DRAFT" && data.customer.email ? <IntentButton intent="send-email">Send by email</IntentButton> : null}
        <SendReminderNow show={data.displayStatus === "OVERDUE" && Boolean(data.customer.email)} />
        {data.status === "DRAFT" ? <IntentButton intent="mark-sent">Mark as sent</IntentButton> : null}
      </DocumentPageHeader>

      <section className="card invoice-sheet">
        <div className="grid-2">
          <div>
            <p className="muted">Bill to</p>
            <p>
              <Link to={`/customers/${data.customer.id}`}>{data.customer.name}</Link>
              {data.customer.email ? <br /> : null}
              {data.customer.email}
            </p>
          </div>
          <div>
            <p>
              Issued {data.issueDate}
              <br />
              Due {data.dueDate}
            </p>
            {data.estimate ? (
              <p>
                From estimate <Link to={`/estimates/${data.estimate.id}`}>{data.estimate.number}</Link>
              </p>
            ) : null}
          </div>
        </div>
        <DocumentLines
          currency={data.currency}
          taxMode={data.taxMode}
          taxRate={data.taxRate}
          lines={data.lines}
          subtotalCents={data.subtotalCents}
          discountCents={data.discountCents}
          taxCents={data.taxCents}
          totalCents={data.totalCents}
        >
          <dt>Paid</dt>
          <dd>{money(data.amountPaidCents)}</dd>
          <dt>Balance</dt>
          <dd>
            <strong data-testid="balance">{money(data.balanceCents)}</strong>
          </dd>
          {data.depositCents && data.dueNowCents !== data.balanceCents ? (
            <>
              <dt>Deposit due now</dt>
              <dd>{money(data.dueNowCents)}</dd>
            </>
          ) : null}
        </DocumentLines>
        {data.overpaidCents ? (
          <p className="flash flash-error" role="status">
            Overpaid by {money(data.overpaidCents)}: refund or credit the customer.
          </p>
        ) : null}
        {data.notes ? <p className="prewrap">{data.notes}</p> : null}
        {data.terms ? <p className="prewrap muted">{data.terms}</p> : null}
      </section>

      {data.payLink ? (
        <ShareLink
          url={data.payLink}
          smsBody={`${data.businessName}: invoice ${data.number} for ${money(data.dueNowCents)}. View and pay: ${data.payLink}`}
          phone={data.customer.phone}
          canEmail={Boolean(data.customer.email) && open}
          emailPending={busy("send-email")}
        />
      ) : null}

      {open ? (
        <div className="stack">
          {/* Remounted (emptied) once a payment is recorded, so a second tap cannot record it again; kept
              as typed, errors shown, when the server refused it. */}
          <RecordPaymentForm
            key={`${data.payments.length}:${data.amountPaidCents}`}
            currency={data.currency}
            paymentKey={data.paymentKey}
            today={data.today}
            balance={data.amountPaidCents === 0 ? centsToInput(data.balanceCents, data.currency) : ""}
          />
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="mark-paid" />
            <input type="hidden" name="key" value={data.markPaidKey} />
            <SubmitButton className="button-secondary" pending={busy("mark-paid")}>
              Mark paid in full ({money(data.balanceCents)})
            </SubmitButton>
          </Form>
        </div>
      ) : null}

      <JobPhotos photos={data.photos} action={`/invoices/${data.id}/photos`} />

      <EmailTimeline emails={data.emails} />

      {data.status !== "VOID" && !data.repeating && !data.fromSchedule ? (
        <RepeatInvoiceForm today={data.today} errors={recurring ? recurringErrors(recurring) : undefined} />
      ) : null}
      {data.repeating ? (
        <p>
          This invoice repeats. <Link to="/recurring">See the schedule</Link>
        </p>
      ) : null}

      <section className="card">
        <h2>Payments</h2>
        {data.payments.length === 0 ? <p className="muted">No payments yet.</p> : null}
        {data.payments.length ? (
          <div className="table-scroll">
            <table className="stacked">
              <thead>
                <tr>
                  <th>Date</th>
                  <th>Method</th>
                  <th>Reference</th>
                  <th className="num">Amount</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.payments.map((p) => (
                  <tr key={p.id} data-testid="payment-row">
                    <td className="cell-main">{p.receivedOn}</td>
                    <td data-label="Method">{p.paidWith}</td>
                    <td data-label="Reference">{p.reference}</td>
                    <td className="num" data-label="Amount">
                      {money(p.amountCents)}
                      {p.badges.map((b) => (
                        <span key={b.text} className={b.warn ? "badge badge-warn" : "badge"}>
                          {` ${b.text}`}
                        </span>
                      ))}
                    </td>
                    <td>
                      {p.status === "SUCCEEDED" && p.provider === "manual" && data.status !== "VOID" ? (
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value="refund-payment" />
                          <input type="hidden" name="paymentId" value={p.id} />
                          <button type="submit" className="link-button">
                            Mark refunded
                          </button>
                        </Form>
                      ) : null}
                      {data.refunds.canRefund && data.refunds.byPayment[p.id] ? (
                        <RefundPaymentForm
                          paymentId={p.id}
                          provider={p.provider}
                          currency={data.currency}
                          refundKey={data.refunds.refundKey}
                          view={data.refunds.byPayment[p.id]}
                          result={replyFor(actionData?.result, REFUND_INTENT, p.id)}
                        />
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      {data.revisions.length ? (
        <section className="card">
          <h2>History</h2>
          <p className="muted">Current version: {data.version}</p>
          <ul>
            {data.revisions.map((r) => (
              <li key={r.id}>
                Version {r.version}, replaced {r.createdAt.slice(0, 16).replace("T", " ")} UTC, total {money(r.totalCents)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {data.status !== "VOID" ? (
        <ConfirmVoid
          label="Void this invoice"
          question={`Void ${data.number}?`}
          consequence={
            data.payLink
              ? "The customer's pay link stops working at once. This cannot be undone."
              : "It stays in your records, marked void. This cannot be undone."
          }
          pending={busy("void")}
        />
      ) : null}
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

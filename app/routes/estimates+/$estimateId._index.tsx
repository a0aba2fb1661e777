import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod/v4";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { listJobPhotos } from "~/models/job-photo.server";
import { JobPhotos } from "~/components/job-photos";
import { ConfirmVoid } from "~/components/confirm-void";
import { DocumentLines } from "~/components/document-lines";
import { ApprovalRecord, approvalView, estimateChoiceView, OptionalItems } from "~/components/estimate-choices";
import { DocumentPageHeader, IntentButton } from "~/components/document-page-header";
import { ShareLink } from "~/components/share-link";
import { toDateString } from "~/utils/dates";
import { DomainError } from "~/models/errors.server";
import { convertEstimateToInvoice, getEstimate, markEstimateSent, sendEstimate, voidEstimate } from "~/models/estimate.server";
import { formatEstimateNumber, formatInvoiceNumber } from "~/models/document-numbers";
import { signedPath, signedUrl } from "~/models/signed-link.server";
import { requireBusiness } from "~/web/auth.server";
import { formatMoney } from "~/utils/money";
import { redirectWithFlash } from "~/utils/session.server";
import { formReply } from "~/web/forms.server";
import { mapDomainErrors } from "~/web/errors.server";
import { EstimatePageSchema } from "./__forms.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.number ?? "Estimate"} | Invoice Link` }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const estimate = await getEstimate(businessId, params.estimateId!);
  return json({
    id: estimate.id,
    photos: await listJobPhotos(businessId, { kind: "estimate", id: estimate.id }),
    number: formatEstimateNumber(estimate.business.estimatePrefix, estimate.number),
    status: estimate.status,
    ...estimateChoiceView(estimate),
    approval: approvalView(estimate, estimate.business.timeZone),
    customer: { id: estimate.customer.id, name: estimate.customer.name, email: estimate.customer.email, phone: estimate.customer.phone },
    businessName: estimate.business.name,
    issueDate: toDateString(estimate.issueDate),
    validUntil: estimate.validUntil ? toDateString(estimate.validUntil) : null,
    invoice: estimate.invoice ? { id: estimate.invoice.id, number: formatInvoiceNumber(estimate.business.invoicePrefix, estimate.invoice.number) } : null,
    customerLink: ["SENT", "VIEWED", "APPROVED", "DECLINED"].includes(estimate.status) ? signedPath("estimate", estimate.id) : null,
    customerUrl: ["SENT", "VIEWED", "APPROVED", "DECLINED"].includes(estimate.status) ? signedUrl("estimate", estimate.id) : null,
  });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: ActionFunctionArgs) => {
  const { businessId, user } = await requireBusiness(request);
  const estimate = await getEstimate(businessId, params.estimateId!);
  const submission = parseWithZod(await request.formData(), { schema: EstimatePageSchema });
  if (submission.status !== "success") return formReply(submission.reply({ formErrors: ["Unknown action"] }));
  const back = `/estimates/${estimate.id}`;
  try {
    switch (submission.value.intent) {
      case "send":
        await sendEstimate(businessId, estimate.id);
        return redirectWithFlash(request, back, { kind: "success", message: `Estimate emailed to ${estimate.customer.email}.` });
      case "mark-sent":
        await markEstimateSent(businessId, estimate.id);
        return redirectWithFlash(request, back, { kind: "success", message: "Estimate marked as sent. Text or copy the link below." });
      case "convert": {
        const invoice = await convertEstimateToInvoice(businessId, estimate.id, user.id);
        return redirectWithFlash(request, `/invoices/${invoice.id}`, {
          kind: "success",
          message: invoice.created ? "Invoice created from the estimate. Review it and send it." : "This estimate was already converted.",
        });
      }
      case "void":
        await voidEstimate(businessId, estimate.id);
        return redirectWithFlash(request, back, { kind: "success", message: "Estimate voided." });
    }
  } catch (error) {
    if (error instanceof DomainError) return redirectWithFlash(request, back, { kind: "error", message: error.message });
    throw error;
  }
});

export default function EstimatePage() {
  const data = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const busy = (intent: string) => navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
  const editable = ["DRAFT", "SENT", "VIEWED", "DECLINED"].includes(data.status);
  const errors = useActionData<typeof action>()?.result.error?.[""];
  return (
    <div className="stack">
      <DocumentPageHeader kind="estimate" id={data.id} number={data.number} status={data.status} editable={editable} errors={errors}>
        {editable && data.customer.email ? <IntentButton intent="send">{data.status === "DRAFT" ? "Send to customer" : "Send again"}</IntentButton> : null}
        {data.status === "DRAFT" ? <IntentButton intent="mark-sent">Mark as sent</IntentButton> : null}
        {data.status === "APPROVED" && !data.invoice ? <IntentButton intent="convert">Convert to invoice</IntentButton> : null}
      </DocumentPageHeader>
      {editable && !data.customer.email ? (
        <p className="flash">
          To email this estimate, <Link to={`/customers/${data.customer.id}/edit`}>add an email address</Link> to the customer
          {data.status === "DRAFT" ? ", or mark it as sent and text them the link" : ""}.
        </p>
      ) : null}
      {data.invoice ? (
        <p className="flash flash-success">
          Converted to invoice <Link to={`/invoices/${data.invoice.id}`}>{data.invoice.number}</Link>.
        </p>
      ) : null}
      <section className="card">
        <p>
          For <Link to={`/customers/${data.customer.id}`}>{data.customer.name}</Link> · issued {data.issueDate}
          {data.validUntil ? ` · valid until ${data.validUntil}` : ""}
        </p>
        <DocumentLines {...data} />
        <OptionalItems items={data.options} currency={data.currency} editable={false} />
        <ApprovalRecord approval={data.approval} showSource />
        {data.notes ? <p className="prewrap">{data.notes}</p> : null}
        {data.terms ? <p className="prewrap muted">{data.terms}</p> : null}
      </section>
      {data.customerLink && data.customerUrl ? (
        <ShareLink
          heading="Customer link"
          description="The customer views, approves or declines the estimate here. The link works for 60 days."
          url={data.customerUrl}
          testId="estimate-link"
          openHref={data.customerLink}
          openTestId="customer-link"
          smsBody={`${data.businessName}: estimate ${data.number} for ${formatMoney(data.totalCents, data.currency)}. View and approve: ${data.customerUrl}`}
          phone={data.customer.phone}
          canEmail={editable && Boolean(data.customer.email)}
          emailIntent="send"
          emailPending={busy("send")}
        />
      ) : null}
      <JobPhotos photos={data.photos} action={`/estimates/${data.id}/photos`} />
      {data.status !== "VOID" && !data.invoice ? (
        <ConfirmVoid
          label="Void this estimate"
          question={`Void ${data.number}?`}
          consequence="The customer's link stops working and it can no longer be approved. This cannot be undone."
          pending={busy("void")}
        />
      ) : null}
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

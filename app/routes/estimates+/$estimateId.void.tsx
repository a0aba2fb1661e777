// Voiding an estimate turns its customer link off, so it is never one tap: this page asks first.
// It is where "Void this estimate" leads without JavaScript (with JavaScript the estimate page asks in place).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { SubmitButton } from "~/components/forms";
import { DomainError } from "~/models/errors.server";
import { getEstimate, voidEstimate } from "~/models/estimate.server";
import { formatEstimateNumber } from "~/models/document-numbers";
import { requireBusiness } from "~/web/auth.server";
import { formatMoney } from "~/utils/money";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Void ${data?.number ?? "estimate"}? | Invoice Link` }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const estimate = await getEstimate(businessId, params.estimateId!);
  if (estimate.status === "VOID" || estimate.invoice) throw redirect(`/estimates/${estimate.id}`);
  return json({
    id: estimate.id,
    number: formatEstimateNumber(estimate.business.estimatePrefix, estimate.number),
    customerName: estimate.customer.name,
    total: formatMoney(estimate.totalCents, estimate.currency),
  });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: ActionFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const estimate = await getEstimate(businessId, params.estimateId!);
  const back = `/estimates/${estimate.id}`;
  try {
    await voidEstimate(businessId, estimate.id);
  } catch (error) {
    if (error instanceof DomainError) return redirectWithFlash(request, back, { kind: "error", message: error.message });
    throw error;
  }
  return redirectWithFlash(request, back, { kind: "success", message: "Estimate voided." });
});

export default function ConfirmVoidEstimate() {
  const data = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  return (
    <div className="stack narrow">
      <h1>Void {data.number}?</h1>
      <p>
        {data.number} for {data.customerName}, {data.total}. The customer&apos;s link stops working and it can no longer be approved. This cannot be undone.
      </p>
      <Form method="post" className="actions">
        <Link to={`/estimates/${data.id}`} className="button button-secondary">
          Keep it
        </Link>
        <SubmitButton className="button-danger" pending={navigation.state === "submitting"}>
          Void {data.number}
        </SubmitButton>
      </Form>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { DocumentForm, EMPTY_LINE } from "~/components/document-form";
import { addDays, todayIn } from "~/models/document-form";
import { createEstimate } from "~/models/estimate.server";
import { aiConfigured } from "~/utils/ai.server";
import { requireBusiness } from "~/utils/auth.server";
import { businessDefaults, customerOptions, parseDocumentForm, withDomainErrors } from "~/utils/document-action.server";
import { percentToInput } from "~/utils/money";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";

export const meta: MetaFunction = () => [{ title: "New estimate | Invoice Link" }];

export const loader = mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const business = await businessDefaults(businessId);
  const customerId = new URL(request.url).searchParams.get("customerId");
  const customers = await customerOptions(businessId);
  const today = todayIn(business.timeZone);
  return json({
    aiLines: aiConfigured(),
    currency: business.currency,
    customers,
    defaultValue: {
      customerId: customers.some((c) => c.id === customerId) ? customerId! : "",
      issueDate: today,
      dueDate: addDays(today, 30),
      taxMode: "INVOICE" as const,
      taxRate: business.defaultTaxRate ? percentToInput(business.defaultTaxRate) : "",
      discountType: "NONE" as const,
      lines: [EMPTY_LINE],
    },
  });
});

export const action = mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const { currency } = await businessDefaults(businessId);
  const parsed = await parseDocumentForm(request, currency, "estimate");
  if (parsed.response) return parsed.response;
  const result = await withDomainErrors(parsed.submission, () => createEstimate(businessId, parsed.input));
  if (!result.ok) return result.response;
  return redirectWithFlash(request, `/estimates/${result.value.id}`, { kind: "success", message: "Estimate created." });
});

export default function NewEstimate() {
  const { currency, customers, defaultValue, aiLines } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  return (
    <div className="stack">
      <h1>New estimate</h1>
      {customers.length === 0 ? (
        <p className="card">
          You have no customers yet. <Link to="/customers/new">Add a customer</Link> first.
        </p>
      ) : null}
      <DocumentForm kind="estimate" currency={currency} customers={customers} defaultValue={defaultValue} lastResult={lastResult} aiLines={aiLines} submitLabel="Create estimate" />
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

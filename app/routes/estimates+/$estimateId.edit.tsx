import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { DocumentForm } from "~/components/document-form";
import { toDateString } from "~/utils/dates";
import { estimateEditBlockedReason, getEstimate, updateEstimate } from "~/models/estimate.server";
import { formatEstimateNumber } from "~/models/document-numbers";
import { customerOptions } from "~/models/customer.server";
import { DomainError } from "~/models/errors.server";
import { aiConfigured } from "~/models/ai-assistant.server";
import { requireBusiness } from "~/web/auth.server";
import { centsToInput, percentToInput, quantityToInput } from "~/utils/money";
import { redirectWithFlash } from "~/utils/session.server";
import { documentEditorAction } from "~/web/document-editor.server";
import { mapDomainErrors } from "~/web/errors.server";

export const meta: MetaFunction = () => [{ title: "Edit estimate | Invoice Link" }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const estimate = await getEstimate(businessId, params.estimateId!);
  if (estimateEditBlockedReason(estimate.status)) throw redirect(`/estimates/${estimate.id}`);
  const c = estimate.currency;
  return json({
    aiLines: aiConfigured(),
    number: formatEstimateNumber(estimate.business.estimatePrefix, estimate.number),
    currency: c,
    customers: await customerOptions(businessId, estimate.customerId),
    defaultValue: {
      customerId: estimate.customerId,
      issueDate: toDateString(estimate.issueDate),
      validUntil: estimate.validUntil ? toDateString(estimate.validUntil) : "",
      taxMode: estimate.taxMode,
      taxRate: estimate.taxRate ? percentToInput(estimate.taxRate) : "",
      discountType: estimate.discountType,
      discountValue:
        estimate.discountType === "PERCENT"
          ? percentToInput(estimate.discountValue)
          : estimate.discountType === "AMOUNT"
            ? centsToInput(estimate.discountValue, c)
            : "",
      notes: estimate.notes ?? "",
      terms: estimate.terms ?? "",
      lines: estimate.lines.map((l) => ({
        description: l.description,
        quantity: quantityToInput(l.quantityMilli),
        unitPrice: centsToInput(l.unitPriceCents, c),
        taxRate: l.taxRate ? percentToInput(l.taxRate) : "",
        ...(l.optional ? { optional: "on" } : {}),
      })),
    },
  });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: ActionFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const estimate = await getEstimate(businessId, params.estimateId!);
  // The loader redirects away from an approved or void estimate, which would turn a returned 400 into
  // that redirect and lose the reason; so the refusal is thrown and rendered as an error page of its own.
  const refuse = (reason: string) => new Response(reason, { status: 400, statusText: "This estimate cannot be edited" });
  const blocked = estimateEditBlockedReason(estimate.status);
  if (blocked) throw refuse(blocked);
  return documentEditorAction(request, {
    businessId,
    currency: estimate.currency,
    kind: "estimate",
    save: async (input) => {
      try {
        await updateEstimate(businessId, estimate.id, input);
      } catch (error) {
        // Approved or voided while the form was open.
        if (error instanceof DomainError) {
          const now = estimateEditBlockedReason((await getEstimate(businessId, estimate.id)).status);
          if (now) throw refuse(now);
        }
        throw error;
      }
      return redirectWithFlash(request, `/estimates/${estimate.id}`, { kind: "success", message: "Estimate saved." });
    },
  });
});

export default function EditEstimate() {
  const { number, currency, customers, defaultValue, aiLines } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <div className="stack">
      <h1>Edit estimate {number}</h1>
      <DocumentForm
        kind="estimate"
        currency={currency}
        customers={customers}
        defaultValue={defaultValue}
        reply={reply}
        aiLines={aiLines}
        submitLabel="Save estimate"
      />
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

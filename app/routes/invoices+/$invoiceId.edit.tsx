import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { DocumentForm } from "~/components/document-form";
import { toDateString } from "~/models/document-form";
import { editBlockedReason, formatInvoiceNumber, getInvoice, updateInvoice } from "~/models/invoice.server";
import { aiConfigured } from "~/utils/ai.server";
import { requireBusiness } from "~/utils/auth.server";
import { businessDefaults, customerOptions, parseDocumentForm, withDomainErrors } from "~/utils/document-action.server";
import { centsToInput, percentToInput, quantityToInput } from "~/utils/money";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";

export const meta: MetaFunction = () => [{ title: "Edit invoice | Invoice Link" }];

export const loader = mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const invoice = await getInvoice(businessId, params.invoiceId!);
  if (editBlockedReason(invoice.status)) throw redirect(`/invoices/${invoice.id}`);
  const business = await businessDefaults(businessId);
  const c = invoice.currency;
  return json({
    aiLines: aiConfigured(),
    number: formatInvoiceNumber(business.invoicePrefix, invoice.number),
    id: invoice.id,
    status: invoice.status,
    currency: c,
    customers: await customerOptions(businessId, invoice.customerId),
    defaultValue: {
      customerId: invoice.customerId,
      issueDate: toDateString(invoice.issueDate),
      dueDate: toDateString(invoice.dueDate),
      taxMode: invoice.taxMode,
      taxRate: invoice.taxRate ? percentToInput(invoice.taxRate) : "",
      discountType: invoice.discountType,
      discountValue:
        invoice.discountType === "PERCENT" ? percentToInput(invoice.discountValue) : invoice.discountType === "AMOUNT" ? centsToInput(invoice.discountValue, c) : "",
      deposit: invoice.depositCents ? centsToInput(invoice.depositCents, c) : "",
      notes: invoice.notes ?? "",
      terms: invoice.terms ?? "",
      lines: invoice.lines.map((l) => ({
        description: l.description,
        quantity: quantityToInput(l.quantityMilli),
        unitPrice: centsToInput(l.unitPriceCents, c),
        taxRate: l.taxRate ? percentToInput(l.taxRate) : "",
      })),
    },
  });
});

export const action = mapDomainErrors(async ({ request, params }: ActionFunctionArgs) => {
  const { businessId, user } = await requireBusiness(request);
  const invoice = await getInvoice(businessId, params.invoiceId!);
  // The loader redirects away from a paid or void invoice, which would turn a returned 400 into that
  // redirect and lose the reason; so the refusal is thrown and rendered as an error page of its own.
  const refuse = (reason: string) => new Response(reason, { status: 400, statusText: "This invoice cannot be edited" });
  const blocked = editBlockedReason(invoice.status);
  if (blocked) throw refuse(blocked);
  const parsed = await parseDocumentForm(request, invoice.currency, "invoice");
  if (parsed.response) return parsed.response;
  const result = await withDomainErrors(parsed.submission, () => updateInvoice(businessId, invoice.id, parsed.input, user.id));
  if (!result.ok) {
    // Paid or voided while the form was open.
    const now = editBlockedReason((await getInvoice(businessId, invoice.id)).status);
    if (now) throw refuse(now);
    return result.response;
  }
  return redirectWithFlash(request, `/invoices/${invoice.id}`, { kind: "success", message: "Invoice saved." });
});

export default function EditInvoice() {
  const { number, status, currency, customers, defaultValue, aiLines } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  return (
    <div className="stack">
      <h1>Edit invoice {number}</h1>
      {status !== "DRAFT" ? <p className="muted">This invoice was sent: saving keeps the current version in its history.</p> : null}
      <DocumentForm kind="invoice" currency={currency} customers={customers} defaultValue={defaultValue} lastResult={lastResult} aiLines={aiLines} submitLabel="Save invoice" />
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

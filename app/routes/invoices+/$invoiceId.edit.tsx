import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { DocumentForm } from "~/components/document-form";
import { toDateString } from "~/utils/dates";
import { editBlockedReason, formatInvoiceNumber, getInvoice, updateInvoice } from "~/models/invoice.server";
import { businessDefaults } from "~/models/business.server";
import { customerOptions } from "~/models/customer.server";
import { DomainError } from "~/models/errors.server";
import { aiConfigured } from "~/models/ai-assistant.server";
import { requireBusiness } from "~/web/auth.server";
import { centsToInput, percentToInput, quantityToInput } from "~/utils/money";
import { redirectWithFlash } from "~/utils/session.server";
import { documentEditorAction } from "~/web/document-editor.server";
import { mapDomainErrors } from "~/web/errors.server";

export const meta: MetaFunction = () => [{ title: "Edit invoice | Invoice Link" }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
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
        invoice.discountType === "PERCENT"
          ? percentToInput(invoice.discountValue)
          : invoice.discountType === "AMOUNT"
            ? centsToInput(invoice.discountValue, c)
            : "",
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

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: ActionFunctionArgs) => {
  const { businessId, user } = await requireBusiness(request);
  const invoice = await getInvoice(businessId, params.invoiceId!);
  // The loader redirects away from a paid or void invoice, which would turn a returned 400 into that
  // redirect and lose the reason; so the refusal is thrown and rendered as an error page of its own.
  const refuse = (reason: string) => new Response(reason, { status: 400, statusText: "This invoice cannot be edited" });
  const blocked = editBlockedReason(invoice.status);
  if (blocked) throw refuse(blocked);
  return documentEditorAction(request, {
    businessId,
    currency: invoice.currency,
    kind: "invoice",
    save: async (input) => {
      try {
        await updateInvoice(businessId, invoice.id, input, user.id);
      } catch (error) {
        // Paid or voided while the form was open.
        if (error instanceof DomainError) {
          const now = editBlockedReason((await getInvoice(businessId, invoice.id)).status);
          if (now) throw refuse(now);
        }
        throw error;
      }
      return redirectWithFlash(request, `/invoices/${invoice.id}`, { kind: "success", message: "Invoice saved." });
    },
  });
});

export default function EditInvoice() {
  const { number, status, currency, customers, defaultValue, aiLines } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <div className="stack">
      <h1>Edit invoice {number}</h1>
      {status !== "DRAFT" ? <p className="muted">This invoice was sent: saving keeps the current version in its history.</p> : null}
      <DocumentForm
        kind="invoice"
        currency={currency}
        customers={customers}
        defaultValue={defaultValue}
        reply={reply}
        aiLines={aiLines}
        submitLabel="Save invoice"
      />
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

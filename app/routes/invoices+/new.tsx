import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { DocumentForm, EMPTY_LINE } from "~/components/document-form";
import { addDays, todayIn } from "~/utils/dates";
import { createInvoice } from "~/models/invoice.server";
import { businessDefaults } from "~/models/business.server";
import { customerOptions } from "~/models/customer.server";
import { aiConfigured } from "~/models/ai-assistant.server";
import { requireBusiness } from "~/web/auth.server";
import { percentToInput } from "~/utils/money";
import { redirectWithFlash } from "~/utils/session.server";
import { documentEditorAction } from "~/web/document-editor.server";
import { mapDomainErrors } from "~/web/errors.server";

export const meta: MetaFunction = () => [{ title: "New invoice | Invoice Link" }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
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
      dueDate: addDays(today, business.paymentTermsDays),
      taxMode: "INVOICE" as const,
      taxRate: business.defaultTaxRate ? percentToInput(business.defaultTaxRate) : "",
      discountType: "NONE" as const,
      lines: [EMPTY_LINE],
    },
  });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  const { businessId, user } = await requireBusiness(request);
  const { currency } = await businessDefaults(businessId);
  return documentEditorAction(request, {
    businessId,
    currency,
    kind: "invoice",
    save: async (input) => {
      const invoice = await createInvoice(businessId, input, { userId: user.id });
      return redirectWithFlash(request, `/invoices/${invoice.id}`, { kind: "success", message: "Invoice created." });
    },
  });
});

export default function NewInvoice() {
  const { currency, customers, defaultValue, aiLines } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <div className="stack">
      <h1>New invoice</h1>
      {customers.length === 0 ? (
        <p className="card">
          You have no customers yet. <Link to="/customers/new">Add a customer</Link> first.
        </p>
      ) : null}
      <DocumentForm
        kind="invoice"
        currency={currency}
        customers={customers}
        defaultValue={defaultValue}
        reply={reply}
        aiLines={aiLines}
        submitLabel="Create invoice"
      />
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

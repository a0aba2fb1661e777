import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { expenseFormOptions } from "~/models/expense.server";
import { aiReceiptsConfigured } from "~/models/ai-assistant.server";
import { requireBusiness } from "~/web/auth.server";
import { businessDefaults } from "~/models/business.server";
import { mapDomainErrors } from "~/web/errors.server";
import type { RouteHandle } from "~/root";
import { expenseFormAction } from "./__expense-editor.server";
import { ExpenseForm } from "./__expense-form";

export const meta: MetaFunction = () => [{ title: "New expense | Invoice Link" }];

// The expense form works fully as HTML (reading a receipt is a round trip either way); hydrating would add
// only pending labels, for 92.7 KB of JavaScript against issue 17's 90 (decision 022).
export const handle: RouteHandle = { hydrate: false };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const options = await expenseFormOptions(businessId);
  const params = new URL(request.url).searchParams;
  const customerId = params.get("customerId");
  const invoiceId = params.get("invoiceId");
  return json({
    ...options,
    aiReceipts: aiReceiptsConfigured(),
    defaultValue: {
      spentOn: options.today,
      customerId: options.customers.some((c) => c.id === customerId) ? customerId! : "",
      invoiceId: options.invoices.some((i) => i.id === invoiceId) ? invoiceId! : "",
    },
  });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const { currency } = await businessDefaults(businessId);
  return expenseFormAction(request, businessId, currency, null);
});

export default function NewExpense() {
  const { currency, customers, invoices, defaultValue, aiReceipts } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <div className="stack">
      <h1>New expense</h1>
      <ExpenseForm
        id="new-expense"
        currency={currency}
        customers={customers}
        invoices={invoices}
        defaultValue={defaultValue}
        reply={reply}
        aiReceipts={aiReceipts}
        savedReceipt={null}
        submitLabel="Save expense"
      />
      <p>
        <Link to="/expenses">Back to expenses</Link>
      </p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

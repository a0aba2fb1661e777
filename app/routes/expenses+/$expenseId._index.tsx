import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { SubmitButton } from "~/components/forms";
import { toDateString } from "~/utils/dates";
import { deleteExpense, expenseFormOptions, getExpense, removeReceipt } from "~/models/expense.server";
import { aiReceiptsConfigured } from "~/models/ai-assistant.server";
import { requireBusiness } from "~/web/auth.server";
import { centsToInput, formatMoney } from "~/utils/money";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";
import type { RouteHandle } from "~/root";
import { expenseFormAction } from "./__expense-editor.server";
import { ExpenseForm } from "./__expense-form";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.vendor ?? "Expense"} | Invoice Link` }];

// The expense form works fully as HTML (reading a receipt is a round trip either way); hydrating would add
// only pending labels, for 93.5 KB of JavaScript against issue 17's 90 (decision 022).
export const handle: RouteHandle = { hydrate: false };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const expense = await getExpense(businessId, params.expenseId ?? "");
  const options = await expenseFormOptions(businessId, { customerId: expense.customerId, invoiceId: expense.invoiceId });
  return json({
    id: expense.id,
    vendor: expense.vendor,
    amount: formatMoney(expense.amountCents, expense.currency),
    currency: expense.currency,
    customers: options.customers,
    invoices: options.invoices,
    aiReceipts: aiReceiptsConfigured(),
    savedReceipt: expense.receipt
      ? {
          url: `/expenses/${expense.id}/receipt?v=${expense.receipt.createdAt.getTime()}`,
          mimeType: expense.receipt.mimeType,
          sizeLabel: `${Math.max(1, Math.round(expense.receipt.byteSize / 1024)).toLocaleString("en-US")} KB`,
        }
      : null,
    defaultValue: {
      vendor: expense.vendor,
      amount: centsToInput(expense.amountCents, expense.currency),
      spentOn: toDateString(expense.spentOn),
      category: expense.category,
      notes: expense.notes ?? "",
      customerId: expense.customerId ?? "",
      invoiceId: expense.invoiceId ?? "",
      receiptId: "",
    },
  });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: ActionFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  // Authorize before reading the form: another business's id is a 404 whatever was submitted.
  const expense = await getExpense(businessId, params.expenseId ?? "");
  if (/^multipart\/form-data/i.test(request.headers.get("Content-Type") ?? "")) {
    return expenseFormAction(request, businessId, expense.currency, { id: expense.id, currency: expense.currency });
  }
  const intent = (await request.formData()).get("intent");
  if (intent === "delete") {
    await deleteExpense(businessId, expense.id);
    return redirectWithFlash(request, "/expenses", { kind: "success", message: `Expense from ${expense.vendor} deleted.` });
  }
  if (intent === "remove-receipt") {
    await removeReceipt(businessId, expense.id);
    return redirectWithFlash(request, `/expenses/${expense.id}`, { kind: "success", message: "Receipt photo removed." });
  }
  // The expense form itself is multipart (it carries the photo); anything else is not a form of this page.
  throw new Response("That action is not available here. Reload the page and try again.", { status: 400, statusText: "Bad Request" });
});

export default function ExpenseDetail() {
  const { id, vendor, amount, currency, customers, invoices, aiReceipts, savedReceipt, defaultValue } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const navigation = useNavigation();
  const pendingIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  return (
    <div className="stack">
      <h1>
        {vendor} <span className="muted">{amount}</span>
      </h1>
      <ExpenseForm
        id={`expense-${id}`}
        currency={currency}
        customers={customers}
        invoices={invoices}
        defaultValue={defaultValue}
        reply={reply}
        aiReceipts={aiReceipts}
        savedReceipt={savedReceipt}
        submitLabel="Save changes"
      />
      <div className="card actions">
        {savedReceipt ? (
          <Form method="post">
            <SubmitButton name="intent" value="remove-receipt" className="button-secondary" pending={pendingIntent === "remove-receipt"}>
              Remove receipt photo
            </SubmitButton>
          </Form>
        ) : null}
        <Form method="post">
          <SubmitButton name="intent" value="delete" className="button-danger" pending={pendingIntent === "delete"}>
            Delete expense
          </SubmitButton>
        </Form>
      </div>
      <p>
        <Link to="/expenses">Back to expenses</Link>
      </p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

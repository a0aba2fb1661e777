// Voiding an invoice turns its pay link off at once, so it is never one tap: this page asks first.
// It is where "Void this invoice" leads without JavaScript (with JavaScript the invoice page asks in place).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { SubmitButton } from "~/components/forms";
import { DomainError } from "~/models/errors.server";
import { formatInvoiceNumber, getInvoice, voidInvoice } from "~/models/invoice.server";
import { requireBusiness } from "~/web/auth.server";
import { businessDefaults } from "~/models/business.server";
import { formatMoney } from "~/utils/money";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Void ${data?.number ?? "invoice"}? | Invoice Link` }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const [invoice, business] = await Promise.all([getInvoice(businessId, params.invoiceId!), businessDefaults(businessId)]);
  if (invoice.status === "VOID") throw redirect(`/invoices/${invoice.id}`);
  return json({
    id: invoice.id,
    number: formatInvoiceNumber(business.invoicePrefix, invoice.number),
    customerName: invoice.customer.name,
    total: formatMoney(invoice.totalCents, invoice.currency),
    paid: invoice.amountPaidCents > 0 ? formatMoney(invoice.amountPaidCents, invoice.currency) : null,
    sent: invoice.status !== "DRAFT",
  });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: ActionFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const invoice = await getInvoice(businessId, params.invoiceId!);
  const back = `/invoices/${invoice.id}`;
  try {
    await voidInvoice(businessId, invoice.id);
  } catch (error) {
    if (error instanceof DomainError) return redirectWithFlash(request, back, { kind: "error", message: error.message });
    throw error;
  }
  return redirectWithFlash(request, back, { kind: "success", message: "Invoice voided." });
});

export default function ConfirmVoidInvoice() {
  const data = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  return (
    <div className="stack narrow">
      <h1>Void {data.number}?</h1>
      <p>
        {data.number} for {data.customerName}, {data.total}.{" "}
        {data.sent ? "The customer's pay link stops working at once." : "It stays in your records, marked void."} This cannot be undone.
        {data.paid ? ` The ${data.paid} already paid is not refunded by voiding.` : ""}
      </p>
      <Form method="post" className="actions">
        <Link to={`/invoices/${data.id}`} className="button button-secondary">
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

// Voiding an invoice turns its pay link off at once, so it is never one tap: this page asks first.
// It is where "Void this invoice" leads without JavaScript (with JavaScript the invoice page asks in place).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ConfirmVoidPage } from "~/components/confirm-void-page";
import { mapDomainErrors } from "~/web/errors.server";
import { voidPageAction, voidPageLoader } from "~/web/void-document.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Void ${data?.number ?? "invoice"}? | Invoice Link` }];

export const loader = /* @__PURE__ */ mapDomainErrors(({ request, params }: LoaderFunctionArgs) =>
  voidPageLoader(request, { kind: "invoice", id: params.invoiceId! }),
);

export const action = /* @__PURE__ */ mapDomainErrors(({ request, params }: ActionFunctionArgs) =>
  voidPageAction(request, { kind: "invoice", id: params.invoiceId! }),
);

export default function ConfirmVoidInvoice() {
  return <ConfirmVoidPage data={useLoaderData<typeof loader>()} />;
}

export { ErrorBoundary } from "~/components/error-boundary";

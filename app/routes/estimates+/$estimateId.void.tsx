// Voiding an estimate turns its customer link off, so it is never one tap: this page asks first.
// It is where "Void this estimate" leads without JavaScript (with JavaScript the estimate page asks in place).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ConfirmVoidPage } from "~/components/confirm-void-page";
import { mapDomainErrors } from "~/web/errors.server";
import { voidPageAction, voidPageLoader } from "~/web/void-document.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Void ${data?.number ?? "estimate"}? | Invoice Link` }];

export const loader = /* @__PURE__ */ mapDomainErrors(({ request, params }: LoaderFunctionArgs) =>
  voidPageLoader(request, { kind: "estimate", id: params.estimateId! }),
);

export const action = /* @__PURE__ */ mapDomainErrors(({ request, params }: ActionFunctionArgs) =>
  voidPageAction(request, { kind: "estimate", id: params.estimateId! }),
);

export default function ConfirmVoidEstimate() {
  return <ConfirmVoidPage data={useLoaderData<typeof loader>()} />;
}

export { ErrorBoundary } from "~/components/error-boundary";

// A new invoice: the editor (app/web/document-editor.server.ts, app/components/document-editor-page.tsx).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { NewDocumentPage } from "~/components/document-editor-page";
import { newDocumentAction, newDocumentLoader } from "~/web/document-editor.server";
import { mapDomainErrors } from "~/web/errors.server";

export const meta: MetaFunction = () => [{ title: "New invoice | Invoice Link" }];

export const loader = /* @__PURE__ */ mapDomainErrors(({ request }: LoaderFunctionArgs) => newDocumentLoader(request, "invoice"));

export const action = /* @__PURE__ */ mapDomainErrors(({ request }: ActionFunctionArgs) => newDocumentAction(request, "invoice"));

export default function NewInvoice() {
  return <NewDocumentPage kind="invoice" data={useLoaderData<typeof loader>()} reply={useActionData<typeof action>()} />;
}

export { ErrorBoundary } from "~/components/error-boundary";

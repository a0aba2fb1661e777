// Editing an invoice: the editor (app/web/document-editor.server.ts, app/components/document-editor-page.tsx).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { EditDocumentPage } from "~/components/document-editor-page";
import { editDocumentAction, editDocumentLoader } from "~/web/document-editor.server";
import { mapDomainErrors } from "~/web/errors.server";

export const meta: MetaFunction = () => [{ title: "Edit invoice | Invoice Link" }];

export const loader = /* @__PURE__ */ mapDomainErrors(({ request, params }: LoaderFunctionArgs) =>
  editDocumentLoader(request, { kind: "invoice", id: params.invoiceId! }),
);

export const action = /* @__PURE__ */ mapDomainErrors(({ request, params }: ActionFunctionArgs) =>
  editDocumentAction(request, { kind: "invoice", id: params.invoiceId! }),
);

export default function EditInvoice() {
  return <EditDocumentPage kind="invoice" data={useLoaderData<typeof loader>()} reply={useActionData<typeof action>()} />;
}

export { ErrorBoundary } from "~/components/error-boundary";

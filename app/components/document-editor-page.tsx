// The invoice and estimate editor pages (new and edit) around the one editor form: the heading, a line
// above the form, and the form with the kind's labels. The routes pass their loader's data and the
// action's reply (app/web/document-editor.server.ts makes both for either kind).
import { Link } from "@remix-run/react";
import type { ComponentProps } from "react";
import type { DocumentKind } from "~/models/document-input";
import type { DocumentFormValues } from "~/web/document-editor-form";
import { DocumentForm } from "./document-form";

type EditorData = {
  aiLines: boolean;
  currency: string;
  customers: { id: string; name: string }[];
  defaultValue: DocumentFormValues;
};
type Reply = ComponentProps<typeof DocumentForm>["reply"];

export function NewDocumentPage({ kind, data, reply }: { kind: DocumentKind; data: EditorData; reply: Reply }) {
  return (
    <div className="stack">
      <h1>{`New ${kind}`}</h1>
      {data.customers.length === 0 ? (
        <p className="card">
          You have no customers yet. <Link to="/customers/new">Add a customer</Link> first.
        </p>
      ) : null}
      <EditorForm kind={kind} data={data} reply={reply} submitLabel={`Create ${kind}`} />
    </div>
  );
}

export function EditDocumentPage({ kind, data, reply }: { kind: DocumentKind; data: EditorData & { number: string; status: string }; reply: Reply }) {
  return (
    <div className="stack">
      <h1>
        {`Edit ${kind} `}
        {data.number}
      </h1>
      {kind === "invoice" && data.status !== "DRAFT" ? <p className="muted">This invoice was sent: saving keeps the current version in its history.</p> : null}
      <EditorForm kind={kind} data={data} reply={reply} submitLabel={`Save ${kind}`} />
    </div>
  );
}

function EditorForm({ kind, data, reply, submitLabel }: { kind: DocumentKind; data: EditorData; reply: Reply; submitLabel: string }) {
  return (
    <DocumentForm
      kind={kind}
      currency={data.currency}
      customers={data.customers}
      defaultValue={data.defaultValue}
      reply={reply}
      aiLines={data.aiLines}
      submitLabel={submitLabel}
    />
  );
}

// The top of an invoice's or an estimate's page: errors of the buttons that show none of their own, the
// heading with the status, and the row of actions (Edit, Download PDF, then the page's own buttons, each a
// plain form posting its `intent`, so they work without JavaScript).
import { Form, Link, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import type { DocumentKind } from "~/models/document-input";
import { ErrorList, SubmitButton } from "./forms";
import { StatusBadge } from "./status-badge";

export function DocumentPageHeader({
  kind,
  id,
  number,
  status,
  editable,
  errors,
  children,
}: {
  kind: DocumentKind;
  id: string;
  number: string;
  /** What the badge shows (an invoice's display status: overdue is derived). */
  status: string;
  editable: boolean;
  errors?: string[] | null;
  /** The page's buttons after Edit and Download PDF (IntentButton). */
  children?: ReactNode;
}) {
  return (
    <>
      {errors?.length ? (
        <div className="form-errors" role="alert">
          <ErrorList errors={errors} />
        </div>
      ) : null}
      <div className="page-header">
        <h1>
          {kind === "invoice" ? "Invoice " : "Estimate "}
          {number} <StatusBadge status={status} />
        </h1>
        <div className="actions">
          {editable ? (
            <Link to="edit" className="button button-small button-secondary">
              Edit
            </Link>
          ) : null}
          <a href={`/${kind}s/${id}/pdf`} className="button button-small button-secondary">
            Download PDF
          </a>
          {children}
        </div>
      </div>
    </>
  );
}

/** A button that posts the page's `intent` and nothing else; "Working…" while it does. */
export function IntentButton({ intent, className = "button-small", children }: { intent: string; className?: string; children: ReactNode }) {
  const navigation = useNavigation();
  return (
    <Form method="post" className="inline-form">
      <input type="hidden" name="intent" value={intent} />
      <SubmitButton className={className} pending={navigation.state === "submitting" && navigation.formData?.get("intent") === intent}>
        {children}
      </SubmitButton>
    </Form>
  );
}

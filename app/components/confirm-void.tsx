// "Void this invoice / estimate" never acts on one tap. Without JavaScript it is a link to a
// confirmation page (GET …/void shows the question and a POST button: ConfirmVoidPage, with its loader
// and action in app/web/void-document.server.ts); with JavaScript the same link opens the question in
// place and its "Yes" button posts the page's own `void` intent.
import { Form, Link, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { SubmitButton } from "./forms";

export function ConfirmVoid({ label, question, consequence, pending }: { label: string; question: string; consequence: string; pending: boolean }) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <Link
        to="void"
        className="button button-small button-secondary danger"
        onClick={(event) => {
          event.preventDefault();
          setConfirming(true);
        }}
      >
        {label}
      </Link>
    );
  }
  return (
    <Form
      method="post"
      className="card stack confirm-void"
      role="alertdialog"
      aria-labelledby="confirm-void-question"
      aria-describedby="confirm-void-consequence"
    >
      <p id="confirm-void-question">
        <strong>{question}</strong>
      </p>
      <p id="confirm-void-consequence">{consequence}</p>
      <input type="hidden" name="intent" value="void" />
      <div className="actions">
        {/* Focus goes to the safe choice first. */}
        {/* eslint-disable-next-line jsx-a11y/no-autofocus -- the confirm step appears on the user's own click; focus on Cancel is the safe default */}
        <button type="button" className="button-secondary" autoFocus onClick={() => setConfirming(false)}>
          Cancel
        </button>
        <SubmitButton className="button-danger" pending={pending}>
          Yes, void it
        </SubmitButton>
      </div>
    </Form>
  );
}

type VoidPageData = {
  kind: "invoice" | "estimate";
  documentPath: string;
  number: string;
  customerName: string;
  total: string;
  paid: string | null;
  sent: boolean;
};

/** The confirmation page (…/void): what voiding does to this document, "Keep it" and the button that voids it. */
export function ConfirmVoidPage({ data }: { data: VoidPageData }) {
  const navigation = useNavigation();
  return (
    <div className="stack narrow">
      <h1>Void {data.number}?</h1>
      <p>
        {data.number} for {data.customerName}, {data.total}
        {data.kind === "invoice" ? (
          <>
            {"."} {data.sent ? "The customer's pay link stops working at once." : "It stays in your records, marked void."} This cannot be undone.
            {data.paid ? ` The ${data.paid} already paid is not refunded by voiding.` : ""}
          </>
        ) : (
          ". The customer's link stops working and it can no longer be approved. This cannot be undone."
        )}
      </p>
      <Form method="post" className="actions">
        <Link to={data.documentPath} className="button button-secondary">
          Keep it
        </Link>
        <SubmitButton className="button-danger" pending={navigation.state === "submitting"}>
          Void {data.number}
        </SubmitButton>
      </Form>
    </div>
  );
}

// "Void this invoice / estimate" never acts on one tap. Without JavaScript it is a link to a
// confirmation page (GET …/void shows the question and a POST button); with JavaScript the same link
// opens the question in place and its "Yes" button posts the page's own `void` intent.
import { Form, Link } from "@remix-run/react";
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

// The in-place question of "Void this invoice / estimate" (confirm-void.tsx), in a chunk of its own: it
// loads on the first tap of the link, so the page does not load it up front (issue 17).
import { Form } from "@remix-run/react";
import { SubmitButton } from "./forms";

export function ConfirmVoidDialog({
  question,
  consequence,
  pending,
  onCancel,
}: {
  question: string;
  consequence: string;
  pending: boolean;
  onCancel: () => void;
}) {
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
        <button type="button" className="button-secondary" autoFocus onClick={onCancel}>
          Cancel
        </button>
        <SubmitButton className="button-danger" pending={pending}>
          Yes, void it
        </SubmitButton>
      </div>
    </Form>
  );
}

// "Send reminder now" on an overdue invoice (issue 14): a plain form with an intent, so it works without
// JavaScript; the server queues at most one such reminder a day.
import { Form, useNavigation } from "@remix-run/react";
import { SubmitButton } from "./forms";

export function SendReminderNow({ show }: { show: boolean }) {
  const navigation = useNavigation();
  if (!show) return null;
  return (
    <Form method="post" className="inline-form">
      <input type="hidden" name="intent" value="send-reminder" />
      <SubmitButton
        className="button-small button-secondary"
        pending={navigation.state === "submitting" && navigation.formData?.get("intent") === "send-reminder"}
      >
        Send reminder now
      </SubmitButton>
    </Form>
  );
}

// "Send reminder now" on an overdue invoice (issue 14): a plain form with an intent, so it works without
// JavaScript; the server queues at most one such reminder a day.
import { IntentButton } from "./document-page-header";

export function SendReminderNow({ show }: { show: boolean }) {
  if (!show) return null;
  return (
    <IntentButton intent="send-reminder" className="button-small button-secondary">
      Send reminder now
    </IntentButton>
  );
}

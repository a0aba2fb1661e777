// "Repeat this invoice": a plain form (works without JavaScript) validated on the server by
// RecurringFormSchema (app/models/recurring.server.ts).
import { Form } from "@remix-run/react";

export function RepeatInvoiceForm({ today, errors }: { today: string; errors?: Record<string, string> }) {
  const error = (name: string) =>
    errors?.[name] ? (
      <p className="field-error" id={`repeat-${name}-error`}>
        {errors[name]}
      </p>
    ) : null;
  return (
    <details className="card" open={Boolean(errors)}>
      <summary>Repeat this invoice</summary>
      <Form method="post" className="stack">
        <input type="hidden" name="intent" value="make-recurring" />
        <div className="grid-3">
          <div>
            <label htmlFor="repeat-interval">Every</label>
            <input id="repeat-interval" name="interval" type="number" min={1} max={12} defaultValue={1} required />
            {error("interval")}
          </div>
          <div>
            <label htmlFor="repeat-frequency">Period</label>
            <select id="repeat-frequency" name="frequency" defaultValue="MONTHLY">
              <option value="WEEKLY">week(s)</option>
              <option value="MONTHLY">month(s)</option>
            </select>
            {error("frequency")}
          </div>
          <div>
            <label htmlFor="repeat-start">First new invoice on</label>
            <input id="repeat-start" name="startOn" type="date" defaultValue={today} required />
            {error("startOn")}
          </div>
        </div>
        <fieldset>
          <legend>Ends</legend>
          <label>
            <input type="radio" name="ends" value="never" defaultChecked /> Never
          </label>
          <label>
            <input type="radio" name="ends" value="on" /> On <input name="endOn" type="date" aria-label="Last date" />
          </label>
          {error("endOn")}
          <label>
            <input type="radio" name="ends" value="after" /> After <input name="count" type="number" min={1} max={120} aria-label="Number of invoices" />{" "}
            invoices
          </label>
          {error("count")}
        </fieldset>
        <label className="checkbox-label">
          <input type="checkbox" name="autoSend" defaultChecked /> Email each new invoice to the customer automatically
        </label>
        <div>
          <button type="submit">Repeat this invoice</button>
        </div>
      </Form>
    </details>
  );
}

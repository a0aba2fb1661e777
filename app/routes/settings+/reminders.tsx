// Settings → Reminders (issue 14): overdue reminders on or off and the days after the due date they go
// out, on their own page (they used to sit at the foot of the business profile). Plain form, POST/redirect/GET.
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, getInputProps, useServerForm } from "~/components/server-form";
import { ErrorList, Field, SubmitButton } from "~/components/forms";
import { ReminderSettingsSchema } from "~/models/business-form";
import { updateReminderSettings, getReminderSettings } from "~/models/reminders.server";
import { requireBusiness } from "~/web/auth.server";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";
import { REMINDER_SETTINGS_CONSTRAINT } from "./__forms.server";

export const meta: MetaFunction = () => [{ title: "Reminders | Invoice Link" }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const business = await getReminderSettings(businessId);
  return json({
    defaultValue: { remindersEnabled: business.remindersEnabled ? "on" : undefined, reminderDays: business.reminderDays.join(", ") },
    constraint: REMINDER_SETTINGS_CONSTRAINT,
  });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const submission = parseWithZod(await request.formData(), { schema: ReminderSettingsSchema });
  if (submission.status !== "success") return json({ result: submission.reply() }, { status: 400 });
  await updateReminderSettings(businessId, submission.value);
  return redirectWithFlash(request, "/settings/reminders", { kind: "success", message: "Reminder settings saved." });
});

export default function ReminderSettings() {
  const { defaultValue, constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>()?.result;
  const navigation = useNavigation();
  const [form, fields] = useServerForm({
    id: "reminder-settings",
    lastResult,
    defaultValue,
    constraint,
  });
  const checkbox = getInputProps(fields.remindersEnabled, { type: "checkbox" });
  return (
    <div className="stack">
      <h1>Reminders</h1>
      <Form method="post" className="card stack" {...getFormProps(form)}>
        <div>
          <label htmlFor={fields.remindersEnabled.id} className="checkbox-label">
            <input {...checkbox} aria-invalid={fields.remindersEnabled.errors ? true : undefined} /> Email customers when an invoice is overdue
          </label>
          <ErrorList id={fields.remindersEnabled.errorId} errors={fields.remindersEnabled.errors} />
        </div>
        <Field
          label="Days after the due date"
          inputProps={{ ...getInputProps(fields.reminderDays, { type: "text" }), maxLength: 40 }}
          errors={fields.reminderDays.errors}
          hint="One reminder at each, such as 1, 7, 14. Paid and void invoices get none; never on the day you sent it yourself. An overdue invoice also has a “Send reminder now” button."
        />
        <div className="actions">
          <SubmitButton pending={navigation.state === "submitting"}>Save reminders</SubmitButton>
          <Link to="/settings">Back to settings</Link>
        </div>
      </Form>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

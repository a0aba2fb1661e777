import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, getInputProps, useServerForm } from "~/components/server-form";
import { Field, SubmitButton } from "~/components/forms";
import { changePassword } from "~/models/user.server";
import { requireBusiness } from "~/web/auth.server";
import { enforceRateLimit } from "~/utils/rate-limit.server";
import { createSession, redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";
import { CHANGE_PASSWORD_CONSTRAINT, ChangePasswordSchema } from "./__forms.server";

const HIDDEN = ["currentPassword", "newPassword", "confirmPassword"];

export const meta: MetaFunction = () => [{ title: "Change password | Invoice Link" }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  await requireBusiness(request);
  return json({ constraint: CHANGE_PASSWORD_CONSTRAINT });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, context }: ActionFunctionArgs) => {
  const { user } = await requireBusiness(request);
  await enforceRateLimit("password-change", context);
  const submission = parseWithZod(await request.formData(), { schema: ChangePasswordSchema });
  if (submission.status !== "success") return json({ result: submission.reply({ hideFields: HIDDEN }) }, { status: 400 });

  const changed = await changePassword(user.id, submission.value.currentPassword, submission.value.newPassword);
  if (!changed) {
    return json(
      { result: submission.reply({ fieldErrors: { currentPassword: ["That is not your current password"] }, hideFields: HIDDEN }) },
      {
        status: 400,
      },
    );
  }
  // Every session, this one included, was revoked; this browser gets a fresh one.
  const { setCookie } = await createSession(user, { ip: context.clientIp, userAgent: request.headers.get("User-Agent") });
  return redirectWithFlash(request, "/settings", { kind: "success", message: "Password changed. Every other device has been signed out." }, [
    ["Set-Cookie", setCookie],
  ]);
});

export default function ChangePassword() {
  const { constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>()?.result;
  const navigation = useNavigation();
  const [form, fields] = useServerForm({
    id: "change-password",
    lastResult,
    constraint,
  });
  return (
    <div className="narrow">
      <h1>Change password</h1>
      <p className="muted">Changing your password signs you out on every other device.</p>
      <Form method="post" className="card stack" {...getFormProps(form)}>
        <Field
          label="Current password"
          inputProps={{ ...getInputProps(fields.currentPassword, { type: "password" }), autoComplete: "current-password" }}
          errors={fields.currentPassword.errors}
        />
        <Field
          label="New password"
          inputProps={{ ...getInputProps(fields.newPassword, { type: "password" }), autoComplete: "new-password" }}
          errors={fields.newPassword.errors}
          hint="At least 8 characters."
        />
        <Field
          label="Repeat new password"
          inputProps={{ ...getInputProps(fields.confirmPassword, { type: "password" }), autoComplete: "new-password" }}
          errors={fields.confirmPassword.errors}
        />
        <SubmitButton pending={navigation.state === "submitting"}>Change password</SubmitButton>
      </Form>
      <p>
        <Link to="/settings">Back to settings</Link>
      </p>
    </div>
  );
}

export { ErrorBoundary, headers } from "~/components/error-boundary";

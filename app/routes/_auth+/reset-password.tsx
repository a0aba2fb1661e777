import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, getInputProps, useServerForm } from "~/components/server-form";
import { ErrorList, Field, SubmitButton } from "~/components/forms";
import { isResetTokenUsable, resetPassword } from "~/models/user.server";
import { enforceRateLimit } from "~/utils/rate-limit.server";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";
import { ResetPasswordSchema, TokenSchema, RESET_PASSWORD_CONSTRAINT } from "./__forms.server";

const EXPIRED = "This reset link has expired or was already used. Ask for a new one.";

export const meta: MetaFunction = () => [{ title: "Choose a new password | Invoice Link" }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const valid = TokenSchema.safeParse(token).success && (await isResetTokenUsable(token));
  return json({ token: valid ? token : null, constraint: RESET_PASSWORD_CONSTRAINT }, { status: valid ? 200 : 410, headers: { "Cache-Control": "no-store" } });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, context }: ActionFunctionArgs) => {
  await enforceRateLimit("reset-password", context);
  const submission = parseWithZod(await request.formData(), { schema: ResetPasswordSchema });
  if (submission.status !== "success") {
    return json({ result: submission.reply({ hideFields: ["password", "confirmPassword"] }) }, { status: 400 });
  }
  const ok = await resetPassword(submission.value.token, submission.value.password);
  if (!ok) {
    return json({ result: submission.reply({ formErrors: [EXPIRED], hideFields: ["password", "confirmPassword"] }) }, { status: 400 });
  }
  return redirectWithFlash(request, "/login", {
    kind: "success",
    message: "Your password was changed and every device was signed out. Log in with the new password.",
  });
});

export default function ResetPassword() {
  const { token, constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>()?.result;
  const navigation = useNavigation();
  const [form, fields] = useServerForm({
    id: "reset-password",
    lastResult,
    constraint,
  });
  if (!token) {
    return (
      <div className="narrow stack">
        <h1>Link expired</h1>
        <p>{EXPIRED}</p>
        <p>
          <Link to="/forgot-password">Send me a new link</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>Choose a new password</h1>
      <Form method="post" className="card stack" {...getFormProps(form)}>
        {form.errors?.length ? (
          <div className="form-errors" role="alert">
            <ErrorList id={form.errorId} errors={form.errors} />
          </div>
        ) : null}
        <input type="hidden" name="token" value={token} />
        <Field
          label="New password"
          inputProps={{ ...getInputProps(fields.password, { type: "password" }), autoComplete: "new-password" }}
          errors={fields.password.errors}
          hint="At least 8 characters."
        />
        <Field
          label="Repeat new password"
          inputProps={{ ...getInputProps(fields.confirmPassword, { type: "password" }), autoComplete: "new-password" }}
          errors={fields.confirmPassword.errors}
        />
        <SubmitButton pending={navigation.state === "submitting"}>Set new password</SubmitButton>
      </Form>
    </div>
  );
}

export { ErrorBoundary, headers } from "~/components/error-boundary";

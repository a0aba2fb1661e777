import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { ErrorList, Field, SubmitButton } from "~/components/forms";
import { isResetTokenUsable, resetPassword } from "~/models/user.server";
import { enforceRateLimit } from "~/utils/rate-limit.server";
import { redirectWithFlash } from "~/utils/session.server";
import { PasswordSchema } from "~/utils/validation";
import { mapDomainErrors } from "~/web/errors.server";

const TokenSchema = z
  .string()
  .min(20)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/);

export const ResetPasswordSchema = z
  .object({
    token: z.string({ error: "The reset link is incomplete" }).pipe(TokenSchema),
    password: PasswordSchema,
    confirmPassword: z.string({ error: "Repeat your password" }),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "Passwords do not match" });

const EXPIRED = "This reset link has expired or was already used. Ask for a new one.";

export const meta: MetaFunction = () => [{ title: "Choose a new password | Invoice Link" }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const valid = TokenSchema.safeParse(token).success && (await isResetTokenUsable(token));
  return json({ token: valid ? token : null }, { status: valid ? 200 : 410, headers: { "Cache-Control": "no-store" } });
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
  const { token } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>()?.result;
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "reset-password",
    lastResult,
    constraint: getZodConstraint(ResetPasswordSchema),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ResetPasswordSchema }),
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

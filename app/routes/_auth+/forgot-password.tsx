import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, getInputProps, useServerForm } from "~/components/server-form";
import { Field, SubmitButton } from "~/components/forms";
import { passwordResetEmail } from "~/emails/password-reset.server";
import { createPasswordResetToken } from "~/models/user.server";
import { sendEmail } from "~/utils/email.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { enforceRateLimit } from "~/utils/rate-limit.server";
import { sleep, withEqualizedTiming } from "~/utils/timing.server";
import { mapDomainErrors } from "~/web/errors.server";
import { ForgotPasswordSchema, FORGOT_PASSWORD_CONSTRAINT } from "./__forms.server";

export const meta: MetaFunction = () => [{ title: "Forgot password | Invoice Link" }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  return json({ sent: new URL(request.url).searchParams.get("sent") === "1", constraint: FORGOT_PASSWORD_CONSTRAINT });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, context }: ActionFunctionArgs) => {
  // Every answer, known or unknown email, valid or not, takes 200-400 ms and looks the same.
  return withEqualizedTiming(async () => {
    await enforceRateLimit("forgot-password", context);
    const submission = parseWithZod(await request.formData(), { schema: ForgotPasswordSchema });
    if (submission.status !== "success") return json({ result: submission.reply() }, { status: 400 });

    const reset = await createPasswordResetToken(submission.value.email);
    if (reset) {
      const resetUrl = `${env().APP_URL}/reset-password?token=${encodeURIComponent(reset.token)}`;
      const sending = sendEmail({
        businessId: reset.user.businessId,
        to: reset.user.email,
        template: "password-reset",
        ...passwordResetEmail({ name: reset.user.name, resetUrl }),
      }).catch((error) => logger.error({ err: String(error) }, "password reset email failed"));
      // Wait for a quick delivery (the dev outbox), but never let a slow provider stretch the response.
      await Promise.race([sending, sleep(150)]);
    }
    return redirect("/forgot-password?sent=1");
  });
});

export default function ForgotPassword() {
  const { sent, constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>()?.result;
  const navigation = useNavigation();
  const [form, fields] = useServerForm({
    id: "forgot-password",
    lastResult,
    constraint,
  });
  if (sent) {
    return (
      <div className="narrow stack">
        <h1>Check your email</h1>
        <p>If an account exists for that address, we have sent a link to reset its password. The link works once, for one hour.</p>
        <p>
          <Link to="/login">Back to log in</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>Forgot your password?</h1>
      <p>Enter the email you signed up with and we will send you a link to choose a new password.</p>
      <Form method="post" className="card stack" {...getFormProps(form)}>
        <Field label="Email" inputProps={{ ...getInputProps(fields.email, { type: "email" }), autoComplete: "email" }} errors={fields.email.errors} />
        <SubmitButton pending={navigation.state === "submitting"}>Send reset link</SubmitButton>
      </Form>
      <p>
        <Link to="/login">Back to log in</Link>
      </p>
    </div>
  );
}

export { ErrorBoundary, headers } from "~/components/error-boundary";

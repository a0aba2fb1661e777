import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, getInputProps, useServerForm } from "~/components/server-form";
import { ErrorList, Field, SubmitButton } from "~/components/forms";
import { createAccount, EmailTakenError } from "~/models/user.server";
import { requireAnonymous } from "~/web/auth.server";
import { enforceRateLimit } from "~/utils/rate-limit.server";
import { createSession } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";
import { SignupSchema, SIGNUP_CONSTRAINT } from "./__forms.server";

export const meta: MetaFunction = () => [{ title: "Sign up | Invoice Link" }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  await requireAnonymous(request);
  return json({ constraint: SIGNUP_CONSTRAINT });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, context }: ActionFunctionArgs) => {
  await enforceRateLimit("signup", context);
  const submission = parseWithZod(await request.formData(), { schema: SignupSchema });
  if (submission.status !== "success") {
    return json({ result: submission.reply({ hideFields: ["password", "confirmPassword"] }) }, { status: 400 });
  }
  try {
    const user = await createAccount(submission.value);
    const { setCookie } = await createSession(user, { ip: context.clientIp, userAgent: request.headers.get("User-Agent") });
    return redirect("/dashboard", { headers: { "Set-Cookie": setCookie } });
  } catch (error) {
    if (error instanceof EmailTakenError) {
      return json({ result: submission.reply({ fieldErrors: { email: [error.message] }, hideFields: ["password", "confirmPassword"] }) }, { status: 400 });
    }
    throw error;
  }
});

export default function Signup() {
  const { constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>()?.result;
  const navigation = useNavigation();
  const [form, fields] = useServerForm({
    id: "signup",
    lastResult,
    constraint,
  });
  return (
    <div className="narrow">
      <h1>Create your account</h1>
      <Form method="post" className="card stack" {...getFormProps(form)}>
        {form.errors?.length ? (
          <div className="form-errors" role="alert">
            <ErrorList id={form.errorId} errors={form.errors} />
          </div>
        ) : null}
        <Field label="Business name" inputProps={getInputProps(fields.businessName, { type: "text" })} errors={fields.businessName.errors} />
        <Field label="Your name" inputProps={{ ...getInputProps(fields.name, { type: "text" }), autoComplete: "name" }} errors={fields.name.errors} />
        <Field label="Email" inputProps={{ ...getInputProps(fields.email, { type: "email" }), autoComplete: "email" }} errors={fields.email.errors} />
        <Field
          label="Password"
          inputProps={{ ...getInputProps(fields.password, { type: "password" }), autoComplete: "new-password" }}
          errors={fields.password.errors}
          hint="At least 8 characters."
        />
        <Field
          label="Repeat password"
          inputProps={{ ...getInputProps(fields.confirmPassword, { type: "password" }), autoComplete: "new-password" }}
          errors={fields.confirmPassword.errors}
        />
        <SubmitButton pending={navigation.state === "submitting"}>Create account</SubmitButton>
      </Form>
      <p>
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </div>
  );
}

export { ErrorBoundary, headers } from "~/components/error-boundary";

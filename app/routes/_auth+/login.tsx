import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { getFormProps, getInputProps, useServerForm } from "~/components/server-form";
import { ErrorList, Field, SubmitButton } from "~/components/forms";
import { authenticator, InvalidCredentialsError, requireAnonymous } from "~/web/auth.server";
import { enforceRateLimit } from "~/utils/rate-limit.server";
import { createSession } from "~/utils/session.server";
import { safeRedirect } from "~/utils/validation";
import { mapDomainErrors } from "~/web/errors.server";
import type { RouteHandle } from "~/root";
import { LoginSchema, LOGIN_CONSTRAINT } from "./__forms.server";

export const meta: MetaFunction = () => [{ title: "Log in | Invoice Link" }];

// Works fully as HTML (links and plain forms): no JavaScript to load (issue 17).
export const handle: RouteHandle = { hydrate: false };

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  await requireAnonymous(request);
  return json({ constraint: LOGIN_CONSTRAINT });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, context }: ActionFunctionArgs) => {
  await enforceRateLimit("login", context);
  const submission = parseWithZod(await request.clone().formData(), { schema: LoginSchema });
  if (submission.status !== "success") {
    return json({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  }
  try {
    const user = await authenticator.authenticate("form", request);
    const { setCookie } = await createSession(user, { ip: context.clientIp, userAgent: request.headers.get("User-Agent") });
    return redirect(safeRedirect(submission.value.redirectTo), { headers: { "Set-Cookie": setCookie } });
  } catch (error) {
    if (error instanceof InvalidCredentialsError) {
      return json({ result: submission.reply({ formErrors: [error.message], hideFields: ["password"] }) }, { status: 400 });
    }
    throw error;
  }
});

export default function Login() {
  const { constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>()?.result;
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const [form, fields] = useServerForm({
    id: "login",
    lastResult,
    constraint,
  });
  return (
    <div className="narrow">
      <h1>Log in</h1>
      <Form method="post" className="card stack" {...getFormProps(form)}>
        {form.errors?.length ? (
          <div className="form-errors" role="alert">
            <ErrorList id={form.errorId} errors={form.errors} />
          </div>
        ) : null}
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <Field label="Email" inputProps={{ ...getInputProps(fields.email, { type: "email" }), autoComplete: "email" }} errors={fields.email.errors} />
        <Field
          label="Password"
          inputProps={{ ...getInputProps(fields.password, { type: "password" }), autoComplete: "current-password" }}
          errors={fields.password.errors}
        />
        <SubmitButton pending={navigation.state === "submitting"}>Log in</SubmitButton>
      </Form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        New here? <Link to="/signup">Create an account</Link>
      </p>
    </div>
  );
}

export { ErrorBoundary, headers } from "~/components/error-boundary";

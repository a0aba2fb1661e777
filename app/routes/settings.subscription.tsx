// Settings → Subscription: the plan as it is (there is no billing in this version) and "Cancel and
// delete": the owner's password and the business name typed again, rate-limited like a password
// change, then app/models/account-closure.server.ts deletes the account's personal data in one
// transaction and this browser is signed out.
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Field, SubmitButton } from "~/components/forms";
import { closeAccount } from "~/models/account-closure.server";
import { requireOwner } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { enforceRateLimit } from "~/utils/rate-limit.server";
import { destroySessionCookie, redirectWithFlash } from "~/utils/session.server";
import { MAX_PASSWORD_BYTES } from "~/utils/validation";

export const CloseAccountSchema = z.object({
  password: z
    .string({ error: "Enter your password" })
    .refine((v) => new TextEncoder().encode(v).length <= MAX_PASSWORD_BYTES, { message: "That is not your password" }),
  confirmName: z.string({ error: "Type the business name to confirm" }).trim().min(1, "Type the business name to confirm").max(200, "That is not the business name"),
});

export const meta: MetaFunction = () => [{ title: "Subscription | Invoice Link" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { businessId } = await requireOwner(request);
  const business = await prisma.business.findUniqueOrThrow({
    where: { id: businessId },
    select: { name: true, createdAt: true, _count: { select: { invoices: true, customers: true, payments: true } } },
  });
  return json({ businessName: business.name, since: business.createdAt.toISOString().slice(0, 10), counts: business._count });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { businessId, user } = await requireOwner(request);
  await enforceRateLimit("account-closure", context);
  const submission = parseWithZod(await request.formData(), { schema: CloseAccountSchema });
  if (submission.status !== "success") return json(submission.reply({ hideFields: ["password"] }), { status: 400 });
  // The business is the session's; a business id in the body is never read.
  const result = await closeAccount({ businessId, userId: user.id, password: submission.value.password, confirmName: submission.value.confirmName });
  if (!result.ok) return json(submission.reply({ fieldErrors: { [result.field]: [result.message] }, hideFields: ["password"] }), { status: 400 });
  return redirectWithFlash(request, "/", { kind: "success", message: "Your account is closed and its data deleted. Thank you for using Invoice Link." }, [
    ["Set-Cookie", await destroySessionCookie()],
  ]);
}

export default function Subscription() {
  const { businessName, since, counts } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "close-account",
    lastResult,
    constraint: getZodConstraint(CloseAccountSchema),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CloseAccountSchema }),
  });
  return (
    <div className="stack">
      <h1>Subscription</h1>
      <section className="card stack" aria-labelledby="plan-heading">
        <h2 id="plan-heading">Your plan</h2>
        <p data-testid="plan">
          <strong>Free</strong>, since {since}. This version of Invoice Link has no paid plans: no card on file, no charges and no
          renewal. Online payments from your customers go through this deployment&apos;s Stripe and PayPal accounts; Invoice Link
          adds no fee of its own.
        </p>
      </section>
      <section className="card stack" aria-labelledby="close-heading">
        <h2 id="close-heading">Cancel and delete</h2>
        <p>
          Closing the account signs everyone out and deletes, at once and for good: your customers ({counts.customers}), estimates,
          users and their logins, sessions and app sign-ins, queued emails and the email history, the activity feed, recurring
          schedules, expenses and receipt photos, data exports, the logo and the business&apos;s contact details. Every pay and estimate link you sent stops working.
        </p>
        <p>
          Kept, because tax law and payment disputes may require them: your invoices&apos; numbers, dates and amounts ({counts.invoices})
          and your payments&apos; amounts, dates and Stripe or PayPal ids ({counts.payments}), with names, addresses, notes, line
          descriptions and card digits removed. <a href="/privacy">Privacy</a> explains what is kept and for how long.
        </p>
        <p>
          Want a copy first? <Link to="/settings/export">Export your data</Link> before you close the account.
        </p>
        <Form method="post" className="stack" {...getFormProps(form)}>
          {form.errors?.length ? <p className="form-errors">{form.errors.join(" ")}</p> : null}
          <Field
            label="Your password"
            inputProps={{ ...getInputProps(fields.password, { type: "password" }), autoComplete: "current-password" }}
            errors={fields.password.errors}
          />
          <Field
            label={`Type the business name (${businessName}) to confirm`}
            inputProps={{ ...getInputProps(fields.confirmName, { type: "text" }), autoComplete: "off" }}
            errors={fields.confirmName.errors}
          />
          <SubmitButton pending={navigation.state === "submitting"} className="button-danger">
            Cancel and delete my account
          </SubmitButton>
        </Form>
      </section>
      <p>
        <Link to="/settings">Back to settings</Link>
      </p>
    </div>
  );
}

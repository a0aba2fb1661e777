import { parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, useServerForm } from "~/components/server-form";
import { CustomerFields } from "~/components/customer-fields";
import { ErrorList, SubmitButton } from "~/components/forms";
import { CustomerFormSchema } from "~/models/customer-form";
import { createCustomer } from "~/models/customer.server";
import { requireBusiness } from "~/web/auth.server";
import { googleMapsConfigured } from "~/utils/google-maps.server";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";
import { CUSTOMER_FORM_CONSTRAINT } from "./__forms.server";

export const meta: MetaFunction = () => [{ title: "New customer | Invoice Link" }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  await requireBusiness(request);
  return json({ addressAutocomplete: googleMapsConfigured(), constraint: CUSTOMER_FORM_CONSTRAINT });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const submission = parseWithZod(await request.formData(), { schema: CustomerFormSchema });
  if (submission.status !== "success") return json({ result: submission.reply() }, { status: 400 });
  const customer = await createCustomer(businessId, submission.value);
  return redirectWithFlash(request, `/customers/${customer.id}`, { kind: "success", message: `Customer ${customer.name} added.` });
});

export default function NewCustomer() {
  const { addressAutocomplete, constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>()?.result;
  const navigation = useNavigation();
  const [form, fields] = useServerForm<z.input<typeof CustomerFormSchema>>({
    id: "new-customer",
    lastResult,
    constraint,
  });
  return (
    <div className="narrow">
      <h1>New customer</h1>
      <Form method="post" className="card stack" {...getFormProps(form)}>
        <ErrorList id={form.errorId} errors={form.errors} />
        <CustomerFields fields={fields} addressAutocomplete={addressAutocomplete} />
        <SubmitButton pending={navigation.state === "submitting" && navigation.formMethod === "POST"}>Save customer</SubmitButton>
      </Form>
      <p>
        <Link to="/customers">Back to customers</Link>
      </p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

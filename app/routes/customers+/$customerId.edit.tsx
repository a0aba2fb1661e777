import { parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, useServerForm } from "~/components/server-form";
import { CustomerFields } from "~/components/customer-fields";
import { ErrorList, SubmitButton } from "~/components/forms";
import { CustomerFormSchema } from "~/models/customer-form";
import { getCustomer, updateCustomer } from "~/models/customer.server";
import { requireBusiness } from "~/web/auth.server";
import { googleMapsConfigured } from "~/utils/google-maps.server";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";
import { CUSTOMER_FORM_CONSTRAINT } from "./__forms.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Edit ${data?.customer.name ?? "customer"} | Invoice Link` }];

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const customer = await getCustomer(businessId, params.customerId ?? "");
  return json({ customer, addressAutocomplete: googleMapsConfigured(), constraint: CUSTOMER_FORM_CONSTRAINT });
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: ActionFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  // Authorize before reading the form: another business's id is a 404 whatever was submitted.
  const { id } = await getCustomer(businessId, params.customerId ?? "");
  const submission = parseWithZod(await request.formData(), { schema: CustomerFormSchema });
  if (submission.status !== "success") return json({ result: submission.reply() }, { status: 400 });
  const customer = await updateCustomer(businessId, id, submission.value);
  return redirectWithFlash(request, `/customers/${id}`, { kind: "success", message: `Customer ${customer.name} saved.` });
});

export default function EditCustomer() {
  const { customer, addressAutocomplete, constraint } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>()?.result;
  const navigation = useNavigation();
  const [form, fields] = useServerForm<z.input<typeof CustomerFormSchema>>({
    id: `edit-customer-${customer.id}`,
    lastResult,
    defaultValue: {
      name: customer.name,
      email: customer.email,
      phone: customer.phone,
      addressLine1: customer.addressLine1,
      addressLine2: customer.addressLine2,
      city: customer.city,
      region: customer.region,
      postalCode: customer.postalCode,
      country: customer.country,
      notes: customer.notes,
    },
    constraint,
  });
  return (
    <div className="narrow">
      <h1>Edit {customer.name}</h1>
      {customer.archivedAt ? <p className="muted">This customer is archived.</p> : null}
      <Form method="post" className="card stack" {...getFormProps(form)}>
        <ErrorList id={form.errorId} errors={form.errors} />
        <CustomerFields fields={fields} addressAutocomplete={addressAutocomplete} />
        <SubmitButton pending={navigation.state === "submitting" && navigation.formMethod === "POST"}>Save changes</SubmitButton>
      </Form>
      <p>
        <Link to={`/customers/${customer.id}`}>Cancel</Link>
      </p>
    </div>
  );
}

export { ErrorBoundary } from "~/components/error-boundary";

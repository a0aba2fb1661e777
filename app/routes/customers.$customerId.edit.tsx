import { getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Fragment } from "react";
import { AddressAutocomplete } from "~/components/address-autocomplete";
import { ErrorList, Field, SubmitButton } from "~/components/forms";
import { CUSTOMER_INPUTS, CUSTOMER_LIMITS, CustomerFormSchema } from "~/models/customer-form";
import { getCustomer, updateCustomer } from "~/models/customer.server";
import { requireBusiness } from "~/utils/auth.server";
import { googleMapsConfigured } from "~/utils/google-maps.server";
import { redirectWithFlash } from "~/utils/session.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Edit ${data?.customer.name ?? "customer"} | Invoice Link` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { businessId } = await requireBusiness(request);
  const customer = await getCustomer(businessId, params.customerId ?? "");
  return json({ customer, addressAutocomplete: googleMapsConfigured() });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { businessId } = await requireBusiness(request);
  // Authorize before reading the form: another business's id is a 404 whatever was submitted.
  const { id } = await getCustomer(businessId, params.customerId ?? "");
  const submission = parseWithZod(await request.formData(), { schema: CustomerFormSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const customer = await updateCustomer(businessId, id, submission.value);
  return redirectWithFlash(request, `/customers/${id}`, { kind: "success", message: `Customer ${customer.name} saved.` });
}

export default function EditCustomer() {
  const { customer, addressAutocomplete } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
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
    constraint: getZodConstraint(CustomerFormSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CustomerFormSchema }),
  });
  return (
    <div className="narrow">
      <h1>Edit {customer.name}</h1>
      {customer.archivedAt ? <p className="muted">This customer is archived.</p> : null}
      <Form method="post" className="card stack" {...getFormProps(form)}>
        <ErrorList id={form.errorId} errors={form.errors} />
        {CUSTOMER_INPUTS.map(({ name, label, type }) => (
          <Fragment key={name}>
            <Field
              label={name === "name" ? label : <>{label} <span className="muted">(optional)</span></>}
              inputProps={{ ...getInputProps(fields[name], { type }), maxLength: CUSTOMER_LIMITS[name], autoComplete: "off" }}
              errors={fields[name].errors}
            />
            {name === "addressLine1" && addressAutocomplete ? (
              <AddressAutocomplete
                ids={{
                  addressLine1: fields.addressLine1.id,
                  addressLine2: fields.addressLine2.id,
                  city: fields.city.id,
                  region: fields.region.id,
                  postalCode: fields.postalCode.id,
                  country: fields.country.id,
                }}
              />
            ) : null}
          </Fragment>
        ))}
        <div>
          <label htmlFor={fields.notes.id}>
            Notes <span className="muted">(optional, only you see them)</span>
          </label>
          <textarea {...getTextareaProps(fields.notes)} maxLength={CUSTOMER_LIMITS.notes} rows={4} />
          <ErrorList id={fields.notes.errorId} errors={fields.notes.errors} />
        </div>
        <SubmitButton pending={navigation.state === "submitting" && navigation.formMethod === "POST"}>Save changes</SubmitButton>
      </Form>
      <p>
        <Link to={`/customers/${customer.id}`}>Cancel</Link>
      </p>
    </div>
  );
}

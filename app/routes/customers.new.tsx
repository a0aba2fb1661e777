import { getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Fragment } from "react";
import { AddressAutocomplete } from "~/components/address-autocomplete";
import { ErrorList, Field, SubmitButton } from "~/components/forms";
import { CUSTOMER_INPUTS, CUSTOMER_LIMITS, CustomerFormSchema } from "~/models/customer-form";
import { createCustomer } from "~/models/customer.server";
import { requireBusiness } from "~/utils/auth.server";
import { googleMapsConfigured } from "~/utils/google-maps.server";
import { redirectWithFlash } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "New customer | Invoice Link" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireBusiness(request);
  return json({ addressAutocomplete: googleMapsConfigured() });
}

export async function action({ request }: ActionFunctionArgs) {
  const { businessId } = await requireBusiness(request);
  const submission = parseWithZod(await request.formData(), { schema: CustomerFormSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const customer = await createCustomer(businessId, submission.value);
  return redirectWithFlash(request, `/customers/${customer.id}`, { kind: "success", message: `Customer ${customer.name} added.` });
}

export default function NewCustomer() {
  const { addressAutocomplete } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "new-customer",
    lastResult,
    constraint: getZodConstraint(CustomerFormSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CustomerFormSchema }),
  });
  return (
    <div className="narrow">
      <h1>New customer</h1>
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
        <SubmitButton pending={navigation.state === "submitting" && navigation.formMethod === "POST"}>Save customer</SubmitButton>
      </Form>
      <p>
        <Link to="/customers">Back to customers</Link>
      </p>
    </div>
  );
}

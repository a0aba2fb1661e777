// The customer form's inputs, shared by the new and edit pages: one input per field of
// CustomerFormSchema (with its maxlength), address suggestions when configured, and the notes.
import { Fragment } from "react";
import { AddressSuggestions } from "~/components/address-suggestions";
import { ErrorList, Field } from "~/components/forms";
import { CUSTOMER_INPUTS, CUSTOMER_LIMITS } from "~/models/customer-fields";
import type { CustomerInput } from "~/models/customer-form";
import { getInputProps, getTextareaProps, type FieldMetadata } from "./server-form";

type CustomerFieldset = { [K in keyof CustomerInput]-?: FieldMetadata<string | undefined> };

export function CustomerFields({ fields, addressAutocomplete }: { fields: CustomerFieldset; addressAutocomplete: boolean }) {
  return (
    <>
      {CUSTOMER_INPUTS.map(({ name, label, type }) => (
        <Fragment key={name}>
          <Field
            label={
              name === "name" ? (
                label
              ) : (
                <>
                  {label} <span className="muted">(optional)</span>
                </>
              )
            }
            inputProps={{ ...getInputProps(fields[name], { type }), maxLength: CUSTOMER_LIMITS[name], autoComplete: "off" }}
            errors={fields[name].errors}
          />
          {name === "addressLine1" && addressAutocomplete ? <AddressSuggestions fields={fields} /> : null}
        </Fragment>
      ))}
      <div>
        <label htmlFor={fields.notes.id}>
          Notes <span className="muted">(optional, only you see them)</span>
        </label>
        <textarea {...getTextareaProps(fields.notes)} maxLength={CUSTOMER_LIMITS.notes} rows={4} />
        <ErrorList id={fields.notes.errorId} errors={fields.notes.errors} />
      </div>
    </>
  );
}

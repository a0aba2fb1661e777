// The customer form: one zod schema for the action's parse, the browser's validation and the
// constraints in the markup (maxlength, required). Every field is plain text: markup typed into a
// field is kept as text and React escapes it when rendering.
import { z } from "zod";
import { CONTROL_CHARS, CONTROL_MESSAGE, emailText, lineText, MIN_PHONE_DIGITS, phoneText, tooLong } from "~/utils/validation";

// Also set as maxlength on the inputs: getZodConstraint does not read length checks from this zod version.
export const CUSTOMER_LIMITS = {
  name: 100,
  email: 254,
  phone: 40,
  addressLine1: 200,
  addressLine2: 200,
  city: 100,
  region: 100,
  postalCode: 20,
  country: 100,
  notes: 2000,
} as const;

export { MIN_PHONE_DIGITS };

// Notes keep their line breaks and tabs.
const CONTROL_CHARS_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** An optional one-line text field: trimmed; blank becomes undefined (stored as NULL). */
function optionalLine(max: number) {
  return lineText(max)
    .transform((v) => v || undefined)
    .optional();
}

export const CustomerFormSchema = z.object({
  name: z
    .string({ error: "Enter the customer's name" })
    .trim()
    .min(1, "Enter the customer's name")
    .max(CUSTOMER_LIMITS.name, tooLong(CUSTOMER_LIMITS.name))
    .refine((v) => !CONTROL_CHARS.test(v), CONTROL_MESSAGE),
  // Invoices and estimates are emailed to this address, so a bad one is caught here, when the
  // customer is saved, rather than when a send bounces.
  email: emailText(CUSTOMER_LIMITS.email, "name@example.com")
    .transform((v) => v.toLowerCase() || undefined)
    .optional(),
  phone: phoneText(CUSTOMER_LIMITS.phone)
    .transform((v) => v || undefined)
    .optional(),
  addressLine1: optionalLine(CUSTOMER_LIMITS.addressLine1),
  addressLine2: optionalLine(CUSTOMER_LIMITS.addressLine2),
  city: optionalLine(CUSTOMER_LIMITS.city),
  region: optionalLine(CUSTOMER_LIMITS.region),
  postalCode: optionalLine(CUSTOMER_LIMITS.postalCode),
  country: optionalLine(CUSTOMER_LIMITS.country),
  notes: z
    .string()
    .trim()
    .max(CUSTOMER_LIMITS.notes, tooLong(CUSTOMER_LIMITS.notes))
    .refine((v) => !CONTROL_CHARS_EXCEPT_WHITESPACE.test(v), CONTROL_MESSAGE)
    .transform((v) => v.replace(/\r\n?/g, "\n") || undefined)
    .optional(),
});

export type CustomerInput = z.output<typeof CustomerFormSchema>;
type CustomerFieldName = keyof CustomerInput;

/**
 * The one-line inputs of the form, in order; the new and edit routes render these and the notes textarea.
 * (Autofill stays off in the markup: these are the customer's details, not the signed-in user's.)
 */
export const CUSTOMER_INPUTS: { name: Exclude<CustomerFieldName, "notes">; label: string; type: "text" | "email" | "tel" }[] = [
  { name: "name", label: "Name", type: "text" },
  { name: "email", label: "Email", type: "email" },
  { name: "phone", label: "Phone", type: "tel" },
  { name: "addressLine1", label: "Address line 1", type: "text" },
  { name: "addressLine2", label: "Address line 2", type: "text" },
  { name: "city", label: "City", type: "text" },
  { name: "region", label: "State / province / region", type: "text" },
  { name: "postalCode", label: "Postal code", type: "text" },
  { name: "country", label: "Country", type: "text" },
];

/** Names compared the way a person reads them: case and surrounding spaces do not matter. */
export const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/**
 * The customer page's "Erase customer" form: the customer's name typed again to confirm, since the
 * erasure cannot be undone. Built per customer so the browser and the action check the same name.
 */
export function eraseCustomerSchema(customerName: string) {
  const mismatch = `Type the customer's name exactly as shown: ${customerName}`;
  return z.object({
    intent: z.literal("erase"),
    confirmName: z
      .string({ error: "Type the customer's name to confirm" })
      .trim()
      .min(1, "Type the customer's name to confirm")
      .max(CUSTOMER_LIMITS.name + 100, mismatch)
      .refine((value) => sameName(value, customerName), mismatch),
  });
}

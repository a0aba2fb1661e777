// The customer form: one zod schema for the action's parse (the only validation: zod stays out of the
// browser, issue 17) and the
// constraints in the markup (maxlength, required). Every field is plain text: markup typed into a
// field is kept as text and React escapes it when rendering.
import { z } from "zod";
import { emailText, lineText, phoneText } from "~/utils/schemas";
import { CONTROL_CHARS, CONTROL_MESSAGE, MIN_PHONE_DIGITS, tooLong } from "~/utils/validation";
import { CUSTOMER_INPUTS, CUSTOMER_LIMITS } from "./customer-fields";

export { CUSTOMER_INPUTS, CUSTOMER_LIMITS };

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

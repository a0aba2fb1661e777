// The customer form's fields as the page renders them: their limits (also set as maxlength on the inputs:
// getZodConstraint does not read length checks from this zod version) and the one-line inputs in order.
// Zod-free, because pages import it (issue 17); the schema is CustomerFormSchema in customer-form.ts.
import { CONTACT_LIMITS } from "./contact-limits";

// Also set as maxlength on the inputs.
export const CUSTOMER_LIMITS = { ...CONTACT_LIMITS, notes: 2000 } as const;

/**
 * The one-line inputs of the form, in order; the new and edit routes render these and the notes textarea.
 * (Autofill stays off in the markup: these are the customer's details, not the signed-in user's.)
 */
export const CUSTOMER_INPUTS: { name: Exclude<keyof typeof CUSTOMER_LIMITS, "notes">; label: string; type: "text" | "email" | "tel" }[] = [
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

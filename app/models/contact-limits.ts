// The limits a business's and a customer's contact details share (name, email, phone, postal address). Zod-free,
// because pages import it (issue 17); business-fields.ts and customer-fields.ts add their own fields.
export const CONTACT_LIMITS = {
  name: 100,
  email: 254,
  phone: 40,
  addressLine1: 200,
  addressLine2: 200,
  city: 100,
  region: 100,
  postalCode: 20,
  country: 100,
} as const;

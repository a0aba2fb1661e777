// The customer form's HTML constraints (required, maxLength, ...), computed once from its schema for the
// new and edit loaders. Server only: zod stays out of the browser (issue 17).
import { getZodConstraint } from "@conform-to/zod/v4";
import { CustomerFormSchema } from "~/models/customer-form";

export const CUSTOMER_FORM_CONSTRAINT = getZodConstraint(CustomerFormSchema);

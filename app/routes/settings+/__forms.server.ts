// Form schemas of the settings pages whose routes have no domain module of their own for them, and the
// HTML constraints (required, minLength, ...) the loaders hand to the forms. Server only: zod stays out of
// the browser (issue 17); the forms validate on the server round trip.
import { getZodConstraint } from "@conform-to/zod/v4";
import { z } from "zod";
import { BusinessDetailsSchema, ReminderSettingsSchema } from "~/models/business-form";
import { savedItemFormSchema } from "~/models/saved-item-form";
import { PasswordSchema } from "~/utils/schemas";
import { MAX_PASSWORD_BYTES } from "~/utils/validation";

export const ChangePasswordSchema = z
  .object({
    currentPassword: z
      .string({ error: "Enter your current password" })
      .refine((v) => new TextEncoder().encode(v).length <= MAX_PASSWORD_BYTES, { message: "That is not your current password" }),
    newPassword: PasswordSchema,
    confirmPassword: z.string({ error: "Repeat the new password" }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "Passwords do not match" });

export const CloseAccountSchema = z.object({
  password: z
    .string({ error: "Enter your password" })
    .refine((v) => new TextEncoder().encode(v).length <= MAX_PASSWORD_BYTES, { message: "That is not your password" }),
  confirmName: z
    .string({ error: "Type the business name to confirm" })
    .trim()
    .min(1, "Type the business name to confirm")
    .max(200, "That is not the business name"),
});

/** The billing buttons: one small form each, told apart by a named `intent` submit button. */
export const BillingIntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("subscribe"), plan: z.enum(["monthly", "yearly"], { error: "Choose a plan" }) }),
  z.object({ intent: z.literal("portal") }),
  z.object({ intent: z.literal("cancel") }),
  z.object({ intent: z.literal("resume") }),
]);

const DeviceId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

export const DeviceActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("sign-out-browser"), id: DeviceId }),
  z.object({ intent: z.literal("sign-out-app"), id: DeviceId }),
  z.object({ intent: z.literal("sign-out-others") }),
]);

export const PaymentsActionSchema = z.object({ intent: z.enum(["connect-stripe", "disconnect-stripe"]) });

export const RequestExportSchema = z.object({ intent: z.literal("request-export") });

export const RetrySchema = z.object({ intent: z.literal("retry-email"), messageId: z.string().min(1).max(64) });

export const CHANGE_PASSWORD_CONSTRAINT = getZodConstraint(ChangePasswordSchema);
export const CLOSE_ACCOUNT_CONSTRAINT = getZodConstraint(CloseAccountSchema);
export const BUSINESS_DETAILS_CONSTRAINT = getZodConstraint(BusinessDetailsSchema);
export const REMINDER_SETTINGS_CONSTRAINT = getZodConstraint(ReminderSettingsSchema);

/**
 * The page's three forms as one schema, on `intent`: the logo upload (the file is checked by its bytes in
 * uploadLogo), removing the logo, and the profile (the default: a post without a button saves the profile).
 */
export const BusinessSettingsActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("upload-logo"), logo: z.unknown().optional() }),
  z.object({ intent: z.literal("remove-logo") }),
  BusinessDetailsSchema.safeExtend({ intent: z.literal("save-profile").default("save-profile") }),
]);

/** The page's two forms as one schema: "Save item" (the item form; the default, as Enter submits it) or "Delete". */
export function itemActionSchema(currency: string) {
  return z.discriminatedUnion("intent", [
    savedItemFormSchema(currency).extend({ intent: z.literal("save").default("save") }),
    z.object({ intent: z.literal("delete") }),
  ]);
}

// The sign-in pages' form schemas (log in, sign up, forgot and reset password) and the HTML constraints
// (required, minLength, ...) each loader hands to its form. Server only: zod stays out of the browser
// (issue 17); the forms validate on the server round trip.
import { getZodConstraint } from "@conform-to/zod/v4";
import { z } from "zod";
import { MAX_PASSWORD_BYTES } from "~/utils/validation";
import { EmailSchema, NameSchema, PasswordSchema } from "~/utils/schemas";

export const LoginSchema = z.object({
  email: EmailSchema,
  password: z
    .string({ error: "Password is required" })
    .min(1, "Password is required")
    .refine((v) => new TextEncoder().encode(v).length <= MAX_PASSWORD_BYTES, {
      message: `Passwords can be at most ${MAX_PASSWORD_BYTES} bytes long`,
    }),
  redirectTo: z.string().optional(),
});

export const SignupSchema = z
  .object({
    businessName: NameSchema,
    name: NameSchema,
    email: EmailSchema,
    password: PasswordSchema,
    confirmPassword: z.string({ error: "Repeat your password" }),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "Passwords do not match" });

export const ForgotPasswordSchema = z.object({ email: EmailSchema });

export const TokenSchema = z
  .string()
  .min(20)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/);

export const ResetPasswordSchema = z
  .object({
    token: z.string({ error: "The reset link is incomplete" }).pipe(TokenSchema),
    password: PasswordSchema,
    confirmPassword: z.string({ error: "Repeat your password" }),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "Passwords do not match" });

export const LOGIN_CONSTRAINT = getZodConstraint(LoginSchema);
export const SIGNUP_CONSTRAINT = getZodConstraint(SignupSchema);
export const FORGOT_PASSWORD_CONSTRAINT = getZodConstraint(ForgotPasswordSchema);
export const RESET_PASSWORD_CONSTRAINT = getZodConstraint(ResetPasswordSchema);

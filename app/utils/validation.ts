// Field schemas shared by forms on the server and in the browser.
import { z } from "zod";

export const MAX_PASSWORD_BYTES = 72; // bcrypt ignores everything after 72 bytes

export const EmailSchema = z
  .string({ error: "Email is required" })
  .trim()
  .min(1, "Email is required")
  .max(254, "Email is too long")
  .email("Enter a valid email address")
  .transform((v) => v.toLowerCase());

export const PasswordSchema = z
  .string({ error: "Password is required" })
  .min(8, "Use at least 8 characters")
  .refine((v) => new TextEncoder().encode(v).length <= MAX_PASSWORD_BYTES, {
    message: `Passwords can be at most ${MAX_PASSWORD_BYTES} bytes long`,
  });

export const NameSchema = z.string({ error: "This field is required" }).trim().min(1, "This field is required").max(100, "Keep it under 100 characters");

/** Only same-site relative paths are accepted as a post-login destination. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/dashboard") {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  // Browsers drop tabs and newlines from URLs ("/\t/evil.com" becomes "//evil.com") and read "\" as
  // "/", so control characters and backslashes are refused outright; then the path must resolve to
  // our own origin.
  if (/[\u0000-\u001f\u007f\\]/.test(to)) return fallback;
  const base = "http://invoice-link.invalid";
  try {
    if (new URL(to, base).origin !== base) return fallback;
  } catch {
    return fallback;
  }
  return to;
}

// Rules shared by the one-line text fields of the business and customer forms. Each form decides
// itself what a blank becomes (null or undefined).
export const MIN_PHONE_DIGITS = 7;
// Control characters have no business in a one-line field, and Postgres refuses NUL outright.
export const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
export const CONTROL_MESSAGE = "Remove the invisible control characters";
const PHONE_CHARS = /^[0-9 +\-().]+$/;

export const tooLong = (max: number) => `Use at most ${max} characters`;

/** A trimmed line of at most `max` characters with no control characters. */
export function lineText(max: number) {
  return z
    .string()
    .trim()
    .max(max, tooLong(max))
    .refine((v) => !CONTROL_CHARS.test(v), CONTROL_MESSAGE);
}

/** A trimmed, possibly blank email address; `example` shows in the error message. */
export function emailText(max: number, example: string) {
  return z
    .string()
    .trim()
    .max(max, tooLong(max))
    .refine((v) => v === "" || z.regexes.email.test(v), `Enter a valid email address, like ${example}`);
}

/** A trimmed, possibly blank phone number: digits, spaces and + - ( ) ., with at least 7 digits. */
export function phoneText(max: number) {
  return z
    .string()
    .trim()
    .max(max, tooLong(max))
    .refine((v) => v === "" || PHONE_CHARS.test(v), "Use only digits, spaces and + - ( ) .")
    .refine((v) => v === "" || !PHONE_CHARS.test(v) || (v.match(/\d/g)?.length ?? 0) >= MIN_PHONE_DIGITS, {
      message: `Enter a phone number with at least ${MIN_PHONE_DIGITS} digits`,
    });
}

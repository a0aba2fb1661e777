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

export const NameSchema = z
  .string({ error: "This field is required" })
  .trim()
  .min(1, "This field is required")
  .max(100, "Keep it under 100 characters");

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

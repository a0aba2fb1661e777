// Field rules shared by forms (limits, messages, the characters a field accepts) and safeRedirect.
// Zod-free, because pages import it (issue 17): the zod builders of these rules live in schemas.ts.

export const MAX_PASSWORD_BYTES = 72; // bcrypt ignores everything after 72 bytes

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
export const PHONE_CHARS = /^[0-9 +\-().]+$/;

export const tooLong = (max: number) => `Use at most ${max} characters`;

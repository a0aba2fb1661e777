// Zod schemas of single fields that forms and the API share: a calendar date, an email address, a
// password, a name, and the builders of the business and customer forms' text fields. Server code only (actions, domain, API): pages import dates.ts and validation.ts,
// which must stay free of zod (issue 17; tests/integration/client-bundle.test.ts checks the build).
import { z } from "zod";
import { DATE_MAX, DATE_MIN } from "./dates";
import { CONTROL_CHARS, CONTROL_MESSAGE, MAX_PASSWORD_BYTES, MIN_PHONE_DIGITS, PHONE_CHARS, tooLong } from "./validation";

/** A real calendar day between DATE_MIN and DATE_MAX, as YYYY-MM-DD. */
export const DateString = z
  .string({ error: "Enter a date" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use the format YYYY-MM-DD")
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  }, "That date does not exist")
  .refine((v) => v >= DATE_MIN && v <= DATE_MAX, `Pick a date between ${DATE_MIN} and ${DATE_MAX}`);

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

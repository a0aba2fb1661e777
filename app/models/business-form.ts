// The business profile form: one zod schema for the action's parse and the constraints in the markup
// (server only: pages read business-fields.ts). Rules that need the database (numbers only go up, the currency is fixed
// once a document exists) live in business.server.ts and come back as field errors on these names.
// Also here, because the browser and the tests need them without a database: which logo files are
// accepted, decided by their first bytes.
import { z } from "zod";
import { isSupportedCurrency, parsePercent } from "~/utils/money";
import { emailText, lineText, phoneText } from "~/utils/schemas";
import { CONTROL_CHARS, CONTROL_MESSAGE, MIN_PHONE_DIGITS, tooLong } from "~/utils/validation";
import { ACCENT_COLOR_MESSAGE, normalizeAccentColor } from "./branding";
import { BUSINESS_LIMITS, COMMON_TIME_ZONES, LOGO_MIME_TYPES } from "./business-fields";
import { sniffImageType } from "./image-files";

export { BUSINESS_LIMITS, COMMON_TIME_ZONES, LOGO_MIME_TYPES };

export { MIN_PHONE_DIGITS };
export const MAX_DOCUMENT_NUMBER = 999_999_999;
export const MAX_PAYMENT_TERMS_DAYS = 365;
export const REVIEW_PERIOD_DAYS = { min: 7, max: 730 } as const;
export const REMINDER_DAYS = { min: 1, max: 365, count: 6 } as const;
/** Thousandths of a percent: 50 %. */
export const MAX_DEFAULT_TAX_RATE = 50_000;

const PREFIX_CHARS = /^[A-Za-z0-9\-/]*$/;

// Area/Location names (America/Argentina/Buenos_Aires, Etc/GMT+5, UTC); keeps out offsets such as
// "+05:00", which newer engines accept but which are not IANA zones and ignore daylight saving.
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/** The canonical name of an IANA time zone ("us/eastern" → "America/New_York"), or null when there is none. */
export function canonicalTimeZone(input: string): string | null {
  if (!IANA_NAME.test(input) || input.length > BUSINESS_LIMITS.timeZone) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: input }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** An absolute http(s) address with a real host name; no embedded credentials, no whitespace. */
function isWebAddress(value: string, protocols: string[]) {
  if (/\s/.test(value)) return false;
  if (!protocols.some((p) => value.toLowerCase().startsWith(`${p}//`))) return false;
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) && url.hostname.includes(".") && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** An optional one-line text field: trimmed; blank becomes null (stored as NULL, so clearing a field clears it). */
function optionalLine(max: number) {
  return lineText(max)
    .optional()
    .transform((v) => v || null);
}

function optionalUrl(max: number, protocols: string[], message: string) {
  return z
    .string()
    .trim()
    .max(max, tooLong(max))
    .refine((v) => v === "" || isWebAddress(v, protocols), message)
    .optional()
    .transform((v) => v || null);
}

function prefixField(label: string) {
  return z
    .string()
    .trim()
    .max(BUSINESS_LIMITS.prefix, `Keep the ${label} prefix to ${BUSINESS_LIMITS.prefix} characters or fewer`)
    .regex(PREFIX_CHARS, "Use only letters, digits, - and /")
    .optional()
    .transform((v) => v ?? "");
}

/** A whole number typed into a form; kept as text until checked so "1e3" or "0x10" never sneak through Number(). */
function wholeNumber(required: string, min: number, max: number, outOfRange: string) {
  return z
    .string({ error: required })
    .trim()
    .regex(/^\d+$/, "Enter a whole number, digits only")
    .transform(Number)
    .refine((n) => n >= min && n <= max, outOfRange);
}

/** The value a number field had when the form was rendered (a hidden input); anything odd is ignored. */
const renderedNumber = z
  .string()
  .optional()
  .transform((v) => (v !== undefined && /^\d{1,9}$/.test(v) ? Number(v) : undefined));

const profileFields = {
  name: z
    .string({ error: "Enter your business name" })
    .trim()
    .min(1, "Enter your business name")
    .max(BUSINESS_LIMITS.name, tooLong(BUSINESS_LIMITS.name))
    .refine((v) => !CONTROL_CHARS.test(v), CONTROL_MESSAGE),
  email: emailText(BUSINESS_LIMITS.email, "office@example.com")
    .optional()
    .transform((v) => v?.toLowerCase() || null),
  phone: phoneText(BUSINESS_LIMITS.phone)
    .optional()
    .transform((v) => v || null),
  website: optionalUrl(BUSINESS_LIMITS.website, ["http:", "https:"], "Enter a full web address starting with https:// or http://"),
  addressLine1: optionalLine(BUSINESS_LIMITS.addressLine1),
  addressLine2: optionalLine(BUSINESS_LIMITS.addressLine2),
  city: optionalLine(BUSINESS_LIMITS.city),
  region: optionalLine(BUSINESS_LIMITS.region),
  postalCode: optionalLine(BUSINESS_LIMITS.postalCode),
  country: optionalLine(BUSINESS_LIMITS.country),
  currency: z
    .string({ error: "Choose a currency" })
    .trim()
    .transform((v) => v.toUpperCase())
    .refine(isSupportedCurrency, "Choose a supported currency (a three-letter ISO 4217 code such as USD)"),
  timeZone: z
    .string({ error: "Choose a time zone" })
    .trim()
    .transform((v, ctx) => {
      const zone = canonicalTimeZone(v);
      if (!zone) {
        ctx.addIssue({ code: "custom", message: "Choose a time zone from the list or type an IANA name such as America/Chicago" });
        return z.NEVER;
      }
      return zone;
    }),
  defaultTaxRate: z.string({ error: "Enter a tax rate such as 8.875 (0 for none)" }).transform((v, ctx) => {
    const rate = parsePercent(v);
    if (rate === null) {
      ctx.addIssue({ code: "custom", message: "Enter a tax rate such as 8.875 (0 for none), up to 3 decimals" });
      return z.NEVER;
    }
    if (rate > MAX_DEFAULT_TAX_RATE) {
      ctx.addIssue({ code: "custom", message: "Tax rates above 50 % are not accepted" });
      return z.NEVER;
    }
    return rate;
  }),
  invoicePrefix: prefixField("invoice"),
  nextInvoiceNumber: wholeNumber("Enter the next invoice number", 1, MAX_DOCUMENT_NUMBER, "Use a number from 1 to 999,999,999"),
  nextInvoiceNumberWas: renderedNumber,
  estimatePrefix: prefixField("estimate"),
  nextEstimateNumber: wholeNumber("Enter the next estimate number", 1, MAX_DOCUMENT_NUMBER, "Use a number from 1 to 999,999,999"),
  nextEstimateNumberWas: renderedNumber,
  paymentTermsDays: wholeNumber(
    "Enter the payment terms in days (0 means due on receipt)",
    0,
    MAX_PAYMENT_TERMS_DAYS,
    `Payment terms can be 0 to ${MAX_PAYMENT_TERMS_DAYS} days`,
  ),
  reviewUrl: optionalUrl(BUSINESS_LIMITS.reviewUrl, ["https:"], "Enter a secure review link starting with https://"),
  reviewRequestsEnabled: z.boolean({ error: "Tick the box or leave it empty" }).default(false),
  reviewRequestPeriodDays: wholeNumber(
    "Enter how many days apart (for example 180)",
    REVIEW_PERIOD_DAYS.min,
    REVIEW_PERIOD_DAYS.max,
    `Use ${REVIEW_PERIOD_DAYS.min} to ${REVIEW_PERIOD_DAYS.max} days`,
  ),
  // Branding (issue 14): blank means none (Invoice Link's own look); stored lower-case.
  accentColor: z
    .string()
    .trim()
    .max(7, ACCENT_COLOR_MESSAGE)
    .refine((v) => v === "" || normalizeAccentColor(v) !== null, ACCENT_COLOR_MESSAGE)
    .optional()
    .transform((v) => normalizeAccentColor(v)),
};

/** Settings → Reminders (issue 14): overdue reminders on or off, and the days after the due date they go out. */
const reminderFields = {
  remindersEnabled: z.boolean({ error: "Tick the box or leave it empty" }).default(false),
  reminderDays: z
    .string({ error: "Enter the days after the due date, such as 1, 7, 14" })
    .trim()
    .transform((v, ctx) => {
      const parts = v.split(/[\s,]+/).filter(Boolean);
      const days = parts.map(Number);
      if (!parts.length || days.some((d) => !Number.isInteger(d) || d < REMINDER_DAYS.min || d > REMINDER_DAYS.max) || parts.length > REMINDER_DAYS.count) {
        ctx.addIssue({
          code: "custom",
          message: `Enter up to ${REMINDER_DAYS.count} whole numbers of days from ${REMINDER_DAYS.min} to ${REMINDER_DAYS.max}, such as 1, 7, 14`,
        });
        return z.NEVER;
      }
      return [...new Set(days)].sort((a, b) => a - b);
    }),
};
export const ReminderSettingsSchema = z.object(reminderFields);
export type ReminderSettingsInput = z.output<typeof ReminderSettingsSchema>;

function requireReviewUrl(value: { reviewRequestsEnabled: boolean; reviewUrl?: string | null }, ctx: z.RefinementCtx) {
  if (value.reviewRequestsEnabled && !value.reviewUrl) {
    ctx.addIssue({ code: "custom", path: ["reviewUrl"], message: "Add your review link to turn on review requests" });
  }
}

/** The business page's form (Settings → Business): everything but the reminder settings, which have their own page. */
export const BusinessDetailsSchema = z.object(profileFields).superRefine(requireReviewUrl);

/** The whole profile at once (the API's PATCH /business, which still sets reminders too). */
export const BusinessProfileSchema = z.object({ ...profileFields, ...reminderFields }).superRefine(requireReviewUrl);

/** A profile update; the reminder settings are left alone when absent (the web business page). */
export type BusinessProfileInput = z.output<typeof BusinessDetailsSchema> & Partial<ReminderSettingsInput>;
export type BusinessProfileField = Exclude<keyof BusinessProfileInput, "nextInvoiceNumberWas" | "nextEstimateNumberWas">;

// Logos -----------------------------------------------------------------------------------------

export const LOGO_MAX_BYTES = 1_000_000;
export type LogoMimeType = (typeof LOGO_MIME_TYPES)[number];
export const LOGO_TOO_LARGE = "Logo must be 1 MB or smaller";

/** The logo's image type from its bytes (image-files.ts decides for every upload), or null. */
export function sniffLogoType(bytes: Uint8Array): LogoMimeType | null {
  return sniffImageType(bytes);
}

/** Why a file is not accepted as a logo, in words for the person uploading it. */
export function logoRejection(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return "Choose an image file to upload";
  if (bytes.length > LOGO_MAX_BYTES) return LOGO_TOO_LARGE;
  if (sniffLogoType(bytes)) return null;
  const head = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, 1024)).toLowerCase();
  if (head.includes("<svg") || (head.trimStart().startsWith("<?xml") && !head.includes("<html"))) {
    return "SVG logos are not accepted: upload a PNG, JPEG or WebP image";
  }
  return "That file is not a PNG, JPEG or WebP image: upload one of those";
}

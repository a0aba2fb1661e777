// What the business profile page renders without the schema: field limits, the time zones offered in the
// picker and the logo types the file input accepts. Zod-free, because the page imports it (issue 17); the
// schema is BusinessDetailsSchema in business-form.ts.
import { CONTACT_LIMITS } from "./contact-limits";

export const BUSINESS_LIMITS = {
  ...CONTACT_LIMITS,
  website: 200,
  timeZone: 64,
  prefix: 10,
  reviewUrl: 500,
} as const;

/** US, Canadian, UK, Australian and New Zealand zones offered in the picker; any other IANA zone can be typed. */
export const COMMON_TIME_ZONES = [
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Phoenix",
  "America/Los_Angeles",
  "America/Anchorage",
  "Pacific/Honolulu",
  "America/Toronto",
  "America/Winnipeg",
  "America/Regina",
  "America/Edmonton",
  "America/Vancouver",
  "America/Halifax",
  "America/St_Johns",
  "Europe/London",
  "Australia/Sydney",
  "Australia/Melbourne",
  "Australia/Brisbane",
  "Australia/Adelaide",
  "Australia/Darwin",
  "Australia/Perth",
  "Australia/Hobart",
  "Pacific/Auckland",
  "UTC",
];

export const LOGO_MIME_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;

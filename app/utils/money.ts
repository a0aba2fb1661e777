// Money is integer minor units (cents) plus an ISO 4217 code. Parsing and formatting work on
// decimal strings, never on floating-point numbers.

import { BoundedCache } from "./intl";

const SUPPORTED = new Set(Intl.supportedValuesOf("currency"));

export function isSupportedCurrency(code: string) {
  return /^[A-Z]{3}$/.test(code) && SUPPORTED.has(code);
}

export const COMMON_CURRENCIES = ["USD", "CAD", "EUR", "GBP", "AUD", "NZD", "MXN", "JPY", "CHF", "SEK", "NOK", "DKK", "ZAR", "INR"];

// Intl formatters are costly to build and pages format many amounts: one per currency and locale
// (app/utils/intl.ts), and each currency's digit count is remembered rather than read back per call.
// Keyed by a plain string: building a JSON key per call would cost a good part of what the cache saves.
const currencyFormatters = new BoundedCache<string, Intl.NumberFormat>(256);
function currencyFormatter(currency: string, locale = "en-US") {
  return currencyFormatters.getOrCreate(`${locale}:${currency}`, () => new Intl.NumberFormat(locale, { style: "currency", currency }));
}

const digitsByCurrency = new BoundedCache<string, number>(256);

/** Minor-unit digits of a currency: 2 for USD, 0 for JPY, 3 for KWD. */
export function currencyDigits(currency: string): number {
  return digitsByCurrency.getOrCreate(currency, () => currencyFormatter(currency).resolvedOptions().maximumFractionDigits ?? 2);
}

/**
 * Parses a decimal string with at most `digits` fraction digits into an integer count of 10^-digits
 * units: parseDecimal("12.5", 2) = 1250. Accepts thousands separators and a leading currency sign.
 * Returns null when the text is not such a number.
 */
export function parseDecimal(input: string, digits: number, { allowNegative = false } = {}): number | null {
  const text = input
    .trim()
    .replace(/^[$€£¥]/, "")
    .replaceAll(",", "")
    .replaceAll(" ", "");
  const match = /^(-)?(\d{1,12})?(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === undefined && !match[3])) return null;
  const [, sign, whole = "0", fraction = ""] = match;
  if (sign && !allowNegative) return null;
  if (fraction.length > digits) return null;
  const value = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  if (!Number.isSafeInteger(value)) return null;
  return sign ? -value : value;
}

/**
 * Like parseDecimal, but more fraction digits than `digits` are rounded half up, in integer
 * arithmetic on the digits themselves (never through a float): parseDecimalRounded("1.005", 2) = 101.
 * For numbers a machine wrote (an AI's answer), not for what a person typed.
 */
export function parseDecimalRounded(input: string, digits: number): number | null {
  const exact = parseDecimal(input, digits);
  if (exact !== null) return exact;
  const match = /^(\d{1,12})\.(\d+)$/.exec(input.trim().replaceAll(",", ""));
  if (!match) return null;
  const [, whole, fraction] = match;
  const kept = BigInt(whole + fraction.slice(0, digits)) + (Number(fraction[digits]) >= 5 ? 1n : 0n);
  return kept <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(kept) : null;
}

export function parseMoney(input: string, currency: string) {
  return parseDecimal(input, currencyDigits(currency));
}

/** Integer units back to a plain decimal string: toDecimalString(1250, 2) = "12.50". */
export function toDecimalString(units: number, digits: number): string {
  const negative = units < 0;
  const abs = String(Math.abs(units)).padStart(digits + 1, "0");
  const whole = digits ? abs.slice(0, -digits) : abs;
  const fraction = digits ? `.${abs.slice(-digits)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

export function centsToInput(cents: number, currency: string) {
  return toDecimalString(cents, currencyDigits(currency));
}

/** Formats cents for display; Intl formats the exact decimal string, so no float rounding happens. */
export function formatMoney(cents: number, currency: string, locale = "en-US") {
  const formatter = currencyFormatter(currency, locale);
  return (formatter.format as unknown as (value: string) => string).call(formatter, toDecimalString(cents, currencyDigits(currency)));
}

/** Quantities have up to 3 decimals and are stored in thousandths. */
export const parseQuantity = (input: string) => parseDecimal(input, 3);
export const quantityToInput = (milli: number) => toDecimalString(milli, 3).replace(/\.?0+$/, "");

/** Percentages have up to 3 decimals (8.875 %) and are stored in thousandths of a percent. */
export const parsePercent = (input: string) => parseDecimal(input.replace(/%$/, ""), 3);
export const percentToInput = (milli: number) => toDecimalString(milli, 3).replace(/\.?0+$/, "");

// The limits of an invoice or estimate (lines, amounts, text), read by the document input's rules and by
// pages (the price book form). Zod-free, because pages import it (issue 17).
export const MAX_LINES = 100;
export const MAX_QUANTITY_MILLI = 100_000_000; // 100,000 units
export const MAX_UNIT_PRICE = 100_000_000; // 1,000,000.00 in minor units
export const MAX_TOTAL = 1_000_000_000; // 10,000,000.00 in minor units
export const MAX_TAX_RATE = 50_000; // 50 %
export const MAX_TEXT = 2_000;
export const MAX_LINE_DESCRIPTION = 500;
/** Thousandths of a percent: 100 %. */
export const MAX_DISCOUNT_PERCENT = 100_000;
/** The editor's quick-lines box (app/models/quick-lines.ts), here so the editor's page does not load the parser's tables. */
export const QUICK_TEXT_MAX = 2_000;
export const QUICK_TEXT_EXAMPLE = "3 hours labor @ $45/hr, kitchen sink install, 2x p-trap $12";

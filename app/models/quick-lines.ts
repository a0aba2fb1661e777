// Quick line items: "3 hours labor, kitchen sink install, 2x p-trap $12" becomes draft line items for
// the invoice and estimate editor. Pure (no I/O, no key needed); the optional AI assistant returns the
// same QuickLine shape (app/models/ai-assistant.server.ts). The contractor always reviews the lines before saving.
//
// Rules, in the order they apply to each item:
// - Items are separated by new lines, commas, semicolons, and by "and", "&", "+" or "plus" when a
//   quantity or price follows, or when the item before ends with a price ("labor and materials $300"
//   stays one item, "drain cleaning $150 and camera inspection" is two). "$1,200" is one number.
// - A price is marked: "$12", "€12", "@ 45", "at 12.50", "45/hr", "45 per hour", "12 each"; otherwise an
//   unmarked number at the end of the item ("sink install 250") or a number with two decimals ("12.50").
//   Prices are unit prices.
// - A quantity is "2x", "2 x", "x2", "qty 2", a number with a unit ("3 hours", "3hrs", "10 ft", "half day")
//   or a number at the start ("2 p-traps", "two p-traps"). None means 1. A size such as "40 gallon water
//   heater", "2 inch pipe" or "50-amp breaker" stays in the description.
// - What is left is the description; a recognised unit is added to it in brackets: "Labor (hours)".
//   Time with no description ("3 hrs @ 85") is labor.
// - An item without any letters ("$12", "3") cannot be a line: the whole text is refused with a message
//   naming it, so nothing is half-added.
import { currencyDigits, parseDecimal, parseQuantity } from "~/utils/money";
import { MAX_QUANTITY_MILLI, MAX_UNIT_PRICE } from "./document-input";
import { QUICK_TEXT_EXAMPLE, QUICK_TEXT_MAX } from "./document-limits";

export const QUICK_LINES_MAX = 50;
export const QUICK_DESCRIPTION_MAX = 500;

export type QuickLine = {
  description: string;
  /** Thousandths: 1.5 hours = 1500. */
  quantityMilli: number;
  /** Minor units of the currency; null when the text gave no price (the contractor fills it in). */
  unitPriceCents: number | null;
};

export type QuickLinesResult = { ok: true; lines: QuickLine[] } | { ok: false; message: string };

// ---- Vocabulary --------------------------------------------------------------------------------

/**
 * A unit of quantity. `singular` lists the full singular words that, after a number above 1 and
 * before more words, are part of the description instead: a size for a measure ("40 gallon water heater"
 * is one heater) and an adjective for a counter ("2 can lights" are two lights).
 */
type Unit = { label: string; aliases: string[]; kind: "measure" | "counter"; singular: string[] };

const measure = (label: string, aliases: string[], singular: string[] = []): Unit => ({ label, aliases, kind: "measure", singular });
const counter = (label: string, plural: string, single: string, more: string[] = []): Unit => ({
  label,
  aliases: [plural, single, ...more],
  kind: "counter",
  singular: [single],
});

const UNITS: Unit[] = [
  measure("hours", ["hours", "hour", "hrs", "hr", "h"], ["hour"]),
  measure("minutes", ["minutes", "minute", "mins", "min"], ["minute"]),
  measure("days", ["days", "day"], ["day"]),
  measure("weeks", ["weeks", "week", "wks", "wk"], ["week"]),
  measure("sq ft", ["square feet", "square foot", "sq. ft.", "sq.ft.", "sq ft", "sqft", "sf"], ["square foot"]),
  measure("sq m", ["square meters", "square metres", "sq m", "m2", "m²"]),
  measure("linear ft", ["linear feet", "linear foot", "lin ft", "lf"], ["linear foot"]),
  measure("cu yd", ["cubic yards", "cubic yard", "cu yds", "cu yd", "yd3"], ["cubic yard"]),
  measure("ft", ["feet", "foot", "ft"], ["foot"]),
  measure("yd", ["yards", "yard", "yds", "yd"], ["yard"]),
  measure("m", ["meters", "metres", "meter", "metre"], ["meter", "metre"]),
  measure("gal", ["gallons", "gallon", "gal"], ["gallon"]),
  measure("l", ["liters", "litres", "liter", "litre"], ["liter", "litre"]),
  measure("lb", ["pounds", "pound", "lbs", "lb"], ["pound"]),
  measure("kg", ["kilograms", "kilos", "kg"]),
  measure("tons", ["tons", "ton"], ["ton"]),
  counter("visits", "visits", "visit"),
  counter("trips", "trips", "trip"),
  counter("bags", "bags", "bag"),
  counter("boxes", "boxes", "box"),
  counter("rolls", "rolls", "roll"),
  counter("sheets", "sheets", "sheet"),
  counter("sets", "sets", "set"),
  counter("pairs", "pairs", "pair"),
  counter("tubes", "tubes", "tube"),
  counter("cans", "cans", "can"),
  counter("buckets", "buckets", "bucket"),
  counter("bundles", "bundles", "bundle"),
  counter("loads", "loads", "load"),
  counter("coats", "coats", "coat"),
  counter("pieces", "pieces", "piece", ["pcs", "pc"]),
  counter("units", "units", "unit"),
];

const ALIAS_TO_UNIT = new Map<string, Unit>();
for (const unit of UNITS) for (const alias of unit.aliases) ALIAS_TO_UNIT.set(alias, unit);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s*");
const UNIT_ALT = [...ALIAS_TO_UNIT.keys()]
  .sort((a, b) => b.length - a.length)
  .map(escape)
  .join("|");

/** Words for small quantities. */
const NUMBER_WORDS: Record<string, string> = {
  one: "1",
  two: "2",
  three: "3",
  four: "4",
  five: "5",
  six: "6",
  seven: "7",
  eight: "8",
  nine: "9",
  ten: "10",
  eleven: "11",
  twelve: "12",
  dozen: "12",
  "a dozen": "12",
  "half a": "0.5",
  "half an": "0.5",
  half: "0.5",
};
const WORD_ALT = Object.keys(NUMBER_WORDS)
  .sort((a, b) => b.length - a.length)
  .map(escape)
  .join("|");
// "half bath remodel" is not half a remodel: "half" only counts before a unit ("half day").
const LEADING_WORD_ALT = Object.keys(NUMBER_WORDS)
  .filter((w) => !w.startsWith("half"))
  .sort((a, b) => b.length - a.length)
  .map(escape)
  .join("|");

// Words after a leading number that make it a size, not a count: "2 inch pipe", "3 ton AC unit".
const SIZE_WORDS = String.raw`(?:inch|inches|in\.|"|mm|cm|amp|amps|volt|volts|v|watt|watts|w|gauge|ga|hp|btu|story|storey|stories|bedroom|bed|bath|bathroom|car|piece\s+set|way|pole|gang)`;

const NUM = String.raw`(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)`;
const CUR = String.raw`[$€£¥]`;
const AFTER = String.raw`(?![\p{L}\d])`;
const PER = String.raw`(?:\s*(?:\/|per\s+|an?\s+)\s*(${UNIT_ALT}|each|ea|item)${AFTER})`;
const EACH = String.raw`(?:\s*(?:each|ea)${AFTER}\.?)`;

const RE = {
  // Prices, marked.
  at: new RegExp(String.raw`(?:@|(?<![\p{L}\d])at\s)\s*(${CUR})?\s*(${NUM})${PER}?${EACH}?`, "iu"),
  currency: new RegExp(String.raw`(${CUR})\s*(${NUM})${PER}?${EACH}?`, "iu"),
  currencyAfter: new RegExp(String.raw`(?<![\p{L}\d.,])(${NUM})\s*(?:€|£|dollars|bucks|usd|cad|aud|eur|euros)${AFTER}${PER}?${EACH}?`, "iu"),
  per: new RegExp(String.raw`(?<![\p{L}\d.,])(${NUM})${PER}${EACH}?`, "iu"),
  each: new RegExp(String.raw`(?<![\p{L}\d.,])(${NUM})${EACH}`, "iu"),
  // Quantities.
  timesBefore: new RegExp(String.raw`(?<![\p{L}\d.,])(${NUM}|${WORD_ALT})\s*(?:x|×|\*)(?=\s|$)`, "iu"),
  timesAfter: new RegExp(String.raw`(?<![\p{L}\d.,])(?:x|×)\s*(${NUM})(?=\s|$|[,.;])`, "iu"),
  qty: new RegExp(String.raw`(?<![\p{L}\d])(?:qty|quantity)\.?:?\s*(${NUM})`, "iu"),
  withUnit: new RegExp(String.raw`(?<![\p{L}\d.,])(${NUM}|${WORD_ALT})\s*-?\s*(${UNIT_ALT})${AFTER}(\s+of(?![\p{L}\d]))?`, "iu"),
  leading: new RegExp(String.raw`^(${NUM}|${LEADING_WORD_ALT})\s+(?!${SIZE_WORDS}(?![\p{L}\d]))(?=\S)`, "iu"),
  article: /^(?:an?)\s+(?=\p{L})/iu,
  // Unmarked prices, once nothing else matched.
  trailing: new RegExp(String.raw`(?<![\p{L}\d.,\/-])(${NUM})\s*$`, "iu"),
  twoDecimals: new RegExp(String.raw`(?<![\p{L}\d.,\/-])(\d+\.\d{2})(?![\p{L}\d])`, "iu"),
};

// Separators between items: line breaks, semicolons, bullets, commas that are not a thousands separator,
// and "and"/"&"/"+"/"plus" when a quantity or price follows or a price ends the item before it.
const QUANTITY_START = String.raw`(?:\d|\.\d|${CUR}|(?:x|×)\s*\d|(?:${WORD_ALT}|an?)(?![\p{L}\d]))`;
const SPLIT = new RegExp(
  String.raw`[\n;•]+|,(?!\d{3}(?!\d))|\s+(?:and|&|\+|plus)\s+(?=${QUANTITY_START})|(?<=${CUR}\s*[\d.,]*\d(?:\s*(?:each|ea))?)\s+(?:and|&|\+|plus)\s+`,
  "iu",
);

// ---- Parsing -----------------------------------------------------------------------------------

type Segment = { description: string; quantity: string | null; unit: Unit | null; price: string | null };

function toNumberText(text: string) {
  const lower = text.toLowerCase().replace(/\s+/g, " ");
  return NUMBER_WORDS[lower] ?? text.replaceAll(",", "");
}

function unitFor(alias: string | undefined): Unit | null {
  if (!alias) return null;
  return ALIAS_TO_UNIT.get(alias.toLowerCase().replace(/\s+/g, " ")) ?? null;
}

function readSegment(input: string): Segment {
  let text = ` ${input.replace(/\s+/g, " ").trim()} `;
  const take = (re: RegExp) => {
    const match = re.exec(text);
    if (match) text = `${text.slice(0, match.index)} ${text.slice(match.index + match[0].length)}`;
    return match;
  };
  let price: string | null = null;
  let priceUnit: Unit | null = null;
  let quantity: string | null = null;
  let unit: Unit | null = null;

  // 1. Marked prices.
  const at = take(RE.at);
  if (at) {
    price = at[2];
    priceUnit = unitFor(at[3]);
  } else {
    const marked = take(RE.currency);
    if (marked) {
      price = marked[2];
      priceUnit = unitFor(marked[3]);
    } else {
      const after = take(RE.currencyAfter) ?? take(RE.per) ?? take(RE.each);
      if (after) {
        price = after[1];
        priceUnit = unitFor(after[2]);
      }
    }
  }

  // 2. Quantities.
  text = text.trim();
  const times = take(RE.timesBefore) ?? take(RE.timesAfter) ?? take(RE.qty);
  let sized = false;
  if (times) quantity = toNumberText(times[1]);
  if (!quantity) {
    const match = RE.withUnit.exec(text);
    if (match) {
      const number = toNumberText(match[1]);
      const alias = match[2].toLowerCase().replace(/\s+/g, " ");
      const candidate = unitFor(alias);
      const rest = text.slice(match.index + match[0].length).trim();
      // "40 gallon water heater" is one heater, "2 can lights" two lights: see Unit.
      const adjective = Boolean(candidate?.singular.includes(alias) && Number(number) > 1 && /\p{L}/u.test(rest) && !match[3]);
      sized = adjective && candidate?.kind === "measure";
      if (!adjective) {
        take(RE.withUnit);
        quantity = number;
        unit = candidate;
      }
    }
  }
  text = text.trim();
  if (!quantity && !sized) {
    const leading = take(RE.leading);
    if (leading) quantity = toNumberText(leading[1]);
    else take(RE.article);
  }

  // 3. Unmarked prices.
  text = text.trim();
  if (price === null) {
    const trailing = text.length ? take(RE.trailing) : null;
    // A number alone is not "an item costing that": it stays and the item is refused for lack of words.
    if (trailing && /\p{L}/u.test(text)) price = trailing[1];
    else if (trailing) text = `${text} ${trailing[1]}`;
    else {
      const decimals = take(RE.twoDecimals);
      if (decimals) price = decimals[1];
    }
  }

  return { description: cleanDescription(text), quantity, unit: unit ?? priceUnit, price };
}

function cleanDescription(text: string) {
  let d = text.replace(/\s+/g, " ").trim();
  for (let i = 0; i < 4; i++) {
    const before = d;
    d = d
      .replace(/^(?:[-–—:,.@*]+|of|for|at|each)(?:\s+|$)/iu, "")
      .replace(/(?:^|\s+)(?:[-–—:,@]+|for|at|each|ea\.?)$/iu, "")
      .replace(/^[\s,;:.\-–—@]+|[\s,;:\-–—@]+$/gu, "")
      .trim();
    if (d === before) break;
  }
  return d ? d[0].toLocaleUpperCase("en-US") + d.slice(1) : d;
}

const quote = (text: string) => `“${text.length > 60 ? `${text.slice(0, 57)}…` : text}”`;

/**
 * Draft line items from free text. Either every item becomes a line or nothing does, with a message for
 * the contractor that names the item it could not read.
 */
export function parseQuickLines(input: string, currency: string): QuickLinesResult {
  const text = (input ?? "")
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, " ")
    .trim();
  if (!text) return { ok: false, message: `Type the work or items first, for example: ${QUICK_TEXT_EXAMPLE}` };
  if (text.length > QUICK_TEXT_MAX) return { ok: false, message: `Keep the text under ${QUICK_TEXT_MAX.toLocaleString("en-US")} characters` };

  const digits = currencyDigits(currency);
  const pieces = text
    .split(SPLIT)
    .map((p) => p.replace(/^\s*(?:[-*•·]|\d+[.)](?=\s))\s*/u, "").trim())
    .filter((p) => p && !/^(?:and|&|\+|plus)$/i.test(p));
  if (!pieces.length) return { ok: false, message: `Type the work or items first, for example: ${QUICK_TEXT_EXAMPLE}` };
  if (pieces.length > QUICK_LINES_MAX) return { ok: false, message: `Add at most ${QUICK_LINES_MAX} items at a time` };

  const lines: QuickLine[] = [];
  for (const piece of pieces) {
    const segment = readSegment(piece);
    // "3 hrs @ 85": time with nothing else is labor, the one thing a tradesperson bills by the hour.
    if (!segment.description && segment.unit && ["hours", "minutes", "days"].includes(segment.unit.label)) segment.description = "Labor";
    if (!/\p{L}/u.test(segment.description)) {
      return { ok: false, message: `Could not tell what ${quote(piece)} is: describe the work or item, for example “2x p-trap $12”.` };
    }
    const description =
      segment.unit && !segment.description.toLowerCase().includes(`(${segment.unit.label})`)
        ? `${segment.description} (${segment.unit.label})`
        : segment.description;
    if (description.length > QUICK_DESCRIPTION_MAX) {
      return { ok: false, message: `Keep each item under ${QUICK_DESCRIPTION_MAX} characters: ${quote(piece)} is longer.` };
    }
    let quantityMilli = 1000;
    if (segment.quantity !== null) {
      const parsed = parseQuantity(segment.quantity);
      if (parsed === null) return { ok: false, message: `Quantities can have up to 3 decimals: ${quote(piece)}.` };
      if (parsed <= 0) return { ok: false, message: `The quantity must be above zero: ${quote(piece)}.` };
      if (parsed > MAX_QUANTITY_MILLI) return { ok: false, message: `Quantities above 100,000 are not accepted: ${quote(piece)}.` };
      quantityMilli = parsed;
    }
    let unitPriceCents: number | null = null;
    if (segment.price !== null) {
      const parsed = parseDecimal(segment.price.replaceAll(",", ""), digits);
      if (parsed === null) {
        return {
          ok: false,
          message: digits
            ? `Prices can have up to ${digits} decimals in ${currency}: ${quote(piece)}.`
            : `Prices are whole numbers in ${currency}: ${quote(piece)}.`,
        };
      }
      if (parsed > MAX_UNIT_PRICE) return { ok: false, message: `Unit prices above 1,000,000 are not accepted: ${quote(piece)}.` };
      unitPriceCents = parsed;
    }
    lines.push({ description, quantityMilli, unitPriceCents });
  }
  return { ok: true, lines };
}

// Invoice and estimate totals, computed on the server in integer cents (BigInt inside, so no
// intermediate product can lose precision). The one rounding rule: round half away from zero,
// applied to each line's amount, to each line's tax in PER_LINE mode, and once to the invoice's
// tax in INVOICE mode. See docs/decisions/005-money-and-rounding.md.

export type TaxMode = "PER_LINE" | "INVOICE";
export type DiscountType = "NONE" | "AMOUNT" | "PERCENT";

/** 100 % in thousandths of a percent. */
const PERCENT_SCALE = 100_000n;
const QUANTITY_SCALE = 1_000n;

export type TotalsLineInput = { quantityMilli: number; unitPriceCents: number; taxRate: number };
export type TotalsInput = {
  lines: TotalsLineInput[];
  taxMode: TaxMode;
  /** Invoice-level rate (INVOICE mode), thousandths of a percent. */
  taxRate: number;
  discountType: DiscountType;
  /** Cents for AMOUNT, thousandths of a percent for PERCENT. */
  discountValue: number;
};
export type Totals = {
  lines: { amountCents: number; taxCents: number; discountShareCents: number }[];
  subtotalCents: number;
  discountCents: number;
  taxCents: number;
  totalCents: number;
};

/** numerator / denominator rounded half away from zero (denominator > 0). */
export function divRoundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  const rounded = (abs * 2n + denominator) / (denominator * 2n);
  return negative ? -rounded : rounded;
}

/** Splits `total` across `weights` proportionally; the parts sum exactly to `total` (largest remainder). */
export function allocate(total: bigint, weights: bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n || total === 0n) return weights.map(() => 0n);
  const parts = weights.map((w) => (total * w) / sum);
  const remainders = weights.map((w, i) => ({ i, r: (total * w) % sum }));
  let left = total - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (b.r > a.r ? 1 : b.r < a.r ? -1 : a.i - b.i));
  for (const { i } of remainders) {
    if (left <= 0n) break;
    parts[i] += 1n;
    left -= 1n;
  }
  return parts;
}

const toNumber = (v: bigint) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError("amount out of range");
  return n;
};

export function computeTotals(input: TotalsInput): Totals {
  const amounts = input.lines.map((l) => divRoundHalfAwayFromZero(BigInt(l.quantityMilli) * BigInt(l.unitPriceCents), QUANTITY_SCALE));
  const subtotal = amounts.reduce((a, b) => a + b, 0n);

  let discount = 0n;
  if (input.discountType === "AMOUNT") discount = BigInt(input.discountValue);
  else if (input.discountType === "PERCENT") discount = divRoundHalfAwayFromZero(subtotal * BigInt(input.discountValue), PERCENT_SCALE);
  if (discount > subtotal) discount = subtotal;
  if (discount < 0n) discount = 0n;

  // The discount lowers each line's taxable amount in proportion to the line's size.
  const shares = allocate(discount, amounts);
  let tax = 0n;
  const lineTaxes = amounts.map((amount, i) => {
    if (input.taxMode !== "PER_LINE") return 0n;
    const t = divRoundHalfAwayFromZero((amount - shares[i]) * BigInt(input.lines[i].taxRate), PERCENT_SCALE);
    tax += t;
    return t;
  });
  if (input.taxMode === "INVOICE") tax = divRoundHalfAwayFromZero((subtotal - discount) * BigInt(input.taxRate), PERCENT_SCALE);

  return {
    lines: amounts.map((amount, i) => ({ amountCents: toNumber(amount), taxCents: toNumber(lineTaxes[i]), discountShareCents: toNumber(shares[i]) })),
    subtotalCents: toNumber(subtotal),
    discountCents: toNumber(discount),
    taxCents: toNumber(tax),
    totalCents: toNumber(subtotal - discount + tax),
  };
}

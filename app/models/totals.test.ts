import { describe, expect, it } from "vitest";
import { allocate, computeTotals, divRoundHalfAwayFromZero, type TotalsInput } from "./totals";

const base: Omit<TotalsInput, "lines"> = { taxMode: "INVOICE", taxRate: 0, discountType: "NONE", discountValue: 0 };
const line = (quantityMilli: number, unitPriceCents: number, taxRate = 0) => ({ quantityMilli, unitPriceCents, taxRate });

describe("divRoundHalfAwayFromZero", () => {
  it("rounds halves away from zero in both directions", () => {
    expect(divRoundHalfAwayFromZero(5n, 2n)).toBe(3n); // 2.5 -> 3
    expect(divRoundHalfAwayFromZero(-5n, 2n)).toBe(-3n); // -2.5 -> -3
    expect(divRoundHalfAwayFromZero(7n, 2n)).toBe(4n); // 3.5 -> 4 (not banker's 4/2 alternation)
    expect(divRoundHalfAwayFromZero(9n, 2n)).toBe(5n); // 4.5 -> 5 (banker's would give 4)
    expect(divRoundHalfAwayFromZero(1249n, 1000n)).toBe(1n);
    expect(divRoundHalfAwayFromZero(1500n, 1000n)).toBe(2n);
    expect(divRoundHalfAwayFromZero(1499n, 1000n)).toBe(1n);
  });
});

describe("allocate", () => {
  it("splits exactly, giving leftovers to the largest remainders", () => {
    expect(allocate(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
    expect(allocate(10n, [0n, 5n, 5n])).toEqual([0n, 5n, 5n]);
    expect(allocate(0n, [3n, 4n])).toEqual([0n, 0n]);
  });
});

describe("computeTotals", () => {
  it("rounds each line amount half away from zero: 1.5 h x $0.05 = 7.5c -> 8c", () => {
    const t = computeTotals({ ...base, lines: [line(1500, 5)] });
    expect(t.lines[0].amountCents).toBe(8);
    expect(t.totalCents).toBe(8);
  });

  it("INVOICE mode: tax once on the discounted subtotal, 8.875 % exact", () => {
    // subtotal 100.00, 10 % off = 90.00, tax 8.875 % of 90.00 = 7.9875 -> 7.99
    const t = computeTotals({ ...base, taxRate: 8875, discountType: "PERCENT", discountValue: 10000, lines: [line(1000, 10000)] });
    expect(t).toMatchObject({ subtotalCents: 10000, discountCents: 1000, taxCents: 799, totalCents: 9799 });
  });

  it("PER_LINE mode: tax rounded per line, differs from rounding once", () => {
    // three lines of $0.10 at 5 %: each tax 0.5c -> 1c, so 3c (rounding once would give 2c)
    const t = computeTotals({ ...base, taxMode: "PER_LINE", lines: [line(1000, 10, 5000), line(1000, 10, 5000), line(1000, 10, 5000)] });
    expect(t.lines.map((l) => l.taxCents)).toEqual([1, 1, 1]);
    expect(t.taxCents).toBe(3);
    expect(t.totalCents).toBe(33);
  });

  it("PER_LINE mode: the discount lowers taxable amounts proportionally and sums exactly", () => {
    const t = computeTotals({
      ...base,
      taxMode: "PER_LINE",
      discountType: "AMOUNT",
      discountValue: 1000,
      lines: [line(1000, 20000, 10000), line(1000, 10000, 0)],
    });
    expect(t.lines.map((l) => l.discountShareCents)).toEqual([667, 333]);
    expect(t.lines[0].taxCents).toBe(1933); // 10 % of 193.33
    expect(t).toMatchObject({ subtotalCents: 30000, discountCents: 1000, taxCents: 1933, totalCents: 30933 });
  });

  it("caps an amount discount at the subtotal", () => {
    const t = computeTotals({ ...base, discountType: "AMOUNT", discountValue: 99999, lines: [line(1000, 500)] });
    expect(t).toMatchObject({ discountCents: 500, totalCents: 0 });
  });

  it("handles fractional quantities and large values without precision loss", () => {
    const t = computeTotals({ ...base, lines: [line(99_999_999, 100_000_000)] });
    expect(t.subtotalCents).toBe(9_999_999_900_000); // 99,999.999 x $1,000,000.00
  });

  it("an empty invoice totals zero", () => {
    expect(computeTotals({ ...base, lines: [] })).toMatchObject({ subtotalCents: 0, taxCents: 0, totalCents: 0 });
  });
});

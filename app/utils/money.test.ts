import { describe, expect, it } from "vitest";
import { formatMoney, isSupportedCurrency, parseDecimal, parseDecimalRounded, parseMoney, parsePercent, parseQuantity, toDecimalString } from "./money";

describe("money parsing", () => {
  it("parses decimal strings into integer minor units", () => {
    expect(parseMoney("12", "USD")).toBe(1200);
    expect(parseMoney("12.5", "USD")).toBe(1250);
    expect(parseMoney("$1,234.56", "USD")).toBe(123456);
    expect(parseMoney(".5", "USD")).toBe(50);
    expect(parseMoney("1500", "JPY")).toBe(1500);
    expect(parseMoney("1.234", "KWD")).toBe(1234);
  });

  it("rejects too many decimals, negatives and junk", () => {
    expect(parseMoney("12.345", "USD")).toBeNull();
    expect(parseMoney("1.5", "JPY")).toBeNull();
    expect(parseMoney("-5", "USD")).toBeNull();
    expect(parseMoney("abc", "USD")).toBeNull();
    expect(parseMoney("", "USD")).toBeNull();
    expect(parseMoney("1e5", "USD")).toBeNull();
    expect(parseMoney("9999999999999", "USD")).toBeNull();
    expect(parseDecimal("-5", 2, { allowNegative: true })).toBe(-500);
  });

  it("parses quantities and percentages in thousandths", () => {
    expect(parseQuantity("1.5")).toBe(1500);
    expect(parseQuantity("2")).toBe(2000);
    expect(parseQuantity("0.125")).toBe(125);
    expect(parseQuantity("0.1255")).toBeNull();
    expect(parsePercent("8.875")).toBe(8875);
    expect(parsePercent("8.875%")).toBe(8875);
  });

  it("formats exactly from integers", () => {
    expect(toDecimalString(5, 2)).toBe("0.05");
    expect(toDecimalString(-123456, 2)).toBe("-1234.56");
    expect(formatMoney(123456, "USD")).toBe("$1,234.56");
    expect(formatMoney(1500, "JPY")).toBe("¥1,500");
    expect(formatMoney(900719925474099, "USD")).toBe("$9,007,199,254,740.99");
  });

  it("knows ISO 4217 codes", () => {
    expect(isSupportedCurrency("USD")).toBe(true);
    expect(isSupportedCurrency("usd")).toBe(false);
    expect(isSupportedCurrency("XYZ")).toBe(false);
  });
});

describe("parseDecimalRounded (numbers a machine wrote)", () => {
  it("rounds extra fraction digits half up on the digits, never through a float", () => {
    expect(parseDecimalRounded("12.345", 2)).toBe(1235);
    expect(parseDecimalRounded("1.005", 2)).toBe(101); // Math.round(1.005 * 100) would give 100
    expect(parseDecimalRounded("1.0049", 2)).toBe(100);
    expect(parseDecimalRounded("0.0005", 3)).toBe(1);
    expect(parseDecimalRounded("2.5", 0)).toBe(3);
    expect(parseDecimalRounded("19.99", 2)).toBe(1999);
    expect(parseDecimalRounded("1,234.567", 2)).toBe(123457);
  });

  it("refuses what is not a plain non-negative decimal", () => {
    for (const bad of ["-1.005", "1e21", "abc", "", "1.2.3", "9999999999999.99"]) expect(parseDecimalRounded(bad, 2), bad).toBeNull();
  });
});

describe("formatter caches", () => {
  it("format the same after the cache is warm, per currency", () => {
    expect(formatMoney(123456, "USD")).toBe("$1,234.56");
    expect(formatMoney(123456, "USD")).toBe("$1,234.56");
    expect(formatMoney(1500, "JPY")).toBe("¥1,500");
    expect(formatMoney(1234, "KWD")).toMatch(/^KWD\s1\.234$/);
    expect(formatMoney(123456, "EUR", "de-DE")).toMatch(/^1\.234,56\s€$/);
  });
});

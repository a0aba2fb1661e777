import { describe, expect, it } from "vitest";
import { QUICK_TEXT_MAX } from "./document-limits";
import { parseQuickLines, QUICK_LINES_MAX, type QuickLine } from "./quick-lines";

const line = (description: string, quantity: number, price: number | null): QuickLine => ({
  description,
  quantityMilli: Math.round(quantity * 1000),
  unitPriceCents: price,
});

function lines(text: string, currency = "USD") {
  const result = parseQuickLines(text, currency);
  if (!result.ok) throw new Error(`expected lines, got: ${result.message}`);
  return result.lines;
}

function refusal(text: string, currency = "USD") {
  const result = parseQuickLines(text, currency);
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.lines)}`);
  return result.message;
}

describe("parseQuickLines", () => {
  it("reads the example from the issue", () => {
    expect(lines("3 hours labor, kitchen sink install, 2x p-trap $12")).toEqual([
      line("Labor (hours)", 3, null),
      line("Kitchen sink install", 1, null),
      line("P-trap", 2, 1200),
    ]);
  });

  describe("quantities", () => {
    it.each([
      ["2x p-trap", line("P-trap", 2, null)],
      ["2 x p-trap", line("P-trap", 2, null)],
      ["2× p-trap", line("P-trap", 2, null)],
      ["p-trap x2", line("P-trap", 2, null)],
      ["p-trap x 2", line("P-trap", 2, null)],
      ["qty 4 shutoff valves", line("Shutoff valves", 4, null)],
      ["3 hours labor", line("Labor (hours)", 3, null)],
      ["3hrs labor", line("Labor (hours)", 3, null)],
      ["1.5 h diagnostics", line("Diagnostics (hours)", 1.5, null)],
      ["3 hours of labor", line("Labor (hours)", 3, null)],
      ["labor 2.5 hours", line("Labor (hours)", 2.5, null)],
      ["half day cleanup", line("Cleanup (days)", 0.5, null)],
      ["10 ft copper pipe", line("Copper pipe (ft)", 10, null)],
      ["120 sq ft tile", line("Tile (sq ft)", 120, null)],
      ["2 bags thinset", line("Thinset (bags)", 2, null)],
      ["2 p-traps", line("P-traps", 2, null)],
      ["two p-traps", line("P-traps", 2, null)],
      ["a p-trap", line("P-trap", 1, null)],
      ["0.125 gal primer", line("Primer (gal)", 0.125, null)],
    ])("%s", (text, expected) => {
      expect(lines(text)).toEqual([expected]);
    });

    it("keeps sizes in the description instead of counting them", () => {
      expect(lines("40 gallon water heater $1,200")).toEqual([line("40 gallon water heater", 1, 120000)]);
      expect(lines("2 inch PVC pipe")).toEqual([line("2 inch PVC pipe", 1, null)]);
      expect(lines("50-amp breaker $38")).toEqual([line("50-amp breaker", 1, 3800)]);
      expect(lines("3 ton AC condenser")).toEqual([line("3 ton AC condenser", 1, null)]);
      expect(lines("2x4 studs x10 $4.25")).toEqual([line("2x4 studs", 10, 425)]);
      expect(lines("half bath remodel")).toEqual([line("Half bath remodel", 1, null)]);
    });

    it("counts items whose name starts like a unit", () => {
      expect(lines("2 can lights $25")).toEqual([line("Can lights", 2, 2500)]);
      expect(lines("1 can paint")).toEqual([line("Paint (cans)", 1, null)]);
    });
  });

  describe("prices", () => {
    it.each([
      ["p-trap $12", line("P-trap", 1, 1200)],
      ["p-trap $12.50", line("P-trap", 1, 1250)],
      ["p-trap 12.50", line("P-trap", 1, 1250)],
      ["sink install 250", line("Sink install", 1, 25000)],
      ["$250 sink install", line("Sink install", 1, 25000)],
      ["water heater $1,200.00", line("Water heater", 1, 120000)],
      ["2 p-traps at 12.50 each", line("P-traps", 2, 1250)],
      ["2 p-traps @ $12 ea", line("P-traps", 2, 1200)],
      ["p-trap 12 each", line("P-trap", 1, 1200)],
      ["3 hours labor @ $45/hr", line("Labor (hours)", 3, 4500)],
      ["3 hours labor @ 45 per hour", line("Labor (hours)", 3, 4500)],
      ["labor 45/hr", line("Labor (hours)", 1, 4500)],
      ["labor $45 an hour x3", line("Labor (hours)", 3, 4500)],
      ["10 ft copper pipe @ 3.25/ft", line("Copper pipe (ft)", 10, 325)],
      ["disposal 90 dollars", line("Disposal", 1, 9000)],
      ["permit fee $0", line("Permit fee", 1, 0)],
    ])("%s", (text, expected) => {
      expect(lines(text)).toEqual([expected]);
    });

    it("uses the currency's minor units", () => {
      expect(lines("fitting ¥1500", "JPY")).toEqual([line("Fitting", 1, 1500)]);
      expect(refusal("fitting 12.50", "JPY")).toMatch(/whole numbers in JPY/);
      expect(lines("fitting 1.250", "KWD")).toEqual([line("Fitting", 1, 1250)]);
      expect(refusal("p-trap $12.505")).toMatch(/up to 2 decimals in USD/);
    });
  });

  describe("separators", () => {
    it("splits on commas, new lines, semicolons and bullets", () => {
      expect(lines("labor $90, p-trap $12\nsupply line $8; wax ring $4\n• shutoff $15\n- caulk $6")).toEqual([
        line("Labor", 1, 9000),
        line("P-trap", 1, 1200),
        line("Supply line", 1, 800),
        line("Wax ring", 1, 400),
        line("Shutoff", 1, 1500),
        line("Caulk", 1, 600),
      ]);
    });

    it("splits on “and”, “&” and “+” only when a quantity or price follows", () => {
      expect(lines("3 hours labor and 2x p-trap $12")).toEqual([line("Labor (hours)", 3, null), line("P-trap", 2, 1200)]);
      expect(lines("disposal $90 & 2 clamps $3 + $5 trip charge")).toEqual([line("Disposal", 1, 9000), line("Clamps", 2, 300), line("Trip charge", 1, 500)]);
      expect(lines("labor and materials $300")).toEqual([line("Labor and materials", 1, 30000)]);
      expect(lines("remove and replace toilet and a wax ring")).toEqual([line("Remove and replace toilet", 1, null), line("Wax ring", 1, null)]);
    });

    it("does not split thousands", () => {
      expect(lines("repipe $4,500, permit $150")).toEqual([line("Repipe", 1, 450000), line("Permit", 1, 15000)]);
    });

    it("ignores empty items and numbered lists", () => {
      expect(lines("1. labor $90\n2. p-trap $12,, \n\n")).toEqual([line("Labor", 1, 9000), line("P-trap", 1, 1200)]);
    });
  });

  describe("refusals", () => {
    it("asks for text when there is none", () => {
      expect(refusal("")).toMatch(/^Type the work or items first, for example/);
      expect(refusal("  \n , ; ")).toMatch(/^Type the work or items first/);
    });

    it("names the item it cannot read and adds nothing", () => {
      expect(refusal("p-trap $12, $45")).toBe("Could not tell what “$45” is: describe the work or item, for example “2x p-trap $12”.");
      expect(refusal("3")).toMatch(/Could not tell what “3” is/);
      expect(refusal("!!!")).toMatch(/Could not tell what “!!!” is/);
    });

    it("refuses zero, too precise and too large quantities and prices", () => {
      expect(refusal("0x p-trap")).toMatch(/above zero/);
      expect(refusal("1.2345 hours labor")).toMatch(/up to 3 decimals/);
      expect(refusal("200000 ft wire")).toMatch(/above 100,000/);
      expect(refusal("mansion $2,000,000")).toMatch(/above 1,000,000/);
    });

    it("caps the text and the number of items", () => {
      expect(refusal("x".repeat(QUICK_TEXT_MAX + 1))).toMatch(/under 2,000 characters/);
      expect(refusal(Array.from({ length: QUICK_LINES_MAX + 1 }, (_, i) => `item ${i}a`).join(","))).toMatch(/at most 50 items/);
      expect(lines(Array.from({ length: QUICK_LINES_MAX }, (_, i) => `part ${String.fromCharCode(97 + (i % 26))}`).join("\n"))).toHaveLength(QUICK_LINES_MAX);
    });

    it("keeps each description within 500 characters", () => {
      expect(refusal(`${"very long words ".repeat(40)}`)).toMatch(/under 500 characters/);
    });
  });

  it("reads notes the way contractors write them", () => {
    expect(lines("service call $89; 2 hrs labor @ $95/hr; 1 shutoff valve 18.75")).toEqual([
      line("Service call", 1, 8900),
      line("Labor (hours)", 2, 9500),
      line("Shutoff valve", 1, 1875),
    ]);
    expect(lines("Labor: 4 hours at $65")).toEqual([line("Labor (hours)", 4, 6500)]);
    expect(lines("3 hrs @ 85")).toEqual([line("Labor (hours)", 3, 8500)]);
    expect(lines("5 gallons paint $42 each")).toEqual([line("Paint (gal)", 5, 4200)]);
    expect(lines("trip charge - $75")).toEqual([line("Trip charge", 1, 7500)]);
    expect(lines("drain cleaning $150.00 and camera inspection $200")).toEqual([line("Drain cleaning", 1, 15000), line("Camera inspection", 1, 20000)]);
    expect(lines("install new faucet (customer supplied)")).toEqual([line("Install new faucet (customer supplied)", 1, null)]);
  });

  it("keeps markup and odd characters as plain text", () => {
    expect(lines("<b>sink</b> $5")).toEqual([line("<b>sink</b>", 1, 500)]);
    expect(lines("caulk\u0000 $6")).toEqual([line("Caulk", 1, 600)]);
  });
});

// The platform fee's integer-cents rounding and the plain words for Stripe's requirement keys.
import { describe, expect, it } from "vitest";
import { applicationFeeCents, formatBps, requirementLabel, requirementLabels } from "./stripe-connect";

describe("applicationFeeCents", () => {
  it("is zero at 0 basis points", () => {
    expect(applicationFeeCents(123_456, 0)).toBe(0);
  });
  it("rounds down to the whole cent", () => {
    expect(applicationFeeCents(10_000, 100)).toBe(100); // 1% of $100.00
    expect(applicationFeeCents(999, 250)).toBe(24); // 24.975 → 24
    expect(applicationFeeCents(39, 250)).toBe(0); // 0.975 → 0
    expect(applicationFeeCents(12_345, 10_000)).toBe(12_345);
  });
  it("is exact for large amounts", () => {
    expect(applicationFeeCents(Number.MAX_SAFE_INTEGER, 1)).toBe(Math.floor(Number.MAX_SAFE_INTEGER / 10_000));
  });
  it("refuses fractional or out-of-range input", () => {
    expect(() => applicationFeeCents(10.5, 100)).toThrow(RangeError);
    expect(() => applicationFeeCents(100, 10_001)).toThrow(RangeError);
    expect(() => applicationFeeCents(100, 1.5)).toThrow(RangeError);
  });
});

describe("formatBps", () => {
  it("shows basis points as a percentage", () => {
    expect(formatBps(0)).toBe("0%");
    expect(formatBps(100)).toBe("1%");
    expect(formatBps(290)).toBe("2.9%");
    expect(formatBps(125)).toBe("1.25%");
    expect(formatBps(5)).toBe("0.05%");
  });
});

describe("requirementLabel", () => {
  it("names the common requirements in plain words", () => {
    expect(requirementLabel("external_account")).toBe("The bank account payouts go to");
    expect(requirementLabel("individual.verification.document")).toMatch(/photo of your ID/);
    expect(requirementLabel("person_1AbC.verification.document")).toMatch(/owner's or director's ID/);
    expect(requirementLabel("tos_acceptance.date")).toMatch(/terms of service/);
  });
  it("turns an unknown key into words", () => {
    expect(requirementLabel("some_new.field_name")).toBe("Some new field name");
  });
  it("lists each plain-words requirement once", () => {
    expect(requirementLabels(["individual.dob.day", "individual.dob.month", "external_account"])).toEqual([
      "Your date of birth",
      "The bank account payouts go to",
    ]);
  });
});

// Pure parts of recurring invoices: the period arithmetic and the "Repeat this invoice" form schema.
import { describe, expect, it } from "vitest";
import { nextPeriod, RecurringFormSchema } from "./recurring.server";

describe("nextPeriod", () => {
  it("adds N weeks for weekly schedules", () => {
    expect(nextPeriod("2027-01-04", "WEEKLY", 1, 4)).toBe("2027-01-11");
    expect(nextPeriod("2027-01-04", "WEEKLY", 2, 4)).toBe("2027-01-18");
    expect(nextPeriod("2027-12-28", "WEEKLY", 1, 28)).toBe("2028-01-04");
  });

  it("keeps the start's day of month, clamped to short months, and returns to it afterwards", () => {
    expect(nextPeriod("2027-01-31", "MONTHLY", 1, 31)).toBe("2027-02-28");
    expect(nextPeriod("2027-02-28", "MONTHLY", 1, 31)).toBe("2027-03-31");
    expect(nextPeriod("2027-03-31", "MONTHLY", 1, 31)).toBe("2027-04-30");
    expect(nextPeriod("2027-04-30", "MONTHLY", 1, 31)).toBe("2027-05-31");
    expect(nextPeriod("2027-01-15", "MONTHLY", 1, 15)).toBe("2027-02-15");
  });

  it("uses Feb 29 in leap years", () => {
    expect(nextPeriod("2028-01-31", "MONTHLY", 1, 31)).toBe("2028-02-29");
    expect(nextPeriod("2028-01-29", "MONTHLY", 1, 29)).toBe("2028-02-29");
    expect(nextPeriod("2028-02-29", "MONTHLY", 1, 31)).toBe("2028-03-31");
    expect(nextPeriod("2028-02-29", "MONTHLY", 12, 29)).toBe("2029-02-28");
  });

  it("crosses year ends with multi-month intervals", () => {
    expect(nextPeriod("2027-11-30", "MONTHLY", 3, 30)).toBe("2028-02-29");
    expect(nextPeriod("2027-12-15", "MONTHLY", 12, 15)).toBe("2028-12-15");
    expect(nextPeriod("2027-08-31", "MONTHLY", 6, 31)).toBe("2028-02-29");
  });
});

describe("RecurringFormSchema", () => {
  const base = { frequency: "MONTHLY", interval: "1", startOn: "2027-01-31" };
  const issues = (input: Record<string, unknown>) => {
    const result = RecurringFormSchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => i.path.join("."));
  };

  it("accepts a plain form and applies the defaults", () => {
    const parsed = RecurringFormSchema.parse(base);
    expect(parsed).toEqual({ frequency: "MONTHLY", interval: 1, startOn: "2027-01-31", ends: "never", autoSend: false });
    expect(RecurringFormSchema.parse({ ...base, autoSend: "on" }).autoSend).toBe(true);
    expect(RecurringFormSchema.parse({ ...base, ends: "after", count: "3" }).count).toBe(3);
    expect(RecurringFormSchema.parse({ ...base, ends: "on", endOn: "2027-01-31" }).endOn).toBe("2027-01-31");
  });

  it("requires the end date when ending on a date, and not before the start", () => {
    expect(issues({ ...base, ends: "on" })).toEqual(["endOn"]);
    expect(issues({ ...base, ends: "on", endOn: "2027-01-30" })).toEqual(["endOn"]);
  });

  it("requires a count of 1 to 120 when ending after a number of invoices", () => {
    expect(issues({ ...base, ends: "after" })).toEqual(["count"]);
    // One message, the one that says what is wrong (not also "Enter how many invoices").
    const zero = RecurringFormSchema.safeParse({ ...base, ends: "after", count: "0" });
    expect(zero.success ? [] : zero.error.issues.map((i) => [i.path.join("."), i.message])).toEqual([["count", "At least 1"]]);
    expect(issues({ ...base, ends: "after", count: "121" })).toEqual(["count"]);
    expect(issues({ ...base, ends: "after", count: "1.5" })).toEqual(["count"]);
  });

  it("accepts intervals 1 to 12 only, and weekly or monthly only", () => {
    expect(issues({ ...base, interval: "13" })).toEqual(["interval"]);
    expect(issues({ ...base, interval: "0" })).toEqual(["interval"]);
    expect(issues({ ...base, interval: "12" })).toEqual([]);
    expect(issues({ ...base, frequency: "DAILY" })).toEqual(["frequency"]);
    expect(issues({ ...base, startOn: "2027-02-30" })).toEqual(["startOn"]);
  });
});

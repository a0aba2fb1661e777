import { describe, expect, it } from "vitest";
import { formatEstimateNumber, formatInvoiceNumber } from "./document-numbers";

describe("document numbers", () => {
  it("pads to four digits after the kind's prefix", () => {
    expect(formatInvoiceNumber("INV-", 42)).toBe("INV-0042");
    expect(formatEstimateNumber("EST-", 2)).toBe("EST-0002");
    expect(formatEstimateNumber("", 12345)).toBe("12345");
  });
});

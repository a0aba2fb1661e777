import { describe, expect, it } from "vitest";
import { expenseFormSchema, ExpenseFilterSchema, isHeic, RECEIPT_MAX_BYTES, receiptRejection, sniffReceiptType } from "./expense-form";

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, ...Buffer.from("JFIF")]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from("IHDR"), Buffer.alloc(13)]);
const WEBP = Buffer.concat([Buffer.from("RIFF"), Buffer.from([0x24, 0, 0, 0]), Buffer.from("WEBPVP8 "), Buffer.alloc(16)]);
const HEIC = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypheic"), Buffer.alloc(12)]);

describe("receipt photos are judged by their bytes", () => {
  it("accepts JPEG, PNG and WebP", () => {
    expect(sniffReceiptType(JPEG)).toBe("image/jpeg");
    expect(sniffReceiptType(PNG)).toBe("image/png");
    expect(sniffReceiptType(WEBP)).toBe("image/webp");
    for (const bytes of [JPEG, PNG, WEBP]) expect(receiptRejection(bytes)).toBeNull();
  });

  it("refuses text, HEIC, PDF, SVG, empty and oversized files with a reason", () => {
    expect(receiptRejection(Buffer.from("TOTAL 42.17"))).toBe("That file is not a JPEG, PNG or WebP photo");
    expect(isHeic(HEIC)).toBe(true);
    expect(receiptRejection(HEIC)).toMatch(/^HEIC photos are not accepted/);
    expect(receiptRejection(Buffer.from("%PDF-1.7"))).toMatch(/^PDF receipts are not accepted/);
    expect(receiptRejection(Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"))).toBe("That file is not a JPEG, PNG or WebP photo");
    expect(receiptRejection(Buffer.alloc(0))).toBe("Choose a photo of the receipt");
    expect(receiptRejection(Buffer.concat([JPEG, Buffer.alloc(RECEIPT_MAX_BYTES)]))).toBe("Receipt photos must be 5 MB or smaller");
    expect(receiptRejection(Buffer.concat([JPEG, Buffer.alloc(RECEIPT_MAX_BYTES - JPEG.length)]))).toBeNull();
  });
});

describe("expenseFormSchema", () => {
  const valid = {
    vendor: " Ferguson ",
    amount: "1,234.50",
    spentOn: "2026-11-03",
    category: "MATERIALS",
    notes: "a\r\nb",
    customerId: "",
    invoiceId: "",
    receiptId: "",
  };

  it("turns the form into integer minor units and nulls", () => {
    expect(expenseFormSchema("USD").parse(valid)).toEqual({
      vendor: "Ferguson",
      amount: 123450,
      spentOn: "2026-11-03",
      category: "MATERIALS",
      notes: "a\nb",
      customerId: null,
      invoiceId: null,
      receiptId: null,
    });
    expect(expenseFormSchema("JPY").parse({ ...valid, amount: "1500" }).amount).toBe(1500);
    expect(expenseFormSchema("JPY").safeParse({ ...valid, amount: "15.50" }).success).toBe(false);
  });

  it.each([
    [{ amount: "-5" }],
    [{ amount: "0.00" }],
    [{ amount: "1e3" }],
    [{ spentOn: "2026-11-31" }],
    [{ category: "materials" }],
    [{ vendor: "tab\there" }],
    [{ customerId: "x'; DROP TABLE" }],
  ])("refuses %j", (overrides) => {
    expect(expenseFormSchema("USD").safeParse({ ...valid, ...overrides }).success).toBe(false);
  });
});

describe("ExpenseFilterSchema", () => {
  it("keeps good filters and drops bad ones instead of failing", () => {
    expect(ExpenseFilterSchema.parse({ month: "2026-11", category: "FUEL", q: " shell " })).toEqual({ month: "2026-11", category: "FUEL", q: "shell" });
    expect(ExpenseFilterSchema.parse({ month: "2026-13", category: "YACHTS", customerId: "../x" })).toEqual({});
  });
});

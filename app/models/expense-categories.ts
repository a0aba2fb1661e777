// What the expense pages render without the schema: the categories and their labels, field limits and
// the receipt photo types. Zod-free, because pages import it (issue 17); the schema is in expense-form.ts.
export const EXPENSE_CATEGORIES = [
  "MATERIALS",
  "TOOLS",
  "EQUIPMENT_RENTAL",
  "SUBCONTRACTORS",
  "FUEL",
  "VEHICLE",
  "PERMITS",
  "INSURANCE",
  "OFFICE",
  "ADVERTISING",
  "MEALS",
  "OTHER",
] as const;
export type ExpenseCategory = (typeof EXPENSE_CATEGORIES)[number];

export const CATEGORY_LABELS: Record<ExpenseCategory, string> = {
  MATERIALS: "Materials and supplies",
  TOOLS: "Tools and small equipment",
  EQUIPMENT_RENTAL: "Equipment rental",
  SUBCONTRACTORS: "Subcontractors",
  FUEL: "Fuel",
  VEHICLE: "Vehicle and repairs",
  PERMITS: "Permits and fees",
  INSURANCE: "Insurance",
  OFFICE: "Office, phone and software",
  ADVERTISING: "Advertising",
  MEALS: "Meals",
  OTHER: "Other",
};

export const EXPENSE_LIMITS = { vendor: 100, notes: 2000, id: 64 } as const;

export const RECEIPT_MIME_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export type ReceiptMimeType = (typeof RECEIPT_MIME_TYPES)[number];

// The invoice list's status filter values, shared by the page (its select) and the filter schema in
// __forms.server.ts. Zod-free: the page imports it (issue 17).
export const STATUS_FILTERS = ["OPEN", "DRAFT", "SENT", "VIEWED", "PARTIALLY_PAID", "PAID", "OVERDUE", "VOID"] as const;

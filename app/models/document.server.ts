// What invoices and estimates store alike: the line rows and the columns computed from the form.
import { dateOnly } from "~/utils/dates";
import type { DocumentCommonInput } from "./document-input";
import { totalsWithChoices } from "./estimate-options";

/**
 * Line rows, totals and the shared document columns, all computed on the server from the form input.
 * An estimate's optional lines start unchosen, so they are outside the totals until the customer ticks them.
 */
export function documentRows(businessId: string, input: DocumentCommonInput) {
  const totals = totalsWithChoices(input);
  const lines = input.lines.map((l, position) => ({
    businessId,
    position,
    description: l.description,
    quantityMilli: l.quantityMilli,
    unitPriceCents: l.unitPriceCents,
    taxRate: l.taxRate,
    amountCents: totals.lines[position].amountCents,
    taxCents: totals.lines[position].taxCents,
  }));
  const columns = {
    issueDate: dateOnly(input.issueDate),
    taxMode: input.taxMode,
    taxRate: input.taxRate,
    discountType: input.discountType,
    discountValue: input.discountValue,
    subtotalCents: totals.subtotalCents,
    discountCents: totals.discountCents,
    taxCents: totals.taxCents,
    totalCents: totals.totalCents,
    notes: input.notes,
    terms: input.terms,
  };
  return { totals, lines, columns };
}

// What invoices and estimates store alike: the line rows and the columns computed from the form, and
// the rule for the customer a document is for.
import type { Prisma } from "~/generated/prisma/client.ts";
import { dateOnly } from "~/utils/dates";
import type { DocumentCommonInput } from "./document-input";
import { DomainError } from "./errors.server";
import { totalsWithChoices } from "./estimate-options";

/**
 * The customer a document is for: one of this business's, else an error on the form's customer field.
 * `active` also refuses an archived customer (new documents, and estimates on every save); an invoice
 * already made for a customer since archived can still be edited.
 */
export async function documentCustomer(tx: Prisma.TransactionClient, businessId: string, customerId: string, { active }: { active: boolean }) {
  const customer = await tx.customer.findFirst({ where: { id: customerId, businessId }, select: { id: true, name: true, archivedAt: true } });
  if (!customer) throw new DomainError("Choose one of your customers", "customerId");
  if (active && customer.archivedAt) throw new DomainError("This customer is archived; restore them first", "customerId");
  return customer;
}

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

// The activity feed: what happened to a business's invoices, estimates and payments, written in the
// caller's transaction. Messages name documents the way the contractor sees them (INV-0005), never by
// their bare sequence number.
import type { Prisma } from "~/generated/prisma/client.ts";
import { formatEstimateNumber, formatInvoiceNumber } from "./document-numbers";

type Tx = Prisma.TransactionClient;

type ActivityInput = {
  businessId: string;
  type: string;
  message: string;
  invoiceId?: string | null;
  estimateId?: string | null;
  customerId?: string | null;
};

/** Records what happened, inside the caller's transaction so it commits with the change itself. */
export function recordActivity(tx: Tx, input: ActivityInput) {
  return tx.activityEvent.create({ data: input });
}

type DocumentPrefixes = { invoicePrefix: string; estimatePrefix: string };

/** The business's invoice and estimate numbers as shown everywhere else: INV-0005, EST-0002. */
async function documentNumbers(tx: Pick<Tx, "business">, businessId: string) {
  const prefixes = await tx.business.findUniqueOrThrow({ where: { id: businessId }, select: { invoicePrefix: true, estimatePrefix: true } });
  return {
    invoice: (number: number) => formatInvoiceNumber(prefixes.invoicePrefix, number),
    estimate: (number: number) => formatEstimateNumber(prefixes.estimatePrefix, number),
  };
}

/**
 * Rows written before messages carried formatted numbers say "Invoice #5" / "estimate #2": shown with
 * the business's prefixes so the feed reads one way. The stored rows are left as they are.
 */
export function readableActivityMessage(message: string, prefixes: DocumentPrefixes) {
  return message.replace(
    /\b(invoice|estimate) #(\d{1,9})\b/gi,
    (_, word: string, digits: string) =>
      `${word} ${word.toLowerCase() === "invoice" ? formatInvoiceNumber(prefixes.invoicePrefix, Number(digits)) : formatEstimateNumber(prefixes.estimatePrefix, Number(digits))}`,
  );
}

/** "INV-0005" for an invoice's sequence number, read in the caller's transaction. */
export async function invoiceLabel(tx: Pick<Tx, "business">, businessId: string, number: number) {
  return (await documentNumbers(tx, businessId)).invoice(number);
}

/** "EST-0002" for an estimate's sequence number. */
export async function estimateLabel(tx: Pick<Tx, "business">, businessId: string, number: number) {
  return (await documentNumbers(tx, businessId)).estimate(number);
}

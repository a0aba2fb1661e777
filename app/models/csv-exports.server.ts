// What the CSV exports (/export/*.csv) read: every invoice and payment of a business in keyset batches,
// so a business with 100,000 invoices never has them all in memory at once. The routes turn the rows
// into CSV cells; customers come from customerExportBatches (customer.server.ts).
import { prisma } from "~/utils/db.server";
import { CSV_BATCH_SIZE } from "~/utils/csv.server";
import { notFound } from "./errors.server";

/** The business's invoice prefix and time zone, which the exports format numbers and dates with. */
export async function getExportSettings(businessId: string) {
  const business = await prisma.business.findUnique({ where: { id: businessId }, select: { invoicePrefix: true, timeZone: true } });
  return business ?? notFound("Business not found");
}

/** Every invoice, oldest number first, in batches (number > the last one seen). */
export async function* invoiceExportBatches(businessId: string) {
  let after: number | undefined;
  for (;;) {
    const invoices = await prisma.invoice.findMany({
      where: { businessId, ...(after === undefined ? {} : { number: { gt: after } }) },
      orderBy: { number: "asc" },
      take: CSV_BATCH_SIZE,
      select: {
        number: true,
        status: true,
        issueDate: true,
        dueDate: true,
        currency: true,
        subtotalCents: true,
        discountCents: true,
        taxCents: true,
        totalCents: true,
        amountPaidCents: true,
        customer: { select: { name: true } },
      },
    });
    if (invoices.length === 0) return;
    yield invoices;
    if (invoices.length < CSV_BATCH_SIZE) return;
    after = invoices[invoices.length - 1].number;
  }
}

/** Every payment, oldest first, in keyset batches on (receivedAt, id). */
export async function* paymentExportBatches(businessId: string) {
  let after: { receivedAt: Date; id: string } | undefined;
  for (;;) {
    const payments = await prisma.payment.findMany({
      where: {
        businessId,
        ...(after ? { OR: [{ receivedAt: { gt: after.receivedAt } }, { receivedAt: after.receivedAt, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
      take: CSV_BATCH_SIZE,
      select: {
        id: true,
        receivedAt: true,
        receivedOn: true,
        method: true,
        provider: true,
        amountCents: true,
        currency: true,
        overpaymentCents: true,
        reference: true,
        status: true,
        invoice: { select: { number: true, customer: { select: { name: true } } } },
      },
    });
    if (payments.length === 0) return;
    yield payments;
    if (payments.length < CSV_BATCH_SIZE) return;
    const last = payments[payments.length - 1];
    after = { receivedAt: last.receivedAt, id: last.id };
  }
}

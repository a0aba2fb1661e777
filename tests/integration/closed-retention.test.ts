// A closed business's kept money records (invoices, payments) are deleted by the nightly cleanup once
// the records retention period has passed since the closure; younger closures and open businesses stay.
import { expect, it } from "vitest";
import { CLOSED_RECORDS_RETENTION_YEARS, closeBusiness } from "~/models/account-closure.server";
import { cleanupExpired } from "~/models/cleanup.server";
import { createInvoice, markInvoiceSent } from "~/models/invoice.server";
import { applyPayment } from "~/models/payments/payment.server";
import { prisma } from "~/utils/db.server";
import { createAccount } from "../helpers/accounts";
import { documentInput, makeCustomer } from "../helpers/business-data";

async function businessWithMoney(name: string) {
  const { business } = await createAccount({ businessName: name });
  const customer = await makeCustomer(business.id);
  const invoice = await createInvoice(
    business.id,
    await documentInput({ customerId: customer.id, lines: [{ description: "Work", quantity: "1", unitPrice: "100.00" }] }),
  );
  await markInvoiceSent(business.id, invoice.id);
  await applyPayment({
    businessId: business.id,
    invoiceId: invoice.id,
    amountCents: 10_000,
    currency: "USD",
    method: "CHECK",
    provider: "manual",
    providerPaymentId: `${business.id}:r`,
    receivedAt: new Date(),
  });
  return business.id;
}

it(`purges closed businesses ${CLOSED_RECORDS_RETENTION_YEARS} years after closure, and nothing else`, async () => {
  expect(CLOSED_RECORDS_RETENTION_YEARS).toBe(7);
  const [old, recent, open] = await Promise.all([businessWithMoney("Old Closed"), businessWithMoney("Recent Closed"), businessWithMoney("Still Open")]);
  await closeBusiness(old);
  await closeBusiness(recent);
  const now = new Date("2034-06-01T00:00:00Z");
  await prisma.business.update({ where: { id: old }, data: { closedAt: new Date("2027-05-31T00:00:00Z") } }); // 7 years and a day
  await prisma.business.update({ where: { id: recent }, data: { closedAt: new Date("2027-06-02T00:00:00Z") } }); // a day short

  const summary = await cleanupExpired(now);
  expect(summary.closedBusinesses).toBe(1);
  expect(await prisma.business.count({ where: { id: old } })).toBe(0);
  for (const table of ["invoice", "payment", "customer", "invoiceLine", "activityEvent", "businessChange"] as const) {
    expect(await (prisma[table] as unknown as { count: (a: object) => Promise<number> }).count({ where: { businessId: old } }), table).toBe(0);
  }
  expect(await prisma.invoice.count({ where: { businessId: recent } })).toBe(1);
  expect(await prisma.payment.count({ where: { businessId: recent } })).toBe(1);
  expect(await prisma.invoice.count({ where: { businessId: open } })).toBe(1);
  expect(await prisma.customer.count({ where: { businessId: open } })).toBe(1);
});

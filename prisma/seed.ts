// Seeds the demo contractor used by `npm start` on a fresh machine, with a few customers, an estimate
// and invoices in different states, so every page has something to show. Safe to run repeatedly:
// nothing is added once the demo account exists. Everything goes through the domain functions.
import "dotenv/config";

const DEMO_LOGIN = { email: "demo@invoicelink.local", password: "demo-password-2026" };

export async function seedDemo() {
  const { prisma } = await import("../app/utils/db.server");
  const { createAccount } = await import("../app/models/user.server");
  const existing = await prisma.user.findUnique({ where: { email: DEMO_LOGIN.email }, select: { id: true } });
  if (!existing) {
    const user = await createAccount({ businessName: "Demo Plumbing & Heating", name: "Dana Demo", ...DEMO_LOGIN });
    await seedDemoData(user.businessId, user.id);
  }
  return DEMO_LOGIN;
}

async function seedDemoData(businessId: string, userId: string) {
  const { createCustomer } = await import("../app/models/customer.server");
  const { CustomerFormSchema } = await import("../app/models/customer-form");
  const { estimateFormSchema, invoiceFormSchema } = await import("../app/models/document-form");
  const { addDays, todayIn } = await import("../app/utils/dates");
  const { createInvoice, markInvoiceSent } = await import("../app/models/invoice.server");
  const { createEstimate } = await import("../app/models/estimate.server");
  const { applyPayment } = await import("../app/models/payments/payment.server");
  const { prisma } = await import("../app/utils/db.server");

  await prisma.business.update({
    where: { id: businessId },
    data: { phone: "(555) 010-2000", email: "office@demo-plumbing.example", city: "Springfield", region: "IL", defaultTaxRate: 6250 },
  });
  const customer = (values: Record<string, string>) => createCustomer(businessId, CustomerFormSchema.parse(values));
  const rosa = await customer({
    name: "Rosa Martinez",
    email: "rosa@example.com",
    phone: "555 010 3101",
    addressLine1: "12 Elm Street",
    city: "Springfield",
    region: "IL",
    postalCode: "62701",
  });
  const ken = await customer({
    name: "Ken Okafor",
    email: "ken@example.com",
    phone: "555 010 3102",
    addressLine1: "48 Oak Avenue",
    city: "Springfield",
    region: "IL",
    postalCode: "62702",
  });
  const lee = await customer({
    name: "Lee Property Management",
    email: "ap@lee-pm.example",
    addressLine1: "300 Main Street, Suite 4",
    city: "Springfield",
    region: "IL",
    postalCode: "62703",
  });

  const today = todayIn("America/New_York");
  type Line = { description: string; quantity: string; unitPrice: string };
  const invoice = (customerId: string, issueDate: string, lines: Line[]) =>
    invoiceFormSchema("USD").parse({ customerId, issueDate, dueDate: addDays(issueDate, 14), taxRate: "6.25", lines });
  const estimate = (customerId: string, issueDate: string, lines: Line[]) =>
    estimateFormSchema("USD").parse({ customerId, issueDate, validUntil: addDays(issueDate, 30), taxRate: "6.25", lines });

  // Sent three weeks ago, partly paid by check: overdue now.
  const overdue = await createInvoice(
    businessId,
    invoice(rosa.id, addDays(today, -21), [
      { description: "Water heater replacement, 40 gallon", quantity: "1", unitPrice: "1150.00" },
      { description: "Labor", quantity: "4", unitPrice: "95.00" },
    ]),
    { userId },
  );
  await markInvoiceSent(businessId, overdue.id);
  await applyPayment({
    businessId,
    invoiceId: overdue.id,
    amountCents: 50_000,
    currency: "USD",
    method: "CHECK",
    provider: "manual",
    providerPaymentId: `${businessId}:demo-check-1`,
    reference: "Check 1042",
    recordedById: userId,
  });

  // Sent today, waiting to be paid on its link.
  const open = await createInvoice(
    businessId,
    invoice(ken.id, today, [
      { description: "Kitchen sink install", quantity: "1", unitPrice: "240.00" },
      { description: "P-trap", quantity: "2", unitPrice: "12.00" },
    ]),
    { userId },
  );
  await markInvoiceSent(businessId, open.id);

  // A draft and an estimate still to send.
  await createInvoice(businessId, invoice(lee.id, today, [{ description: "Quarterly drain maintenance, 6 units", quantity: "6", unitPrice: "85.00" }]), {
    userId,
  });
  await createEstimate(
    businessId,
    estimate(lee.id, today, [
      { description: "Main sewer line camera inspection", quantity: "1", unitPrice: "275.00" },
      { description: "Hydro-jetting", quantity: "3", unitPrice: "150.00" },
    ]),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const login = await seedDemo();
  console.log(`Demo login: ${login.email} / ${login.password}`);
  process.exit(0);
}

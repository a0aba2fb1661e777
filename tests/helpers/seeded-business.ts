// Test data for the data-export and account-deletion tests: a business with a row in every table it
// can own, each marked with a label so a leak of one business's data into another's is easy to spot,
// and the list of models that belong to a business (read from schema.prisma, so a new table fails the
// tests until it is exported and handled by closure).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import { createAccount, signedInBrowser } from "./accounts";
import { documentInput, makeCustomer } from "./business-data";
import type { AppServer } from "./production-server";

/** A 1×1 PNG: real bytes, so the logo checks accept it. */
export const PNG_1PX = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

type DmmfField = { name: string; kind: string; type: string };
type DmmfModel = { name: string; fields: DmmfField[] };

/** Every model with a businessId column or a relation to Business, other than Business itself. */
export function businessScopedModels(): string[] {
  const schema = readFileSync(path.resolve(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: schema }))).datamodel as { models: DmmfModel[] };
  return dmmf.models
    .filter((m) => m.name !== "Business" && m.fields.some((f) => f.name === "businessId" || (f.kind === "object" && f.type === "Business")))
    .map((m) => m.name)
    .sort();
}

/**
 * Every row a business owns, in every table (read generically from the schema), its users' reset and
 * refresh tokens, and its jobs: what a request for another business must leave exactly as it was.
 */
export async function businessRows(businessId: string) {
  const { prisma } = await import("~/utils/db.server");
  const tables: Record<string, unknown[]> = {};
  tables.Business = await prisma.$queryRawUnsafe(`SELECT * FROM "Business" WHERE id = $1`, businessId);
  for (const model of businessScopedModels()) {
    tables[model] = await prisma.$queryRawUnsafe(`SELECT * FROM "${model}" WHERE "businessId" = $1 ORDER BY 1, 2`, businessId);
  }
  tables.PasswordResetToken = await prisma.$queryRawUnsafe(
    `SELECT t.* FROM "PasswordResetToken" t JOIN "User" u ON u.id = t."userId" WHERE u."businessId" = $1 ORDER BY t.id`,
    businessId,
  );
  tables.RefreshToken = await prisma.$queryRawUnsafe(
    `SELECT t.* FROM "RefreshToken" t JOIN "RefreshTokenFamily" f ON f.id = t."familyId" WHERE f."businessId" = $1 ORDER BY 1`,
    businessId,
  );
  tables.jobs = await businessJobs(businessId);
  return tables;
}

/**
 * The keys of the jobs the business's own rows point at: every message's send job (its own or its
 * batch's) and every export's job. The rows are how the app knows its jobs (docs/decisions/018-job-queue-access.md).
 */
export async function businessJobKeys(businessId: string) {
  const { prisma } = await import("~/utils/db.server");
  const { emailJobKey } = await import("~/utils/email.server");
  const { exportJobKey } = await import("~/models/data-export.server");
  const messages = await prisma.emailMessage.findMany({ where: { businessId }, select: { id: true, batchJobKey: true } });
  const exports = await prisma.dataExport.findMany({ where: { businessId }, select: { id: true } });
  return [...new Set([...messages.map(emailJobKey), ...exports.map((e) => exportJobKey(e.id))])].sort();
}

/** Jobs by key as graphile-worker's public `jobs` view shows them (no payload), in id order. */
export async function jobsWithKeys(keys: string[]) {
  const { jobsByKey } = await import("~/utils/jobs.server");
  return (await jobsByKey(keys, 10_000)).sort((a, b) => Number(a.id) - Number(b.id));
}

/** The business's jobs: those its rows point at. */
export async function businessJobs(businessId: string) {
  return jobsWithKeys(await businessJobKeys(businessId));
}

export type SeededBusiness = Awaited<ReturnType<typeof seedBusiness>>;

/**
 * A business with a row in every table: users, sessions, API devices, reset tokens, customers (one
 * archived), estimates and lines, invoices and lines, a revision, payments (card and manual), emails
 * with their queued jobs, a refund, activity, a recurring schedule, an expense with a receipt photo, job photos, property
 * details and lookup usage, and a logo. `label` is in every name and text.
 */
export async function seedBusiness(server: AppServer, label: string) {
  const { prisma } = await import("~/utils/db.server");
  const { createInvoice, sendInvoice, updateInvoice } = await import("~/models/invoice.server");
  const { createEstimate, sendEstimate } = await import("~/models/estimate.server");
  const { applyPayment } = await import("~/models/payments/payment.server");
  const hex = randomBytes(3).toString("hex");
  const { user, business, email, password } = await createAccount({ businessName: `${label} Plumbing ${hex}`, name: `${label} Owner` });
  await prisma.business.update({
    where: { id: business.id },
    data: {
      email: `${label.toLowerCase()}-office-${hex}@example.com`,
      phone: "555-0100",
      website: `https://${label.toLowerCase()}.example.com`,
      addressLine1: `${label} 1 Main Street`,
      city: "Springfield",
      region: "IL",
      postalCode: "62701",
      country: "US",
      reviewUrl: `https://reviews.example.com/${label.toLowerCase()}`,
      logo: new Uint8Array(PNG_1PX),
      logoMimeType: "image/png",
      logoUpdatedAt: new Date(),
    },
  });
  const customers = [];
  for (let i = 0; i < 5; i++) {
    customers.push(
      await makeCustomer(business.id, { name: `${label} Customer ${i} ${hex}`, email: `${label.toLowerCase()}-customer-${i}-${hex}@example.com` }),
    );
  }
  await prisma.customer.update({
    where: { id: customers[4].id },
    data: { archivedAt: new Date(), phone: "555-0199", addressLine1: `${label} 9 Elm Street`, notes: `${label} gate code 1234` },
  });
  const customer = customers[0];

  const invoice = await createInvoice(
    business.id,
    await documentInput({
      customerId: customer.id,
      notes: `${label} private note`,
      terms: `${label} terms`,
      lines: [{ description: `${label} faucet repair`, quantity: "1", unitPrice: "200.00" }],
    }),
  );
  await sendInvoice(business.id, invoice.id);
  // An edit after sending keeps the previous version as a revision.
  await updateInvoice(
    business.id,
    invoice.id,
    await documentInput({
      customerId: customer.id,
      notes: `${label} revised note`,
      lines: [{ description: `${label} faucet repair and valve`, quantity: "1", unitPrice: "250.00" }],
    }),
    user.id,
  );
  const cardPaymentId = `pi_${label.toLowerCase()}_${hex}`;
  await applyPayment({
    businessId: business.id,
    invoiceId: invoice.id,
    amountCents: 5_000,
    currency: "USD",
    method: "CARD",
    provider: "stripe",
    providerPaymentId: cardPaymentId,
    cardBrand: "visa",
    cardLast4: "4242",
  });
  await applyPayment({
    businessId: business.id,
    invoiceId: invoice.id,
    amountCents: 2_500,
    currency: "USD",
    method: "CHECK",
    provider: "manual",
    providerPaymentId: `${business.id}:${randomUUID()}`,
    reference: `${label} check 1001`,
    note: `${label} paid by the tenant`,
    recordedById: user.id,
  });
  // A refund the owner asked Stripe for, still waiting for Stripe's word.
  const cardPayment = await prisma.payment.findFirstOrThrow({ where: { businessId: business.id, providerPaymentId: cardPaymentId } });
  await prisma.refund.create({
    data: {
      businessId: business.id,
      paymentId: cardPayment.id,
      amountCents: 1_000,
      currency: "USD",
      reason: `${label} refund for a missed visit`,
      idempotencyKey: randomUUID(),
      requestedById: user.id,
    },
  });
  // A second invoice with its own line, still open.
  const second = await createInvoice(
    business.id,
    await documentInput({ customerId: customers[1].id, lines: [{ description: `${label} water heater`, quantity: "2", unitPrice: "99.50" }] }),
  );
  await sendInvoice(business.id, second.id);

  const estimate = await createEstimate(
    business.id,
    await documentInput(
      { customerId: customer.id, notes: `${label} estimate note`, lines: [{ description: `${label} estimate line`, quantity: "3", unitPrice: "10.00" }] },
      "USD",
      "estimate",
    ),
  );
  await sendEstimate(business.id, estimate.id);

  const schedule = await prisma.recurringSchedule.create({
    data: {
      businessId: business.id,
      customerId: customer.id,
      templateInvoiceId: invoice.id,
      frequency: "MONTHLY",
      startOn: new Date(),
      nextRunOn: new Date(Date.now() + 30 * 86_400_000),
    },
  });
  const expense = await prisma.expense.create({
    data: {
      businessId: business.id,
      vendor: `${label} Hardware`,
      amountCents: 1_234,
      currency: "USD",
      spentOn: new Date(),
      category: "MATERIALS",
      notes: `${label} copper pipe`,
      customerId: customer.id,
      invoiceId: invoice.id,
    },
  });
  const receiptBytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]);
  const receipt = await prisma.expenseReceipt.create({
    data: { businessId: business.id, expenseId: expense.id, bytes: new Uint8Array(receiptBytes), mimeType: "image/jpeg", byteSize: receiptBytes.length },
  });
  // Job photos on the invoice and the estimate (bytes as stored: already a JPEG after processing).
  const photoBytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]);
  const jobPhoto = await prisma.jobPhoto.create({
    data: {
      businessId: business.id,
      invoiceId: invoice.id,
      bytes: new Uint8Array(photoBytes),
      mimeType: "image/jpeg",
      byteSize: photoBytes.length,
      width: 40,
      height: 30,
    },
  });
  await prisma.jobPhoto.create({
    data: {
      businessId: business.id,
      estimateId: estimate.id,
      bytes: new Uint8Array(photoBytes),
      mimeType: "image/jpeg",
      byteSize: photoBytes.length,
      width: 40,
      height: 30,
    },
  });
  await prisma.propertyDetails.create({
    data: {
      customerId: customer.id,
      businessId: business.id,
      address: `${label} 1 Elm Street`,
      found: true,
      squareFeet: 1_500,
      bedrooms: 3,
      fetchedAt: new Date(),
    },
  });
  await prisma.savedItem.create({
    data: { businessId: business.id, name: `${label} drain clearing`, description: `${label} main line`, unitPriceCents: 8_950 },
  });
  await prisma.propertyLookupUsage.create({ data: { businessId: business.id, month: new Date("2026-11-01T00:00:00Z"), count: 3 } });

  const browser = await signedInBrowser(server, user);
  const family = await prisma.refreshTokenFamily.create({
    data: {
      id: randomUUID(),
      userId: user.id,
      businessId: business.id,
      ip: "203.0.113.5",
      userAgent: `${label}App/1.0`,
      tokens: { create: { tokenHash: createHash("sha256").update(randomBytes(16)).digest("hex"), expiresAt: new Date(Date.now() + 7 * 86_400_000) } },
    },
  });
  await prisma.passwordResetToken.create({
    data: { userId: user.id, tokenHash: createHash("sha256").update(randomBytes(16)).digest("hex"), expiresAt: new Date(Date.now() + 3_600_000) },
  });

  return {
    label,
    user,
    email,
    password,
    business: { ...business, name: `${label} Plumbing ${hex}` },
    customers,
    customer,
    invoice,
    second,
    estimate,
    schedule,
    expense,
    receipt,
    receiptBytes,
    jobPhoto,
    photoBytes,
    family,
    cardPaymentId,
    browser,
  };
}

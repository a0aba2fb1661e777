// The business profile and its settings: numbering, currency, time zone, default tax, payment terms,
// review link and logo. Every function takes the session's businessId; nothing here reads a business id
// from a form.
import { prisma } from "~/utils/db.server";
import { type BusinessProfileField, type BusinessProfileInput, type LogoMimeType, logoRejection, sniffLogoType } from "./business-form";
import { DomainError, notFound, assertUnchanged } from "./errors.server";

const PROFILE_SELECT = {
  id: true,
  name: true,
  email: true,
  phone: true,
  website: true,
  addressLine1: true,
  addressLine2: true,
  city: true,
  region: true,
  postalCode: true,
  country: true,
  currency: true,
  timeZone: true,
  defaultTaxRate: true,
  invoicePrefix: true,
  nextInvoiceNumber: true,
  estimatePrefix: true,
  nextEstimateNumber: true,
  paymentTermsDays: true,
  reviewUrl: true,
  reviewRequestsEnabled: true,
  reviewRequestPeriodDays: true,
  remindersEnabled: true,
  reminderDays: true,
  logoMimeType: true,
  logoUpdatedAt: true,
  accentColor: true,
  updatedAt: true,
} as const;

async function hasDocuments(businessId: string, db: Pick<typeof prisma, "invoice" | "estimate"> = prisma) {
  const [invoice, estimate] = await Promise.all([
    db.invoice.findFirst({ where: { businessId }, select: { id: true } }),
    db.estimate.findFirst({ where: { businessId }, select: { id: true } }),
  ]);
  return Boolean(invoice || estimate);
}

/** The profile without the logo bytes, plus whether the currency can still change. */
export async function getBusinessProfile(businessId: string) {
  const business = await prisma.business.findUnique({ where: { id: businessId }, select: PROFILE_SELECT });
  if (!business) notFound();
  const currencyLocked = await hasDocuments(businessId);
  return { ...business, hasLogo: Boolean(business.logoMimeType && business.logoUpdatedAt), currencyLocked };
}

/** What new documents and lists start from: currency, time zone, default tax and terms, numbering prefixes. */
export async function businessDefaults(businessId: string) {
  return prisma.business.findUniqueOrThrow({
    where: { id: businessId },
    select: { currency: true, timeZone: true, defaultTaxRate: true, paymentTermsDays: true, invoicePrefix: true, estimatePrefix: true, name: true },
  });
}

type UpdateProfileResult = { ok: true } | { ok: false; fieldErrors: Partial<Record<BusinessProfileField, string[]>> };

/**
 * The next number after an edit. Numbers only go up: a number below the current one may already be on a
 * document, and numbers are never reused. A field left as it was rendered while documents were created
 * meanwhile keeps the (higher) current value instead of failing.
 */
function nextNumber(submitted: number, rendered: number | undefined, current: number, kind: "invoice" | "estimate") {
  if (submitted >= current) return { value: submitted };
  if (rendered !== undefined && submitted === rendered) return { value: current };
  return {
    error: `Numbers are never reused: the next ${kind} number must be ${current.toLocaleString("en-US")} or higher`,
  };
}

/**
 * Saves the profile in one transaction, holding the business row lock (the same lock that numbering takes),
 * so a document created at the same moment cannot slip between the checks and the write.
 * Returns field errors for the rules that depend on the stored data; nothing is written then.
 */
export async function updateBusinessProfile(
  businessId: string,
  input: BusinessProfileInput,
  options: { expectedUpdatedAt?: Date } = {},
): Promise<UpdateProfileResult> {
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ currency: string; nextInvoiceNumber: number; nextEstimateNumber: number; updatedAt: Date }[]>`
      SELECT currency, "nextInvoiceNumber", "nextEstimateNumber", "updatedAt" FROM "Business" WHERE id = ${businessId} FOR UPDATE`;
    const current = rows[0];
    if (!current) notFound();
    assertUnchanged(current, options.expectedUpdatedAt);

    const fieldErrors: Partial<Record<BusinessProfileField, string[]>> = {};
    if (input.currency !== current.currency && (await hasDocuments(businessId, tx))) {
      fieldErrors.currency = [`The currency cannot change once you have invoices or estimates: their amounts are stored in ${current.currency}`];
    }
    const invoiceNumber = nextNumber(input.nextInvoiceNumber, input.nextInvoiceNumberWas, current.nextInvoiceNumber, "invoice");
    if (invoiceNumber.error) fieldErrors.nextInvoiceNumber = [invoiceNumber.error];
    const estimateNumber = nextNumber(input.nextEstimateNumber, input.nextEstimateNumberWas, current.nextEstimateNumber, "estimate");
    if (estimateNumber.error) fieldErrors.nextEstimateNumber = [estimateNumber.error];
    if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };

    await tx.business.update({
      where: { id: businessId },
      data: {
        name: input.name,
        email: input.email,
        phone: input.phone,
        website: input.website,
        addressLine1: input.addressLine1,
        addressLine2: input.addressLine2,
        city: input.city,
        region: input.region,
        postalCode: input.postalCode,
        country: input.country,
        currency: input.currency,
        timeZone: input.timeZone,
        defaultTaxRate: input.defaultTaxRate,
        invoicePrefix: input.invoicePrefix,
        nextInvoiceNumber: invoiceNumber.value,
        estimatePrefix: input.estimatePrefix,
        nextEstimateNumber: estimateNumber.value,
        paymentTermsDays: input.paymentTermsDays,
        reviewUrl: input.reviewUrl,
        reviewRequestsEnabled: input.reviewRequestsEnabled,
        reviewRequestPeriodDays: input.reviewRequestPeriodDays,
        accentColor: input.accentColor,
        // Absent from the web business page (Settings → Reminders sets them); the API sends them.
        ...(input.remindersEnabled === undefined ? {} : { remindersEnabled: input.remindersEnabled }),
        ...(input.reminderDays === undefined ? {} : { reminderDays: input.reminderDays }),
      },
    });
    return { ok: true };
  });
}

/** Replaces the logo. The bytes must be an accepted image whose sniffed type is `mime`. */
export async function setLogo(businessId: string, bytes: Uint8Array<ArrayBuffer>, mime: LogoMimeType) {
  const rejection = logoRejection(bytes);
  if (rejection) throw new DomainError(rejection, "logo");
  if (sniffLogoType(bytes) !== mime) throw new DomainError("That file is not the image type it claims to be", "logo");
  const { count } = await prisma.business.updateMany({
    where: { id: businessId },
    data: { logo: bytes, logoMimeType: mime, logoUpdatedAt: new Date() },
  });
  if (!count) notFound();
}

export async function removeLogo(businessId: string) {
  await prisma.business.updateMany({
    where: { id: businessId },
    data: { logo: null, logoMimeType: null, logoUpdatedAt: null },
  });
}

/** The stored logo, or null when the business has none. */
export async function getLogo(businessId: string) {
  const business = await prisma.business.findUnique({
    where: { id: businessId },
    select: { logo: true, logoMimeType: true, logoUpdatedAt: true },
  });
  if (!business?.logo || !business.logoMimeType || !business.logoUpdatedAt) return null;
  return { bytes: business.logo, mimeType: business.logoMimeType, updatedAt: business.logoUpdatedAt };
}

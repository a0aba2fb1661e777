// A business's branding as its customers see it: the accent colour and where its logo is served. Read on
// its own (not through the pay or estimate link's query) so those shared queries stay as they are; it is
// one indexed primary-key read of three small columns.
import { prisma } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { accentStylesheetPath, logoPath, normalizeAccentColor, textOnAccent } from "./branding";

export type Brand = {
  /** Lower-case #rrggbb, or null for Invoice Link's own look. */
  accent: string | null;
  /** Black or white: the text colour on the accent. */
  accentInk: string | null;
  /** The accent's stylesheet (site-relative), or null. */
  stylesheet: string | null;
  /** The logo's URL (site-relative, versioned), or null when there is none. */
  logo: string | null;
};

const NO_BRAND: Brand = { accent: null, accentInk: null, stylesheet: null, logo: null };

/** The business's columns a brand is made of (the pay page's fingerprint covers the same ones). */
export const brandSelect = { id: true, accentColor: true, logoMimeType: true, logoUpdatedAt: true } as const;

function brandOf(business: { id: string; accentColor: string | null; logoMimeType: string | null; logoUpdatedAt: Date | null }): Brand {
  const accent = normalizeAccentColor(business.accentColor);
  return {
    accent,
    accentInk: accent ? textOnAccent(accent) : null,
    stylesheet: accent ? accentStylesheetPath(accent) : null,
    logo: business.logoMimeType && business.logoUpdatedAt ? logoPath(business.id, business.logoUpdatedAt) : null,
  };
}

export async function loadBrand(businessId: string): Promise<Brand> {
  const business = await prisma.business.findUnique({
    where: { id: businessId },
    select: brandSelect,
  });
  return business ? brandOf(business) : NO_BRAND;
}

/**
 * The brands of some businesses, with absolute logo URLs for emails (mail clients fetch them from
 * outside). One query for a whole batch of reminders. `db` is the caller's transaction when it has one.
 */
export async function loadEmailBrands(businessIds: string[], db: Pick<typeof prisma, "business"> = prisma): Promise<Map<string, Brand>> {
  const rows = await db.business.findMany({
    where: { id: { in: [...new Set(businessIds)] } },
    select: brandSelect,
  });
  return new Map(rows.map((business) => [business.id, emailBrand(business)]));
}

/** A business's brand for emails (the logo's URL absolute), from its columns read by the caller. */
export function emailBrand(business: { id: string; accentColor: string | null; logoMimeType: string | null; logoUpdatedAt: Date | null }): Brand {
  const brand = brandOf(business);
  return { ...brand, logo: brand.logo ? `${env().APP_URL}${brand.logo}` : null };
}

export async function loadEmailBrand(businessId: string, db: Pick<typeof prisma, "business"> = prisma): Promise<Brand> {
  return (await loadEmailBrands([businessId], db)).get(businessId) ?? NO_BRAND;
}

/** The public logo for customer pages and emails: the image only, and nothing for a closed account. */
export async function getPublicLogo(businessId: string) {
  const business = await prisma.business.findUnique({
    where: { id: businessId },
    select: { logo: true, logoMimeType: true, logoUpdatedAt: true, closedAt: true },
  });
  if (!business?.logo || !business.logoMimeType || !business.logoUpdatedAt || business.closedAt) return null;
  return { bytes: business.logo, mimeType: business.logoMimeType, updatedAt: business.logoUpdatedAt };
}

// The business settings page's loader data (route.tsx), in a server module: the browser build of the page
// then keeps none of what only the loader uses (the currency list, money helpers; issue 17).
import { COMMON_CURRENCIES, percentToInput } from "~/utils/money";
import { accentStylesheetPath } from "~/models/branding";
import { getBusinessProfile } from "~/models/business.server";
import { googleMapsConfigured } from "~/utils/google-maps.server";
import { BUSINESS_DETAILS_CONSTRAINT } from "../__forms.server";

function currencyLabel(code: string) {
  try {
    const name = new Intl.DisplayNames(["en"], { type: "currency" }).of(code);
    return name && name !== code ? `${code} (${name})` : code;
  } catch {
    return code;
  }
}

/** What the page shows: the profile as the form's defaults, the currencies it may pick, the logo's version. */
export async function businessSettingsPage(businessId: string) {
  const profile = await getBusinessProfile(businessId);
  const codes = profile.currencyLocked ? [profile.currency] : [...new Set([profile.currency, ...COMMON_CURRENCIES])];
  return {
    constraint: BUSINESS_DETAILS_CONSTRAINT,
    currencyLocked: profile.currencyLocked,
    addressAutocomplete: googleMapsConfigured(),
    currencies: codes.map((code) => ({ code, label: currencyLabel(code) })),
    logoVersion: profile.hasLogo && profile.logoUpdatedAt ? profile.logoUpdatedAt.getTime() : null,
    nextInvoiceNumber: profile.nextInvoiceNumber,
    nextEstimateNumber: profile.nextEstimateNumber,
    businessName: profile.name,
    brand: { accent: profile.accentColor, stylesheet: profile.accentColor ? accentStylesheetPath(profile.accentColor) : null, logo: null },
    defaultValue: {
      name: profile.name,
      email: profile.email ?? "",
      phone: profile.phone ?? "",
      website: profile.website ?? "",
      addressLine1: profile.addressLine1 ?? "",
      addressLine2: profile.addressLine2 ?? "",
      city: profile.city ?? "",
      region: profile.region ?? "",
      postalCode: profile.postalCode ?? "",
      country: profile.country ?? "",
      currency: profile.currency,
      timeZone: profile.timeZone,
      defaultTaxRate: percentToInput(profile.defaultTaxRate),
      invoicePrefix: profile.invoicePrefix,
      nextInvoiceNumber: String(profile.nextInvoiceNumber),
      nextInvoiceNumberWas: String(profile.nextInvoiceNumber),
      estimatePrefix: profile.estimatePrefix,
      nextEstimateNumber: String(profile.nextEstimateNumber),
      nextEstimateNumberWas: String(profile.nextEstimateNumber),
      paymentTermsDays: String(profile.paymentTermsDays),
      reviewUrl: profile.reviewUrl ?? "",
      reviewRequestsEnabled: profile.reviewRequestsEnabled,
      reviewRequestPeriodDays: String(profile.reviewRequestPeriodDays),
      accentColor: profile.accentColor ?? "",
    },
  };
}

// The pure parts of Stripe Connect (docs/decisions/011-connected-accounts.md), importable by unit tests and
// the settings page: what Stripe's requirement keys mean in plain words, and the platform fee in cents.

/**
 * The platform fee on a payment of `amountCents`, from a rate in basis points (100 = 1%). Integer cents
 * only: rounded DOWN to the cent, so the contractor is never charged a fraction of a cent more than the
 * rate, and a payment too small to carry a whole cent of fee carries none.
 */
export function applicationFeeCents(amountCents: number, bps: number): number {
  if (!Number.isSafeInteger(amountCents) || amountCents < 0) throw new RangeError("amountCents must be a non-negative integer");
  if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) throw new RangeError("bps must be an integer from 0 to 10000");
  // amountCents * bps stays far below 2^53 for any invoice this app accepts; BigInt keeps it exact anyway.
  return Number((BigInt(amountCents) * BigInt(bps)) / 10_000n);
}

/** "2.9%" for 290 basis points, "0%" for none. */
export function formatBps(bps: number): string {
  const whole = Math.floor(bps / 100);
  const rest = bps % 100;
  return rest === 0 ? `${whole}%` : `${whole}.${String(rest).padStart(2, "0").replace(/0$/, "")}%`;
}

// The requirement keys Stripe lists in `requirements.currently_due` most often for a small US or European
// business. Prefixes match families ("person_xyz.verification.document" → a person's identity document).
const EXACT: Record<string, string> = {
  business_type: "What kind of business you are (individual, company, non-profit)",
  "business_profile.url": "Your business website or a description of what you sell",
  "business_profile.product_description": "A description of what you sell",
  "business_profile.mcc": "Your industry",
  "business_profile.support_phone": "A customer support phone number",
  "business_profile.name": "Your business name as customers see it",
  external_account: "The bank account payouts go to",
  "tos_acceptance.date": "Accepting Stripe's terms of service",
  "tos_acceptance.ip": "Accepting Stripe's terms of service",
  "company.name": "Your company's legal name",
  "company.tax_id": "Your company's tax ID (EIN)",
  "company.phone": "Your company's phone number",
  "company.address.line1": "Your company's address",
  "company.address.city": "Your company's address",
  "company.address.postal_code": "Your company's address",
  "company.address.state": "Your company's address",
  "company.owners_provided": "Who owns the company",
  "company.directors_provided": "Who directs the company",
  "company.executives_provided": "The company's executives",
  "company.verification.document": "A document proving the company exists",
  "individual.first_name": "Your legal name",
  "individual.last_name": "Your legal name",
  "individual.dob.day": "Your date of birth",
  "individual.dob.month": "Your date of birth",
  "individual.dob.year": "Your date of birth",
  "individual.email": "Your email address",
  "individual.phone": "Your phone number",
  "individual.address.line1": "Your home address",
  "individual.address.city": "Your home address",
  "individual.address.postal_code": "Your home address",
  "individual.address.state": "Your home address",
  "individual.ssn_last_4": "The last four digits of your Social Security number",
  "individual.id_number": "Your full Social Security number or national ID number",
  "individual.verification.document": "A photo of your ID (driver's license or passport)",
  "individual.verification.additional_document": "A second document proving your address",
  "representative.first_name": "The company representative's legal name",
  "representative.last_name": "The company representative's legal name",
  "representative.dob.day": "The company representative's date of birth",
  "representative.ssn_last_4": "The last four digits of the representative's Social Security number",
  "representative.verification.document": "A photo of the representative's ID",
};

const PREFIXES: Array<[RegExp, string]> = [
  [/^person_[^.]+\.verification\.(additional_)?document$/, "A photo of an owner's or director's ID"],
  [/^person_[^.]+\.(first_name|last_name)$/, "An owner's or director's legal name"],
  [/^person_[^.]+\.dob\./, "An owner's or director's date of birth"],
  [/^person_[^.]+\.address\./, "An owner's or director's home address"],
  [/^person_[^.]+\.(ssn_last_4|id_number)$/, "An owner's or director's Social Security or ID number"],
  [/^person_[^.]+\./, "Details about an owner or director"],
  [/^(company|individual|representative)\.address\./, "An address"],
  [/^(company|individual|representative)\.dob\./, "A date of birth"],
  [/^settings\./, "Account settings (statement descriptor and similar)"],
  [/^business_profile\./, "Details about your business"],
];

/** A requirement key in plain words; an unknown key becomes readable words instead of dots and underscores. */
export function requirementLabel(key: string): string {
  const exact = EXACT[key];
  if (exact) return exact;
  for (const [pattern, label] of PREFIXES) if (pattern.test(key)) return label;
  const words = key
    .replace(/^person_[^.]+\./, "person ")
    .replace(/[._]+/g, " ")
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The distinct plain-words list for `requirements.currently_due`, in Stripe's order. */
export function requirementLabels(keys: readonly string[]): string[] {
  return [...new Set(keys.map(requirementLabel))];
}

/** What Settings → Payments shows about Stripe (built by stripe-connect.server.ts). */
type StripeAccountView = {
  id: string;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  requirementsDue: string[];
  bankLast4: string | null;
  syncedAt: string | null;
  /** True when this came from Stripe just now; false when Stripe failed and this is the cached copy. */
  live: boolean;
  /** What Stripe answered when it failed, in plain words. */
  problem: string | null;
};

export type StripeSettings = {
  mode: "off" | "single" | "connect";
  feeBps: number;
  feeText: string;
  dashboardUrl: string;
  account: StripeAccountView | null;
};

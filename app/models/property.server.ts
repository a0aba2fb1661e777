// Property facts for a customer's address from Rentcast, on the contractor's click only.
// - Cap: PROPERTY_LOOKUPS_PER_MONTH per business per calendar month in the business's time zone. A slot is
//   taken by one conditional upsert on PropertyLookupUsage (… WHERE count < cap RETURNING), so concurrent
//   clicks on any number of instances can never take more; the row lock of the upsert serialises them.
// - The cap counts calls Rentcast may have billed. A failure where the call surely was not made or billed
//   (connection refused, refused key, Rentcast's 429) gives the slot back; a timeout, a 5xx or a malformed
//   answer keeps it, since Rentcast may have done the work. "No record for this address" (Rentcast's 404)
//   is an answer and keeps it.
// - Cache: a lookup of the same address within PROPERTY_CACHE_DAYS is answered from PropertyDetails
//   without spending anything.
// - One lookup per customer at a time: a short lease (a row in the rate-limit table, released when the
//   lookup ends, lapsing after LOOKUP_LEASE_MS if a process dies) makes a double click wait for the first
//   answer instead of spending a second slot on the same address.
import { prisma } from "~/utils/db.server";
import { dateTimeFormat } from "~/utils/intl";
import { hitRateLimit } from "~/utils/rate-limit.server";
import { ProviderError, providerOff, type ProviderFailure } from "~/utils/provider-fetch.server";
import { fetchPropertyFacts, rentcastConfigured } from "~/utils/rentcast.server";
import { todayIn } from "~/utils/dates";
import { getCustomer } from "./customer.server";
import { DomainError } from "./errors.server";

const PROPERTY_LOOKUPS_PER_MONTH = 40;
const PROPERTY_CACHE_DAYS = 30;
const DAY_MS = 86_400_000;

/** Failures where Rentcast surely did not do (or bill) the lookup: the slot is given back. */
const NOT_BILLED = new Set<ProviderFailure>(["unreachable", "rejected", "busy"]);

/** Longer than any provider timeout, so a lease only lapses when its process died. */
const LOOKUP_LEASE_MS = 60_000;

/** Thrown while another lookup for the same customer is running; routes answer 409 with the message. */
export class LookupInProgressError extends Error {
  constructor() {
    super("A lookup for this customer is already running. Reload the page in a moment to see it.");
    this.name = "LookupInProgressError";
  }
}

/** Thrown when the month's lookups are spent; routes answer 429 with the message. */
export class LookupCapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LookupCapError";
  }
}

/** The first day of the business's current month, and a label for it. */
async function currentMonth(businessId: string, now: Date) {
  const business = await prisma.business.findUniqueOrThrow({ where: { id: businessId }, select: { timeZone: true } });
  const today = todayIn(business.timeZone, now);
  const month = `${today.slice(0, 7)}-01`;
  const [year, m] = today.split("-").map(Number);
  const next = new Date(Date.UTC(year, m, 1));
  return {
    month,
    label: dateTimeFormat("en-US", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${month}T00:00:00Z`)),
    resetsOn: dateTimeFormat("en-US", { month: "long", day: "numeric", timeZone: "UTC" }).format(next),
  };
}

/** Lookups left this month. */
async function propertyLookupsLeft(businessId: string, now = new Date()) {
  const { month, label, resetsOn } = await currentMonth(businessId, now);
  const usage = await prisma.propertyLookupUsage.findUnique({
    where: { businessId_month: { businessId, month: new Date(`${month}T00:00:00Z`) } },
    select: { count: true },
  });
  return { left: Math.max(0, PROPERTY_LOOKUPS_PER_MONTH - (usage?.count ?? 0)), limit: PROPERTY_LOOKUPS_PER_MONTH, monthLabel: label, resetsOn };
}

/** Takes one slot of the month; false when the cap is reached. Atomic under any concurrency. */
async function takeSlot(businessId: string, month: string): Promise<boolean> {
  const rows = await prisma.$queryRaw<{ count: number }[]>`
    INSERT INTO "PropertyLookupUsage" ("businessId", "month", "count", "updatedAt")
    VALUES (${businessId}, ${month}::date, 1, now())
    ON CONFLICT ("businessId", "month") DO UPDATE
      SET "count" = "PropertyLookupUsage"."count" + 1, "updatedAt" = now()
      WHERE "PropertyLookupUsage"."count" < ${PROPERTY_LOOKUPS_PER_MONTH}
    RETURNING "count"`;
  return rows.length === 1;
}

async function giveBackSlot(businessId: string, month: string) {
  await prisma.$executeRaw`
    UPDATE "PropertyLookupUsage" SET "count" = "count" - 1, "updatedAt" = now()
    WHERE "businessId" = ${businessId} AND "month" = ${month}::date AND "count" > 0`;
}

/** The one-line address Rentcast wants ("Street, City, State, Zip"), or null when it is incomplete. */
function lookupAddress(customer: {
  addressLine1: string | null;
  addressLine2?: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
}) {
  const street = customer.addressLine1?.trim();
  const city = customer.city?.trim();
  const region = customer.region?.trim();
  const postal = customer.postalCode?.trim();
  if (!street || !(postal || (city && region))) return null;
  const line = [street, customer.addressLine2?.trim()].filter(Boolean).join(" ");
  return [line, city, region, postal].filter(Boolean).join(", ");
}

async function getPropertyDetails(businessId: string, customerId: string) {
  return prisma.propertyDetails.findFirst({ where: { customerId, businessId } });
}

function isFresh(details: { address: string; fetchedAt: Date }, address: string | null, now = new Date()) {
  return details.address === address && now.getTime() - details.fetchedAt.getTime() < PROPERTY_CACHE_DAYS * DAY_MS;
}

type LookupResult = { source: "cache" | "rentcast"; found: boolean };

/**
 * Looks up the customer's property: from the cache when fresh, else from Rentcast within the monthly cap.
 * Throws a 404 for another business's customer, DomainError without a usable address, LookupCapError when
 * the month's lookups are spent, ProviderError (slot given back) when Rentcast fails.
 */
export async function lookUpProperty(businessId: string, customerId: string, now = new Date()): Promise<LookupResult> {
  const customer = await getCustomer(businessId, customerId);
  if (!rentcastConfigured()) throw providerOff("rentcast");
  const address = lookupAddress(customer);
  if (!address) throw new DomainError("Add the street address and the postal code (or city and state) to look up the property.");
  const cached = await getPropertyDetails(businessId, customer.id);
  if (cached && isFresh(cached, address, now)) return { source: "cache", found: cached.found };

  const lease = `property-lookup:${customer.id}`;
  if (!(await hitRateLimit(lease, { limit: 1, windowMs: LOOKUP_LEASE_MS })).ok) throw new LookupInProgressError();
  try {
    // The lookup that held the lease just before may have answered this very address.
    const answered = await getPropertyDetails(businessId, customer.id);
    if (answered && isFresh(answered, address, now)) return { source: "cache", found: answered.found };
    return await lookUpAndStore(businessId, customer.id, address, now);
  } finally {
    await prisma.rateLimitHit.deleteMany({ where: { key: lease } });
  }
}

async function lookUpAndStore(businessId: string, customerId: string, address: string, now: Date): Promise<LookupResult> {
  const { month, label, resetsOn } = await currentMonth(businessId, now);
  if (!(await takeSlot(businessId, month))) {
    throw new LookupCapError(`All ${PROPERTY_LOOKUPS_PER_MONTH} property lookups for ${label} are used. More become available on ${resetsOn}.`);
  }
  let facts;
  try {
    facts = await fetchPropertyFacts(address);
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    if (NOT_BILLED.has(error.reason)) {
      await giveBackSlot(businessId, month);
      throw error;
    }
    // A timeout or a server error may still have reached Rentcast and been billed: the slot stays spent,
    // so however slow or broken Rentcast is, this business never makes more than the monthly cap of calls.
    throw new ProviderError(
      error.provider,
      error.reason,
      `${error.message} It counted as one of this month's ${PROPERTY_LOOKUPS_PER_MONTH} lookups.`,
      error.status,
    );
  }
  const data = {
    businessId,
    address,
    found: facts !== null,
    propertyType: facts?.propertyType ?? null,
    squareFeet: facts?.squareFeet ?? null,
    lotSquareFeet: facts?.lotSquareFeet ?? null,
    bedrooms: facts?.bedrooms ?? null,
    bathrooms: facts?.bathrooms ?? null,
    yearBuilt: facts?.yearBuilt ?? null,
    fetchedAt: now,
  };
  await prisma.propertyDetails.upsert({ where: { customerId }, create: { customerId, ...data }, update: data });
  return { source: "rentcast", found: facts !== null };
}

/** What the customer page shows about the property: cached facts, lookups left, whether a lookup can run. */
export async function propertyPanel(
  businessId: string,
  customer: { id: string; addressLine1: string | null; addressLine2: string | null; city: string | null; region: string | null; postalCode: string | null },
  now = new Date(),
) {
  const address = lookupAddress(customer);
  const [details, lookups] = await Promise.all([getPropertyDetails(businessId, customer.id), propertyLookupsLeft(businessId, now)]);
  return {
    addressReady: address !== null,
    lookups,
    details: details
      ? {
          found: details.found,
          propertyType: details.propertyType,
          squareFeet: details.squareFeet,
          lotSquareFeet: details.lotSquareFeet,
          bedrooms: details.bedrooms,
          bathrooms: details.bathrooms,
          yearBuilt: details.yearBuilt,
          fetchedOn: details.fetchedAt.toISOString().slice(0, 10),
          fresh: isFresh(details, address, now),
          forAnotherAddress: details.address !== address,
        }
      : null,
  };
}

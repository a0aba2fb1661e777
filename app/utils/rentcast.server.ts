// Rentcast property records (GET /v1/properties?address=…, header X-Api-Key). Only the customer's
// address is sent. Spending, the monthly cap and caching are app/models/property.server.ts's job.
import { z } from "zod";
import { env } from "./env.server";
import { providerFetch, providerJson, providerOff } from "./provider-fetch.server";

const RENTCAST_API = "https://api.rentcast.io";

export function rentcastConfigured() {
  return Boolean(env().RENTCAST_API_KEY);
}

export type PropertyFacts = {
  propertyType: string | null;
  squareFeet: number | null;
  lotSquareFeet: number | null;
  bedrooms: number | null;
  bathrooms: number | null;
  yearBuilt: number | null;
};

// Fields the app uses; Rentcast sends many more (owner, taxes, sale history), which are ignored and never stored.
const int = (min: number, max: number) =>
  z
    .number()
    .nullish()
    .transform((v) => (typeof v === "number" && Number.isFinite(v) && v >= min && v <= max ? Math.round(v) : null));

const PropertySchema = z.object({
  propertyType: z
    .string()
    .nullish()
    .transform((v) => (v ? v.slice(0, 60) : null)),
  squareFootage: int(1, 1_000_000),
  lotSize: int(1, 100_000_000),
  bedrooms: int(0, 100),
  bathrooms: z
    .number()
    .nullish()
    .transform((v) => (typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 100 ? Math.round(v * 10) / 10 : null)),
  yearBuilt: int(1600, 2200),
});

/** The property record of an address, or null when Rentcast has none (its 404 "no results"). */
export async function fetchPropertyFacts(address: string): Promise<PropertyFacts | null> {
  const { RENTCAST_API_KEY: key, RENTCAST_API_URL: override } = env();
  if (!key) throw providerOff("rentcast");
  const base = (override ?? RENTCAST_API).replace(/\/$/, "");
  const response = await providerFetch({
    provider: "rentcast",
    operation: "properties",
    url: `${base}/v1/properties?${new URLSearchParams({ address, limit: "1" })}`,
    headers: { "X-Api-Key": key },
    answerStatuses: [404],
  });
  if (response.status === 404) return null;
  const records = providerJson("rentcast", "properties", response, z.array(PropertySchema).max(500));
  const record = records[0];
  if (!record) return null;
  return {
    propertyType: record.propertyType,
    squareFeet: record.squareFootage,
    lotSquareFeet: record.lotSize,
    bedrooms: record.bedrooms,
    bathrooms: record.bathrooms,
    yearBuilt: record.yearBuilt,
  };
}

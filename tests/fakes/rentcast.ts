// A test-only fake of Rentcast's property records endpoint, GET /v1/properties?address=… with the
// X-Api-Key header, in its wire format: 200 with an array of property records (far more fields than the app
// keeps), 404 "no results" for an address it has no record of (any address containing "Nowhere"), and
// Rentcast's JSON error bodies for 400/401/429/5xx.
import { createHash } from "node:crypto";
import { type FakeReply, json, type ProviderFake, startProviderFake } from "./provider-fake";

const ERRORS: Record<number, [string, string]> = {
  400: ["request/invalid-parameters", "The request parameters are invalid."],
  401: ["auth/api-key-invalid", "No API key was provided or the API key is invalid."],
  404: ["resource/not-found", "No data found for the specified address."],
  429: ["rate-limit/exceeded", "Rate limit exceeded: maximum 20 requests per second."],
  500: ["server/internal-error", "An internal server error occurred."],
  504: ["server/timeout", "The request timed out."],
};

const rentcastError = (status: number): FakeReply => {
  const [error, message] = ERRORS[status] ?? ["server/error", `Fake Rentcast error ${status}.`];
  return json(status, { status, error, message });
};

/** A record generated from the address, so every address has stable, plausible facts. */
export function fakePropertyRecord(address: string) {
  const h = createHash("sha256").update(address).digest();
  const [line1 = "", city = "", state = "", zip = ""] = address.split(",").map((p) => p.trim());
  return {
    id: `${line1}, ${city}, ${state} ${zip}`.replace(/\s+/g, "-"),
    formattedAddress: address,
    addressLine1: line1,
    addressLine2: null,
    city,
    state,
    zipCode: zip,
    county: "Fake County",
    latitude: 30 + h[0] / 255,
    longitude: -98 - h[1] / 255,
    propertyType: "Single Family",
    bedrooms: 2 + (h[2] % 4),
    bathrooms: 1 + (h[3] % 3) + (h[4] % 2 ? 0.5 : 0),
    squareFootage: 900 + h[5] * 10,
    lotSize: 4000 + h[6] * 40,
    yearBuilt: 1950 + (h[7] % 70),
    assessorID: "05076-103-0500",
    legalDescription: "CB 5076A BLK 3 LOT 50",
    subdivision: "CONV A/S CODE",
    zoning: "RH",
    lastSaleDate: "2017-10-19T00:00:00.000Z",
    lastSalePrice: 185000,
    hoa: { fee: 175 },
    features: { architectureType: "Contemporary", cooling: true, garage: true },
    taxAssessments: { "2023": { year: 2023, value: 225790, land: 59380, improvements: 166410 } },
    propertyTaxes: { "2023": { year: 2023, total: 4201 } },
    owner: { names: ["Private Owner"], type: "Individual" },
    ownerOccupied: true,
  };
}

export type FakeRentcast = ProviderFake & {
  /** Addresses asked for, in order. */
  addresses(): string[];
};

export async function startFakeRentcast(options: { apiKey: string; port?: number }): Promise<FakeRentcast> {
  const fake = await startProviderFake({
    port: options.port,
    errorBody: rentcastError,
    route: (call) => {
      if (call.method !== "GET") return json(405, { status: 405, error: "request/method-not-allowed", message: "Only GET is supported." });
      if (call.path !== "/v1/properties") return rentcastError(404);
      if (call.headers["x-api-key"] !== options.apiKey) return rentcastError(401);
      const address = call.query.get("address");
      if (!address) return rentcastError(400);
      if (/nowhere/i.test(address)) return rentcastError(404);
      return json(200, [fakePropertyRecord(address)]);
    },
  });
  return { ...fake, addresses: () => fake.calls.map((c) => c.query.get("address") ?? "") };
}

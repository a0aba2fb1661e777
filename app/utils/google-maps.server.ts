// Google Maps Platform, called only from this server with GOOGLE_MAPS_API_KEY: Places API (New)
// autocomplete and place details for address fields, and Street View Static for a customer's street.
// The browser talks to our routes (/address/suggest, /address/place, /customers/:id/street-view) and never
// sees the key. Only what the user typed, the place they picked or the customer's address is sent.
import { z } from "zod";
import { env } from "./env.server";
import { malformed, providerFetch, providerJson, providerOff } from "./provider-fetch.server";

const PLACES_API = "https://places.googleapis.com";
const MAPS_API = "https://maps.googleapis.com";

export function googleMapsConfigured() {
  return Boolean(env().GOOGLE_MAPS_API_KEY);
}

function config() {
  const { GOOGLE_MAPS_API_KEY: key, GOOGLE_MAPS_API_URL: override } = env();
  if (!key) throw providerOff("google");
  // In tests one local fake stands in for both Google hosts.
  const base = override?.replace(/\/$/, "");
  return { key, places: base ?? PLACES_API, maps: base ?? MAPS_API };
}

export const SUGGEST_MIN_LENGTH = 3;
export const SUGGEST_MAX_LENGTH = 200;
/** Google's session tokens tie the keystrokes of one address and the details call into one billed session. */
export const SESSION_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;
export const PLACE_ID = /^[A-Za-z0-9_-]{10,300}$/;

type AddressSuggestion = { placeId: string; mainText: string; secondaryText: string };

const Text = z.object({ text: z.string() });
const AutocompleteSchema = z.object({
  suggestions: z
    .array(
      z.object({
        placePrediction: z
          .object({
            placeId: z.string(),
            text: Text,
            structuredFormat: z.object({ mainText: Text, secondaryText: Text.optional() }).optional(),
          })
          .optional(),
      }),
    )
    .default([]),
});

/** Address predictions for what the user typed so far (at most five). */
export async function suggestAddresses(input: string, sessionToken: string, options: { regionCode?: string | null } = {}): Promise<AddressSuggestion[]> {
  const { key, places } = config();
  const response = await providerFetch({
    provider: "google",
    operation: "places.autocomplete",
    url: `${places}/v1/places:autocomplete`,
    headers: {
      "X-Goog-Api-Key": key,
      "X-Goog-FieldMask": "suggestions.placePrediction.placeId,suggestions.placePrediction.text,suggestions.placePrediction.structuredFormat",
    },
    json: {
      input,
      sessionToken,
      // Addresses only: no businesses or points of interest.
      includedPrimaryTypes: ["street_address", "premise", "subpremise", "route"],
      ...(options.regionCode ? { includedRegionCodes: [options.regionCode.toLowerCase()] } : {}),
      languageCode: "en",
    },
  });
  const body = providerJson("google", "places.autocomplete", response, AutocompleteSchema);
  return body.suggestions
    .flatMap((s) => (s.placePrediction && PLACE_ID.test(s.placePrediction.placeId) ? [s.placePrediction] : []))
    .slice(0, 5)
    .map((p) => ({
      placeId: p.placeId,
      mainText: (p.structuredFormat?.mainText.text ?? p.text.text).slice(0, 200),
      secondaryText: (p.structuredFormat?.secondaryText?.text ?? "").slice(0, 200),
    }));
}

const DetailsSchema = z.object({
  formattedAddress: z.string().optional(),
  addressComponents: z
    .array(z.object({ longText: z.string().default(""), shortText: z.string().default(""), types: z.array(z.string()).default([]) }))
    .default([]),
});

export type PlaceAddress = {
  addressLine1: string;
  addressLine2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
};

// Countries that write the house number after the street name.
const NUMBER_AFTER_STREET = new Set(["DE", "AT", "CH", "NL", "BE", "IT", "ES", "PT", "PL", "CZ", "SK", "DK", "SE", "NO", "FI", "MX", "BR", "AR"]);

/** The picked place as the form's address fields. */
export async function placeAddress(placeId: string, sessionToken: string): Promise<PlaceAddress> {
  const { key, places } = config();
  const response = await providerFetch({
    provider: "google",
    operation: "places.details",
    url: `${places}/v1/places/${encodeURIComponent(placeId)}?sessionToken=${encodeURIComponent(sessionToken)}&languageCode=en`,
    headers: { "X-Goog-Api-Key": key, "X-Goog-FieldMask": "addressComponents,formattedAddress" },
  });
  const body = providerJson("google", "places.details", response, DetailsSchema);
  const part = (type: string, which: "longText" | "shortText" = "longText") =>
    body.addressComponents.find((c) => c.types.includes(type))?.[which]?.trim() ?? "";
  const number = part("street_number");
  const route = part("route");
  const countryCode = part("country", "shortText").toUpperCase();
  const line1 = NUMBER_AFTER_STREET.has(countryCode) ? [route, number] : [number, route];
  const address: PlaceAddress = {
    addressLine1: line1.filter(Boolean).join(" ") || part("premise") || "",
    addressLine2: part("subpremise"),
    city: part("locality") || part("postal_town") || part("sublocality_level_1") || part("administrative_area_level_2"),
    region: part("administrative_area_level_1", "shortText"),
    postalCode: part("postal_code"),
    country: part("country"),
  };
  if (!address.addressLine1 && !address.city && !address.postalCode) throw malformed("google");
  return address;
}

/**
 * The Street View photo of an address (JPEG), or null when Google has no imagery there. Only the address
 * text is sent: no customer name.
 */
export async function streetViewImage(address: string): Promise<{ bytes: Uint8Array<ArrayBuffer>; contentType: string } | null> {
  const { key, maps } = config();
  const params = new URLSearchParams({ size: "640x320", location: address, source: "outdoor", return_error_code: "true", key });
  const response = await providerFetch({
    provider: "google",
    operation: "streetview",
    url: `${maps}/maps/api/streetview?${params}`,
    headers: { Accept: "image/jpeg" },
    // With return_error_code, "no imagery here" is a 404 instead of a grey placeholder image.
    answerStatuses: [404],
    maxBytes: 2_000_000,
  });
  if (response.status === 404) return null;
  const contentType = response.contentType.split(";")[0].trim().toLowerCase();
  const isJpeg = response.body[0] === 0xff && response.body[1] === 0xd8 && response.body[2] === 0xff;
  const isPng = response.body.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  if (!(contentType === "image/jpeg" && isJpeg) && !(contentType === "image/png" && isPng)) throw malformed("google");
  return { bytes: new Uint8Array(response.body), contentType };
}

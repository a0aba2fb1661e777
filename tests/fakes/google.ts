// A test-only fake of the slice of Google Maps Platform the app uses, in Google's wire formats:
// - Places API (New) POST /v1/places:autocomplete (X-Goog-Api-Key, JSON body with input and sessionToken)
// - Places API (New) GET /v1/places/{placeId} (X-Goog-Api-Key, X-Goog-FieldMask required)
// - Street View Static GET /maps/api/streetview?location=…&size=…&key=… (404 with return_error_code=true
//   where there is no imagery; a JPEG otherwise)
// Errors use Google's JSON error envelope ({ error: { code, message, status } }); Street View's are text.
import { type FakeCall, type FakeReply, json, type ProviderFake, startProviderFake } from "./provider-fake";

type FakePlace = {
  placeId: string;
  mainText: string;
  secondaryText: string;
  components: { longText: string; shortText: string; types: string[] }[];
};

const component = (longText: string, shortText: string, ...types: string[]) => ({ longText, shortText, types });

export const FAKE_PLACES: FakePlace[] = [
  {
    placeId: "ChIJfake_1600_Amphitheatre_Pkwy",
    mainText: "1600 Amphitheatre Parkway",
    secondaryText: "Mountain View, CA, USA",
    components: [
      component("1600", "1600", "street_number"),
      component("Amphitheatre Parkway", "Amphitheatre Pkwy", "route"),
      component("Mountain View", "Mountain View", "locality", "political"),
      component("Santa Clara County", "Santa Clara County", "administrative_area_level_2"),
      component("California", "CA", "administrative_area_level_1"),
      component("United States", "US", "country"),
      component("94043", "94043", "postal_code"),
    ],
  },
  {
    placeId: "ChIJfake_5500_Grand_Lake_Dr",
    mainText: "5500 Grand Lake Drive",
    secondaryText: "San Antonio, TX, USA",
    components: [
      component("5500", "5500", "street_number"),
      component("Grand Lake Drive", "Grand Lake Dr", "route"),
      component("San Antonio", "San Antonio", "locality"),
      component("Texas", "TX", "administrative_area_level_1"),
      component("United States", "US", "country"),
      component("78244", "78244", "postal_code"),
    ],
  },
  {
    placeId: "ChIJfake_12_Main_St_Apt_4",
    mainText: "12 Main Street #4",
    secondaryText: "Springfield, IL, USA",
    components: [
      component("12", "12", "street_number"),
      component("Main Street", "Main St", "route"),
      component("4", "4", "subpremise"),
      component("Springfield", "Springfield", "locality"),
      component("Illinois", "IL", "administrative_area_level_1"),
      component("United States", "US", "country"),
      component("62701", "62701", "postal_code"),
    ],
  },
];

// A real 1×1 JPEG: what the Static API sends is a JPEG, and the app checks the bytes.
export const STREET_VIEW_JPEG = Buffer.from(
  "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=",
  "base64",
);

const googleError = (code: number): FakeReply => {
  const status =
    { 400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE" }[code] ?? "UNKNOWN";
  const message =
    code === 403 ? "The request is missing a valid API key." : code === 429 ? "Quota exceeded for quota metric 'Requests'." : `Fake Google error ${code}.`;
  return json(code, { error: { code, message, status } });
};

export type FakeGoogle = ProviderFake & {
  /** Places calls (autocomplete and details) only. */
  placesCalls(): FakeCall[];
  streetViewCalls(): FakeCall[];
};

export async function startFakeGoogle(options: { apiKey: string; port?: number }): Promise<FakeGoogle> {
  const fake = await startProviderFake({
    port: options.port,
    errorBody: googleError,
    route: (call) => {
      if (call.path === "/maps/api/streetview" && call.method === "GET") {
        if (call.query.get("key") !== options.apiKey) {
          return {
            status: 403,
            contentType: "text/plain; charset=UTF-8",
            body: "The Google Maps Platform server rejected your request. The provided API key is invalid.",
          };
        }
        const location = call.query.get("location") ?? "";
        if (!location || !/^\d+x\d+$/.test(call.query.get("size") ?? ""))
          return { status: 400, contentType: "text/plain", body: "Invalid request. Missing the 'size' or 'location' parameter." };
        if (/nowhere/i.test(location)) {
          return call.query.get("return_error_code") === "true"
            ? { status: 404, contentType: "text/plain", body: "" }
            : { status: 200, contentType: "image/jpeg", body: STREET_VIEW_JPEG };
        }
        return { status: 200, contentType: "image/jpeg", body: STREET_VIEW_JPEG };
      }
      if (call.headers["x-goog-api-key"] !== options.apiKey) return googleError(403);
      if (call.path === "/v1/places:autocomplete" && call.method === "POST") {
        let body: { input?: unknown; sessionToken?: unknown };
        try {
          body = JSON.parse(call.body);
        } catch {
          return googleError(400);
        }
        if (typeof body.input !== "string") return googleError(400);
        const words = body.input.toLowerCase().split(/\s+/).filter(Boolean);
        const matches = FAKE_PLACES.filter((p) => words.every((w) => `${p.mainText} ${p.secondaryText}`.toLowerCase().includes(w)));
        // Google answers {} when nothing matches.
        if (!matches.length) return json(200, {});
        return json(200, {
          suggestions: matches.map((p) => ({
            placePrediction: {
              place: `places/${p.placeId}`,
              placeId: p.placeId,
              text: { text: `${p.mainText}, ${p.secondaryText}`, matches: [{ endOffset: body.input!.toString().length }] },
              structuredFormat: { mainText: { text: p.mainText, matches: [] }, secondaryText: { text: p.secondaryText } },
              types: ["street_address", "geocode"],
            },
          })),
        });
      }
      const details = /^\/v1\/places\/([^/]+)$/.exec(call.path);
      if (details && call.method === "GET") {
        if (!call.headers["x-goog-fieldmask"])
          return json(400, { error: { code: 400, message: "FieldMask is a required parameter.", status: "INVALID_ARGUMENT" } });
        const place = FAKE_PLACES.find((p) => p.placeId === decodeURIComponent(details[1]));
        if (!place) return googleError(404);
        return json(200, {
          formattedAddress: `${place.mainText}, ${place.secondaryText}`,
          addressComponents: place.components.map((c) => ({ ...c, languageCode: "en" })),
        });
      }
      return googleError(404);
    },
  });
  return {
    ...fake,
    placesCalls: () => fake.calls.filter((c) => c.path.startsWith("/v1/places")),
    streetViewCalls: () => fake.calls.filter((c) => c.path === "/maps/api/streetview"),
  };
}

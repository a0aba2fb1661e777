// The address fields of a suggestion the user picked (see address.suggest.ts).
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { googleMapsConfigured, PLACE_ID, placeAddress, SESSION_TOKEN } from "~/utils/google-maps.server";
import { providerJsonResponse } from "~/utils/provider-response.server";
import { mapDomainErrors } from "~/web/errors.server";

const PlaceSchema = z.object({ placeId: z.string().regex(PLACE_ID), session: z.string().regex(SESSION_TOKEN) });

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  return providerJsonResponse(
    request,
    { budget: "address-place", configured: googleMapsConfigured(), schema: PlaceSchema, invalid: "Pick one of the suggested addresses." },
    async ({ placeId, session }) => ({
      address: await placeAddress(placeId, session),
    }),
  );
});

// Address suggestions for the address fields (progressive enhancement: without JavaScript, or without a
// Google key, the plain inputs work as before). The browser posts what was typed here; this server asks
// Google with its own key, within the business's budget, and answers with place ids and labels only.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { googleMapsConfigured, SESSION_TOKEN, SUGGEST_MAX_LENGTH, SUGGEST_MIN_LENGTH, suggestAddresses } from "~/utils/google-maps.server";
import { providerJsonResponse } from "~/utils/provider-response.server";
import { mapDomainErrors } from "~/web/errors.server";

const SuggestSchema = z.object({
  q: z
    .string()
    .transform((v) =>
      v
        .replace(/[\u0000-\u001f\u007f]/g, " ")
        .replace(/\s+/g, " ")
        .trim(),
    )
    .pipe(z.string().min(SUGGEST_MIN_LENGTH).max(SUGGEST_MAX_LENGTH)),
  session: z.string().regex(SESSION_TOKEN),
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  return providerJsonResponse(
    request,
    { budget: "address-suggest", configured: googleMapsConfigured(), schema: SuggestSchema, invalid: "Type at least 3 characters of the address." },
    async ({ q, session }) => ({
      suggestions: await suggestAddresses(q, session),
    }),
  );
});

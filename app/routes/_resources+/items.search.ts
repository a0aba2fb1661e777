// GET /items/search?q=: the editor's type-ahead (JavaScript on) asks here for the signed-in business's
// saved items matching q, as JSON. Any text is fine: it is cut to a bounded length and LIKE wildcards
// are escaped (searchSavedItems), so nothing a user types can make this fail.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { searchSavedItems } from "~/models/saved-item.server";
import { requireBusiness } from "~/web/auth.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const items = await searchSavedItems(businessId, new URL(request.url).searchParams.get("q"));
  return json(
    { items: items.map(({ id, name, description, unitPriceCents, taxable }) => ({ id, name, description, unitPriceCents, taxable })) },
    { headers: { "Cache-Control": "private, no-store" } },
  );
});

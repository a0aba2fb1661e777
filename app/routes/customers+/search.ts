// GET /customers/search?q=: the editor's customer type-ahead (JavaScript on) asks here for the signed-in
// business's active customers matching q, as JSON. listCustomers bounds the text and escapes wildcards.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { CUSTOMER_PICK_LIMIT, listCustomers } from "~/models/customer.server";
import { requireBusiness } from "~/web/auth.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireBusiness(request);
  const { customers } = await listCustomers(businessId, { q: new URL(request.url).searchParams.get("q"), limit: CUSTOMER_PICK_LIMIT });
  return json(
    { customers: customers.map(({ id, name, email, phone }) => ({ id, name, email, phone })) },
    { headers: { "Cache-Control": "private, no-store" } },
  );
});

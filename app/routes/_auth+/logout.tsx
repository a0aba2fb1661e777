import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { logout } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";

// Logging out changes state, so it is a POST; a GET just goes home.
export const loader = /* @__PURE__ */ mapDomainErrors(async () => {
  return redirect("/");
});

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  return logout(request, "/login");
});

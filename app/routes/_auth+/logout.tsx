import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { logout } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";

// Logging out changes state, so it is a POST; a GET just goes home.
export const loader = mapDomainErrors(async () => {
  return redirect("/");
});

export const action = mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  return logout(request, "/login");
});

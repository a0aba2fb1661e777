// /settings/subscription/portal: the link in the "payment failed" email. Portal sessions expire within
// minutes, so the email links here and this makes a fresh one for the signed-in owner (after login when
// needed) and redirects to Stripe. GET, because a link in an email cannot POST; it changes nothing.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { DomainError } from "~/models/errors.server";
import { openBillingPortal } from "~/models/subscription.server";
import { requireOwner } from "~/web/auth.server";
import { logger } from "~/utils/logger.server";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";

export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request }: LoaderFunctionArgs) => {
  const { businessId } = await requireOwner(request);
  try {
    return redirect(await openBillingPortal(businessId), { status: 303, headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (error instanceof DomainError) return redirectWithFlash(request, "/settings/subscription", { kind: "error", message: error.message });
    if (!(error as { type?: string }).type?.startsWith("Stripe")) throw error;
    logger.error({ err: (error as Error).message, businessId }, "could not open the billing portal");
    return redirectWithFlash(request, "/settings/subscription", {
      kind: "error",
      message: "Billing is not reachable right now. Please try again in a few minutes.",
    });
  }
});

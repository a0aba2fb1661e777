// POST /settings/payments/paypal (owner only): "Connect PayPal" creates a partner referral and sends the
// owner to PayPal's sign-up (303 to PayPal); "Disconnect" forgets the merchant. A PayPal failure changes
// nothing and comes back as a plain message on Settings → Payments.
// (The trailing underscore keeps this action route out of the Settings → Payments page layout.)
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { DomainError } from "~/models/errors.server";
import { disconnectPayPal, startPayPalConnect } from "~/models/payments/paypal-connect.server";
import { requireOwner } from "~/web/auth.server";
import { logger } from "~/utils/logger.server";
import { PayPalError } from "~/models/payments/paypal-client.server";
import { redirectWithFlash } from "~/utils/session.server";
import { mapDomainErrors } from "~/web/errors.server";

const BACK = "/settings/payments";

export const PayPalConnectSchema = z.object({ intent: z.enum(["connect", "disconnect"]) });

export const loader = /* @__PURE__ */ mapDomainErrors(() => redirect(BACK));

export const action = /* @__PURE__ */ mapDomainErrors(async ({ request }: ActionFunctionArgs) => {
  const { businessId, sessionId, user } = await requireOwner(request);
  const parsed = PayPalConnectSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return redirectWithFlash(request, BACK, { kind: "error", message: "Unknown request." });
  if (parsed.data.intent === "disconnect") {
    await disconnectPayPal(businessId);
    return redirectWithFlash(request, BACK, { kind: "success", message: "PayPal disconnected. Pay pages no longer offer PayPal." });
  }
  try {
    const actionUrl = await startPayPalConnect({ businessId, sessionId, email: user.email });
    return redirect(actionUrl, 303);
  } catch (error) {
    if (error instanceof DomainError) return redirectWithFlash(request, BACK, { kind: "error", message: error.message });
    if (!(error instanceof PayPalError)) throw error;
    logger.warn({ businessId, err: error.message }, "paypal referral not created");
    return redirectWithFlash(request, BACK, { kind: "error", message: `${error.message}. Nothing was changed; try again in a few minutes.` });
  }
});

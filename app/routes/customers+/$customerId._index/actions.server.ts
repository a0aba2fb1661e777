// The customer page's buttons (erase, look up the property, archive, restore): their one schema, a union
// on `intent`, and one handler per intent. The route (route.tsx) parses and dispatches.
import type { Submission } from "@conform-to/zod/v4";
import { z } from "zod";
import { eraseCustomer } from "~/models/customer-erasure.server";
import { eraseCustomerSchema } from "~/models/customer-form";
import { archiveCustomer, restoreCustomer } from "~/models/customer.server";
import { DomainError } from "~/models/errors.server";
import { LookupCapError, LookupInProgressError, lookUpProperty } from "~/models/property.server";
import { ProviderError } from "~/utils/provider-fetch.server";
import { redirectWithFlash } from "~/utils/session.server";
import { replyWithDomainError, replyWithFormError } from "~/web/forms.server";

/** The page's buttons, told apart by their `intent`: erasing needs the customer's name typed again. */
export function customerActionSchema(customerName: string) {
  return z.discriminatedUnion("intent", [
    eraseCustomerSchema(customerName),
    z.object({ intent: z.literal("property-lookup") }),
    z.object({ intent: z.literal("archive") }),
    z.object({ intent: z.literal("restore") }),
  ]);
}

type CustomerSubmission = Submission<z.output<ReturnType<typeof customerActionSchema>>>;
type CustomerActionArgs = { request: Request; submission: CustomerSubmission; businessId: string; customerId: string };

/** The customer's name typed again, then every personal detail of theirs goes (app/models/customer-erasure.server.ts). */
export async function eraseAction({ request, submission, businessId, customerId }: CustomerActionArgs) {
  try {
    const summary = await eraseCustomer(businessId, customerId);
    // The flash names nobody: the point was to forget the name.
    const kept = summary.invoicesKept
      ? ` ${summary.invoicesKept === 1 ? "Their invoice is" : `Their ${summary.invoicesKept} invoices are`} kept for your books under "Deleted customer".`
      : "";
    return redirectWithFlash(request, "/customers", { kind: "success", message: `The customer is erased.${kept}` });
  } catch (error) {
    // An open invoice with a balance (or the placeholder itself): the customer's state, not the form, is the problem (409).
    return replyWithDomainError(submission, error);
  }
}

export async function propertyLookupAction({ request, submission, businessId, customerId }: CustomerActionArgs) {
  try {
    const result = await lookUpProperty(businessId, customerId);
    const message =
      result.source === "cache"
        ? "Shown from the lookup made in the last 30 days: no lookup was used."
        : result.found
          ? "Property details looked up."
          : "Rentcast has no record of this address (the lookup counts toward this month's).";
    return redirectWithFlash(request, `/customers/${customerId}`, { kind: "success", message });
  } catch (error) {
    if (error instanceof LookupCapError) return replyWithFormError(submission, error.message, { status: 429 });
    if (error instanceof LookupInProgressError) return replyWithFormError(submission, error.message, { status: 409 });
    if (error instanceof DomainError) return replyWithFormError(submission, error.message, { status: 400 });
    if (error instanceof ProviderError) return replyWithFormError(submission, error.message, { status: error.status });
    throw error;
  }
}

export async function archiveAction({ request, businessId, customerId }: CustomerActionArgs) {
  const customer = await archiveCustomer(businessId, customerId);
  return redirectWithFlash(request, `/customers/${customerId}`, {
    kind: "success",
    message: `${customer.name} is archived: hidden from your customer list and from new invoices and estimates.`,
  });
}

export async function restoreAction({ request, businessId, customerId }: CustomerActionArgs) {
  const customer = await restoreCustomer(businessId, customerId);
  return redirectWithFlash(request, `/customers/${customerId}`, { kind: "success", message: `${customer.name} is restored.` });
}

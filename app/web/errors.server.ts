// The one place where the domain's errors (app/models/errors.server.ts) become HTTP answers. The domain
// throws NotFoundError, ForbiddenError, GoneError, ReadOnlyAccountError and DomainError and never builds a
// Response; `classifyError` says what each means over HTTP, and both the web pages (here) and the JSON
// API (app/web/api.server.ts) answer from that one classification.
//
// How a route applies it: every page and resource route exports its loader and action through
// `mapDomainErrors` (tests/integration/route-conventions.test.ts checks this):
//
//   export const loader = /* @__PURE__ */ mapDomainErrors(async ({ request, params }: LoaderFunctionArgs) => {
//     const { businessId } = await requireBusiness(request);
//     return json({ customer: await getCustomer(businessId, params.customerId ?? "") }); // 404 when not ours
//   });
//
// The /* @__PURE__ */ mark lets the browser build drop the call with the loader: this module is server-only
// (empty in the browser), so a kept call would crash the page on hydration.
//
// A domain error that escapes then becomes a thrown text response (404, 403, 410, 402, 409 or 400), which
// the route's ErrorBoundary (app/components/error-boundary.tsx) renders inside the layout. An action that
// wants a rule's message next to its form instead catches the DomainError itself and replies with it
// (app/web/forms.server.ts). The API routes use apiLoader/apiAction, webhooks answer their provider
// themselves.
import { DomainError, ForbiddenError, GoneError, NotFoundError, ReadOnlyAccountError } from "~/models/errors.server";

/** What a domain error means over HTTP: status, the API's error code, a sentence for people, the field it concerns. */
type ErrorClass = { status: number; code: string; message: string; field?: string };

/** The HTTP meaning of a domain error, or null for anything else (a bug, a provider outage: a 500). */
export function classifyError(error: unknown): ErrorClass | null {
  if (error instanceof NotFoundError) return { status: 404, code: "not_found", message: error.message };
  if (error instanceof ForbiddenError) return { status: 403, code: "forbidden", message: error.message };
  if (error instanceof GoneError) return { status: 410, code: "gone", message: error.message };
  // The account is read-only until its Invoice Link subscription is paid for (docs/decisions/014).
  if (error instanceof ReadOnlyAccountError) return { status: 402, code: error.code, message: error.message };
  if (error instanceof DomainError) {
    // A rule about one field is bad input; a rule about the thing's state (already paid, changed meanwhile) is a conflict.
    return error.field
      ? { status: 400, code: "validation_failed", message: error.message, field: error.field }
      : { status: 409, code: "conflict", message: error.message };
  }
  return null;
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  410: "Gone",
};

/** A domain error as the plain-text response a page's ErrorBoundary shows; null when it is not one. */
function toWebResponse(error: unknown): Response | null {
  const known = classifyError(error);
  if (!known) return null;
  return new Response(known.message, {
    status: known.status,
    statusText: STATUS_TEXT[known.status] ?? "Error",
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

/**
 * Wraps a route's loader or action: a domain error it throws is thrown on as its HTTP response; redirects,
 * responses and unexpected errors pass through untouched. What it returns is kept, so
 * `useLoaderData<typeof loader>()` still sees its data.
 */
export function mapDomainErrors<A extends unknown[], R>(handler: (...args: A) => R): (...args: A) => Promise<Awaited<R>> {
  return async (...args: A): Promise<Awaited<R>> => {
    try {
      return await handler(...args);
    } catch (error) {
      throw toWebResponse(error) ?? error;
    }
  };
}

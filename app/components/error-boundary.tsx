// The error page of every route. A route re-exports it (`export { ErrorBoundary } from
// "~/components/error-boundary"`), so a thrown 404 or 403 renders inside the app's layout, with the
// navigation, instead of replacing the whole page (app/root.tsx's boundary is the last resort, for when
// the layout itself failed). Domain errors reach it as text responses (app/web/errors.server.ts); their
// text is written for people and shown as is.
import type { HeadersFunction } from "@remix-run/node";
import { type ErrorResponse, isRouteErrorResponse, Link, useParams, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";

type StatusHandler = (info: { error: ErrorResponse; params: Record<string, string | undefined> }) => ReactNode;

/** The heading and sentence for an error: a thrown response's own text for 4xx, a generic one for anything else. */
export function errorCopy(error: unknown): { title: string; message: string } {
  const generic = { title: "Something went wrong", message: "An unexpected error happened. It has been logged; please try again." };
  if (!isRouteErrorResponse(error) || error.status >= 500) return generic;
  // Remix's own responses ("No route matches URL ...") are internal: their text is not for people.
  const internal = (error as { internal?: boolean }).internal === true;
  const text = typeof error.data === "string" && !internal ? error.data.trim() : "";
  switch (error.status) {
    case 404:
      return { title: "Not found", message: text && text !== "Not found" ? text : "We could not find that page." };
    case 403:
      return { title: "Not allowed", message: text || "You may not do that." };
    case 405:
      return { title: "Not allowed", message: "That action is not available here." };
    case 429:
      return { title: "Too many attempts", message: text || "Please wait a few minutes and try again." };
    case 400:
      return { title: "Request not accepted", message: text || "The request could not be read. Reload the page and try again." };
    default:
      return { title: error.statusText || "Request not accepted", message: text || generic.message };
  }
}

function ErrorMessage({ error }: { error: unknown }) {
  const { title, message } = errorCopy(error);
  return (
    <section className="narrow" data-testid="error-page">
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </section>
  );
}

const defaultStatusHandler: StatusHandler = ({ error }) => <ErrorMessage error={error} />;

/**
 * The Epic Stack's GeneralErrorBoundary: a handler per status (404, 403, 400 and the rest share one
 * that shows the response's text), and a generic message for anything unexpected, whose details stay
 * in the server log.
 */
function GeneralErrorBoundary({
  statusHandlers,
  unexpectedErrorHandler = (error) => <ErrorMessage error={error} />,
}: {
  statusHandlers?: Record<number, StatusHandler>;
  unexpectedErrorHandler?: (error: unknown) => ReactNode;
}) {
  const error = useRouteError();
  const params = useParams();
  if (isRouteErrorResponse(error)) return <>{(statusHandlers?.[error.status] ?? defaultStatusHandler)({ error, params })}</>;
  return <>{unexpectedErrorHandler(error)}</>;
}

/** What a route exports as its ErrorBoundary: `export { ErrorBoundary } from "~/components/error-boundary"`. */
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

/**
 * For routes that throw responses with headers of their own (a rate limit's 429 with Retry-After): Remix
 * hands a thrown response's headers only to the headers function of the route whose boundary renders it.
 */
export const headers: HeadersFunction = ({ errorHeaders }) => {
  const out = new Headers();
  const retryAfter = errorHeaders?.get("Retry-After");
  if (retryAfter) out.set("Retry-After", retryAfter);
  return out;
};

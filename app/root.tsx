import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { json } from "@remix-run/node";
import {
  Form,
  Link,
  Links,
  LiveReload,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { errorCopy } from "~/components/error-boundary";
import { billingBanner } from "~/models/subscription.server";
import { getSession, readFlash } from "~/utils/session.server";
import { useNonce } from "~/utils/nonce-provider";
import stylesUrl from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesUrl },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Invoice Link" }];

// Thrown responses (429 with Retry-After, 404, 405) keep their headers on the rendered error page.
export const headers: HeadersFunction = ({ errorHeaders }) => {
  const out = new Headers();
  const retryAfter = errorHeaders?.get("Retry-After");
  if (retryAfter) out.set("Retry-After", retryAfter);
  return out;
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [session, { flash, setCookie }] = await Promise.all([getSession(request, context), readFlash(request)]);
  return json(
    {
      user: session ? { name: session.user.name, email: session.user.email } : null,
      businessName: session?.business.name ?? null,
      // Invoice Link's own plan: past due, read-only or a trial about to end (docs/decisions/014).
      billing: session ? await billingBanner(session.businessId) : null,
      flash,
    },
    { headers: setCookie ? { "Set-Cookie": setCookie } : undefined },
  );
}

// The flash is read (and cleared) by this loader. Remix would otherwise keep the root's data across
// client-side navigations, so a flash would show again on every following page: the root loader runs
// on every navigation, and a flash shows once.
export const shouldRevalidate: ShouldRevalidateFunction = () => true;

/** Routes whose handle says `hydrate: false` (the customer-facing pages, and contractor pages that work fully as
 * plain HTML, such as the login and the dashboard) ship no JavaScript at all. */
/** `customerFacing` pages (signed links) hide the contractor's navigation. */
export type RouteHandle = { hydrate?: boolean; customerFacing?: boolean };

function Document({ children, title }: { children: ReactNode; title?: string }) {
  const nonce = useNonce();
  const hydrate = useMatches().every((m) => (m.handle as RouteHandle | undefined)?.hydrate !== false);
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {title ? <title>{title}</title> : null}
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        {children}
        {hydrate ? (
          <>
            <ScrollRestoration nonce={nonce} />
            <Scripts nonce={nonce} />
            {/* Only in `npm run dev` builds (the compiler writes the dev server's address in; "" otherwise).
                Pages that ship no JavaScript stay without it there too. */}
            {process.env.REMIX_DEV_ORIGIN ? <LiveReload nonce={nonce} /> : null}
          </>
        ) : null}
      </body>
    </html>
  );
}

function Header() {
  const data = useRouteLoaderData<typeof loader>("root");
  const user = data?.user;
  return (
    <header className="site-header">
      <Link to={user ? "/dashboard" : "/"} className="brand">
        Invoice Link
      </Link>
      <nav aria-label="Main">
        {user ? (
          <>
            <Link to="/dashboard">Dashboard</Link>
            <Link to="/invoices">Invoices</Link>
            <Link to="/estimates">Estimates</Link>
            <Link to="/customers">Customers</Link>
            <Link to="/expenses">Expenses</Link>
            <Link to="/settings">Settings</Link>
            <Form method="post" action="/logout" className="inline-form">
              <button type="submit" className="link-button">
                Log out
              </button>
            </Form>
          </>
        ) : (
          <>
            <Link to="/login">Log in</Link>
            <Link to="/signup" className="button button-small">
              Sign up
            </Link>
          </>
        )}
      </nav>
    </header>
  );
}

export default function App() {
  const { flash, billing } = useLoaderData<typeof loader>();
  const customerFacing = useMatches().some((m) => (m.handle as RouteHandle | undefined)?.customerFacing);
  return (
    <Document>
      {customerFacing ? null : <Header />}
      <main className="container" id="main" tabIndex={-1}>
        {billing && !customerFacing ? (
          <p className={`flash ${billing.kind === "trial_ending" ? "flash-info" : "flash-error"}`} data-testid="billing-banner" data-kind={billing.kind}>
            {billing.message} <Link to="/settings/subscription">Settings → Subscription</Link>
          </p>
        ) : null}
        {flash ? (
          <p className={`flash flash-${flash.kind}`} role="status">
            {flash.message}
          </p>
        ) : null}
        <Outlet />
      </main>
      <footer className="container site-footer">
        <a href="/privacy">Privacy</a> · <a href="/security">Security</a>
      </footer>
    </Document>
  );
}

/** The last resort, when the layout itself failed (its loader threw); routes render theirs inside the layout. */
export function ErrorBoundary() {
  const { title, message } = errorCopy(useRouteError());
  return (
    <Document title={`${title} | Invoice Link`}>
      <header className="site-header">
        <a href="/" className="brand">
          Invoice Link
        </a>
      </header>
      <main className="container narrow" id="main" tabIndex={-1}>
        <h1>{title}</h1>
        <p>{message}</p>
        <p>
          <a href="/">Go to the start page</a>
        </p>
      </main>
    </Document>
  );
}

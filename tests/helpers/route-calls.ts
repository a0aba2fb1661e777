// Calling a route's loader or action directly, in the test process (no server, no build): the Request a
// browser would send, the load context server.ts would give, and the Response whether the route returned
// it or threw it (redirects and 404s are thrown). Used by the fast route tests in tests/integration/routes.
import { randomBytes } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";

/** The origin requests are made for; routes only read paths and query strings from it. */
const ROUTE_TEST_ORIGIN = "http://localhost:3000";

type RequestOptions = { cookie?: string; headers?: Record<string, string> };

function headersFor(options: RequestOptions) {
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("Cookie", options.cookie);
  return headers;
}

/** A GET of `path` (with its query), as a browser navigation. */
export function getRequest(path: string, options: RequestOptions = {}) {
  return new Request(new URL(path, ROUTE_TEST_ORIGIN), { headers: headersFor(options) });
}

/** A form POST to `path`, urlencoded the way a browser without JavaScript submits it. */
export function postRequest(path: string, form: Record<string, string> | [string, string][], options: RequestOptions = {}) {
  const headers = headersFor(options);
  headers.set("Content-Type", "application/x-www-form-urlencoded");
  headers.set("Origin", ROUTE_TEST_ORIGIN);
  return new Request(new URL(path, ROUTE_TEST_ORIGIN), { method: "POST", body: new URLSearchParams(form), headers });
}

/**
 * The load context server.ts builds per request. Each call gets its own client address, so the rate
 * limits (counted per address in Postgres) never carry over from one test to the next.
 */
export function loadContext(overrides: Partial<AppLoadContext> = {}): AppLoadContext {
  return { cspNonce: randomBytes(16).toString("base64"), clientIp: `route-test-${randomBytes(6).toString("hex")}`, ...overrides };
}

type RouteFunction<Args> = (args: Args) => unknown;
type RouteArgs = { request: Request; params?: Record<string, string>; context?: AppLoadContext };

/**
 * Runs a loader or action and returns its Response, returned or thrown. Data returned without a
 * Response (single fetch's `data()` or a plain object) becomes a JSON Response with its status, so the
 * tests keep asserting on what a browser gets.
 */
export async function callRoute<Args>(route: RouteFunction<Args>, { request, params = {}, context = loadContext() }: RouteArgs): Promise<Response> {
  let result: unknown;
  try {
    result = await route({ request, params, context } as Args);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
  if (result instanceof Response) return result;
  if (result && typeof result === "object" && (result as { type?: unknown }).type === "DataWithResponseInit") {
    const { data, init } = result as { data: unknown; init?: ResponseInit };
    return Response.json(data, init ?? undefined);
  }
  return Response.json(result ?? null);
}

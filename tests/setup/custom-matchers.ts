// Vitest matchers for Responses from loaders and actions called directly (tests/integration/routes),
// after the Epic Stack's tests/setup/custom-matchers.ts. They look at what a browser would: the status,
// the Location header, the cookies set and the text of the body, never the shape of an action's reply.
// App modules are imported inside the matchers, so a test that uses none of them needs no database.
import { expect } from "vitest";

type CookieLine = { name: string; value: string; attributes: string[] };

function setCookies(response: Response): CookieLine[] {
  return response.headers.getSetCookie().map((line) => {
    const [pair, ...attributes] = line.split(";");
    const index = pair.indexOf("=");
    return { name: pair.slice(0, index).trim(), value: pair.slice(index + 1).trim(), attributes: attributes.map((a) => a.trim()) };
  });
}

function isResponse(received: unknown): received is Response {
  return received instanceof Response;
}

function notAResponse(received: unknown, printReceived: (value: unknown) => string) {
  return { pass: false, message: () => `expected a Response (returned or thrown by a loader or action), got ${printReceived(received)}` };
}

function sameUrl(a: string, b: string) {
  const base = "http://route-test.invalid";
  const [x, y] = [new URL(a, base), new URL(b, base)];
  x.searchParams.sort();
  y.searchParams.sort();
  return x.origin === y.origin && x.pathname === y.pathname && x.search === y.search && x.hash === y.hash;
}

expect.extend({
  toHaveStatus(received: unknown, status: number) {
    if (!isResponse(received)) return notAResponse(received, this.utils.printReceived);
    return {
      pass: received.status === status,
      message: () =>
        `expected the response ${this.isNot ? "not " : ""}to have status ${this.utils.printExpected(status)}, got ${this.utils.printReceived(received.status)}`,
    };
  },

  /** A 3xx with this Location (query parameters in any order); with no argument, any redirect. */
  toHaveRedirect(received: unknown, location?: string) {
    if (!isResponse(received)) return notAResponse(received, this.utils.printReceived);
    const actual = received.headers.get("Location");
    const isRedirect = received.status >= 300 && received.status < 400 && actual !== null;
    const pass = isRedirect && (location === undefined || sameUrl(actual, location));
    return {
      pass,
      message: () =>
        `expected the response ${this.isNot ? "not " : ""}to redirect${location === undefined ? "" : ` to ${this.utils.printExpected(location)}`}, got status ${received.status}${
          actual ? ` and Location ${this.utils.printReceived(actual)}` : " without a Location"
        }`,
    };
  },

  /** Sets the session cookie, and it names a live Session row of `userId` (when given). */
  async toSetSessionCookie(received: unknown, userId?: string) {
    if (!isResponse(received)) return notAResponse(received, this.utils.printReceived);
    const cookie = setCookies(received).find((c) => c.name === "__session" && c.value !== "");
    if (!cookie) return { pass: false, message: () => `expected the response ${this.isNot ? "not " : ""}to set the __session cookie; it set none` };
    const { getSession } = await import("~/utils/session.server");
    const session = await getSession(new Request("http://route-test.invalid/", { headers: { Cookie: `__session=${cookie.value}` } }));
    const pass = session !== null && (userId === undefined || session.user.id === userId);
    return {
      pass,
      message: () =>
        `expected the __session cookie ${this.isNot ? "not " : ""}to name a live session${userId ? ` of user ${this.utils.printExpected(userId)}` : ""}, got ${
          session ? `a session of user ${this.utils.printReceived(session.user.id)}` : "no live session"
        }`,
    };
  },

  /** Sets the flash cookie with this message (and kind, when given), for the page after the redirect. */
  async toHaveFlash(received: unknown, expected: { message: string; kind?: "success" | "error" | "info" }) {
    if (!isResponse(received)) return notAResponse(received, this.utils.printReceived);
    const cookie = setCookies(received).find((c) => c.name === "__flash");
    if (!cookie) return { pass: false, message: () => `expected the response ${this.isNot ? "not " : ""}to set a flash message; it set no __flash cookie` };
    const { readFlash } = await import("~/utils/session.server");
    const { flash } = await readFlash(new Request("http://route-test.invalid/", { headers: { Cookie: `__flash=${cookie.value}` } }));
    const pass = flash !== null && flash.message === expected.message && (expected.kind === undefined || flash.kind === expected.kind);
    return {
      pass,
      message: () => `expected the flash ${this.isNot ? "not " : ""}to be ${this.utils.printExpected(expected)}, got ${this.utils.printReceived(flash)}`,
    };
  },

  /** Status 4xx and `text` somewhere in the body (an error a page would show), whatever the reply's shape. */
  async toHaveErrorText(received: unknown, text: string) {
    if (!isResponse(received)) return notAResponse(received, this.utils.printReceived);
    const body = await received.clone().text();
    const pass = received.status >= 400 && received.status < 500 && body.includes(text);
    return {
      pass,
      message: () =>
        `expected a 4xx response ${this.isNot ? "not " : ""}mentioning ${this.utils.printExpected(text)}, got status ${received.status} with body ${this.utils.printReceived(body.slice(0, 500))}`,
    };
  },
});

interface ResponseMatchers<R = unknown> {
  toHaveStatus(status: number): R;
  toHaveRedirect(location?: string): R;
  toSetSessionCookie(userId?: string): Promise<R>;
  toHaveFlash(flash: { message: string; kind?: "success" | "error" | "info" }): Promise<R>;
  toHaveErrorText(text: string): Promise<R>;
}

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Assertion<T = any> extends ResponseMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends ResponseMatchers {}
}

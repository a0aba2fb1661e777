// Crash reporting without personal data. Without SENTRY_DSN, Sentry.init is a no-op.
import * as Sentry from "@sentry/remix";
import { redactUrl } from "./logger.server";

type SentryEvent = Sentry.Event;

const SENSITIVE_HEADERS = ["cookie", "authorization", "x-api-key", "stripe-signature", "paypal-transmission-sig", "set-cookie"];
const SECRET_KEY = /pass(word)?|token|secret|cookie|authorization|card|cvc|cvv|iban|email|body/i;
// HTTP and navigation breadcrumbs record URLs (and their query strings) that can carry tokens.
const URL_KEY = /^(url|from|to)$/i;
const QUERY_KEY = /^(http\.query|query_string|query)$/i;

function scrubValue(key: string, value: unknown, depth: number): unknown {
  if (SECRET_KEY.test(key)) return "[Redacted]";
  if (typeof value === "string" && URL_KEY.test(key)) return redactUrl(value);
  if (typeof value === "string" && QUERY_KEY.test(key)) return redactUrl(`?${value.replace(/^\?/, "")}`).slice(1);
  return scrubObject(value, depth + 1);
}

function scrubObject(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => scrubObject(v, depth + 1));
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, scrubValue(k, v, depth)]));
}

/** Removes request bodies, cookies, auth headers, user identity and token-bearing query strings. */
export function scrubEvent<T extends SentryEvent>(event: T): T {
  if (event.request) {
    const request = event.request;
    delete request.data;
    delete request.cookies;
    if (request.headers) {
      for (const name of Object.keys(request.headers)) {
        if (SENSITIVE_HEADERS.includes(name.toLowerCase())) delete request.headers[name];
      }
    }
    if (request.url) request.url = redactUrl(request.url);
    if (typeof request.query_string === "string") request.query_string = redactUrl(`?${request.query_string}`).slice(1);
    else delete request.query_string;
  }
  if (event.user) event.user = event.user.id ? { id: event.user.id } : {};
  if (event.extra) event.extra = scrubObject(event.extra) as T["extra"];
  if (event.contexts) event.contexts = scrubObject(event.contexts) as T["contexts"];
  if (event.breadcrumbs) {
    event.breadcrumbs = event.breadcrumbs.map((b) => ({ ...b, data: scrubObject(b.data) as Record<string, unknown> | undefined }));
  }
  return event;
}

export function initSentry(dsn: string | undefined, environment: string) {
  Sentry.init({
    dsn,
    environment,
    sendDefaultPii: false,
    tracesSampleRate: 0,
    beforeSend: (event) => scrubEvent(event),
    beforeSendTransaction: (event) => scrubEvent(event),
  });
}

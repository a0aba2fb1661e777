// Crash reporting without personal data. The SDK is loaded only when SENTRY_DSN is set: importing
// @sentry/remix costs about 39 MB of RSS (BENCHMARKS.md, memory), which a process without a DSN never uses.
import type * as SentrySdk from "@sentry/remix";
import { env } from "./env.server";
import { redactUrl } from "./logger.server";

type SentryEvent = SentrySdk.Event;

let sdk: Promise<typeof SentrySdk> | undefined;
/**
 * The SDK, or null when SENTRY_DSN is unset. Node loads a module once per process, so the copies of this
 * file in build/server.js (initSentry) and in the Remix build (captureRequestError) share one SDK and its client.
 */
function sentry(): Promise<typeof SentrySdk> | null {
  if (!env().SENTRY_DSN) return null;
  return (sdk ??= import("@sentry/remix"));
}

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

/**
 * The HTTP status a thrown value stands for when it is a response (a loader's `throw new Response(..., {status: 404})`,
 * Remix's "No route matches" error response), else null. A 4xx is the client's doing, not a crash.
 */
export function thrownStatus(error: unknown): number | null {
  if (error instanceof Response) return error.status;
  if (error && typeof error === "object" && "status" in error && "statusText" in error && "internal" in error) {
    const status = (error as { status: unknown }).status;
    return typeof status === "number" ? status : null;
  }
  return null;
}

/** Client errors (404 from a scanner asking for /.env, 400, 405) are logged at info and never use up the Sentry quota. */
export function isClientError(error: unknown) {
  const status = thrownStatus(error);
  return status !== null && status < 500;
}

/** An error as a log field: a message and stack for an Error, status and text for a thrown response, never "[object Object]". */
export function errorForLog(error: unknown) {
  if (error instanceof Error) return { message: error.message, stack: error.stack };
  const status = thrownStatus(error);
  if (status !== null) return { status, statusText: (error as { statusText?: string }).statusText ?? "" };
  try {
    return { message: typeof error === "string" ? error : JSON.stringify(error) };
  } catch {
    return { message: String(error) };
  }
}

/** Starts crash reporting when there is a DSN; without one, loads nothing. Await it at boot, before serving. */
export async function initSentry(dsn: string | undefined, environment: string) {
  if (!dsn) return;
  const Sentry = await import("@sentry/remix");
  Sentry.init({
    dsn,
    environment,
    sendDefaultPii: false,
    tracesSampleRate: 0,
    // Defence in depth: whatever path a thrown 4xx takes (the SDK's own Remix instrumentation included), it is not sent.
    beforeSend: (event, hint) => (isClientError(hint?.originalException) ? null : scrubEvent(event)),
    beforeSendTransaction: (event) => scrubEvent(event),
  });
}

/**
 * Reports an unexpected error of a request with that request's method and URL. The production server is
 * compiled to ESM (build/server.js), where Sentry's automatic HTTP instrumentation does not attach the
 * request, so the request is named here; scrubEvent still masks tokens in the URL. Headers are left out.
 */
export async function captureRequestError(error: unknown, request: { url: string; method: string }) {
  const Sentry = await sentry();
  Sentry?.withScope((scope) => {
    scope.setSDKProcessingMetadata({ normalizedRequest: { url: request.url, method: request.method } });
    Sentry.captureException(error);
  });
}

/** Reports a job that failed for good (jobs/worker.ts), with its task and job id, never its payload. */
export async function captureJobError(error: unknown, job: { task: string; id: string; attempts: number }) {
  (await sentry())?.captureException(error, { tags: { task: job.task }, extra: { jobId: job.id, attempts: job.attempts } });
}

// The one way the optional integrations (Google Maps, Rentcast, the AI assistant) talk to their providers:
// a timeout on every call, a capped response size, and every failure turned into a ProviderError whose
// message can be shown to the contractor as is. Keys and the user's text never reach a log line.
// See docs/decisions/010-optional-integrations.md.
import type { z } from "zod";
import { env } from "./env.server";
import { logger } from "./logger.server";
import { hitRateLimit } from "./rate-limit.server";

type ProviderName = "google" | "rentcast" | "ai";

const LABELS: Record<ProviderName, string> = {
  google: "Google Maps",
  rentcast: "Rentcast",
  ai: "the AI assistant",
};

/** Default time a provider gets to answer. INTEGRATIONS_TIMEOUT_MS overrides them all (tests shorten it). */
const DEFAULT_TIMEOUT_MS: Record<ProviderName, number> = { google: 8_000, rentcast: 8_000, ai: 30_000 };

export type ProviderFailure = "timeout" | "unreachable" | "rejected" | "busy" | "failed" | "malformed" | "limited" | "off";

/**
 * A provider call that did not give a usable answer. `message` is written for the contractor; `status` is
 * what our response should carry (504 timeout, 502 bad answer, 503 busy or switched off, 429 our own limit).
 */
export class ProviderError extends Error {
  constructor(
    public provider: ProviderName,
    public reason: ProviderFailure,
    message: string,
    public status: number,
    public retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

/** The provider's name for the start of a sentence. */
function providerLabel(provider: ProviderName) {
  const label = LABELS[provider];
  return label[0].toUpperCase() + label.slice(1);
}

export function providerOff(provider: ProviderName): ProviderError {
  return new ProviderError(provider, "off", `${providerLabel(provider)} is not set up on this server.`, 503);
}

type ProviderRequest = {
  provider: ProviderName;
  /** A short name for logs, such as "places.autocomplete"; never the URL (it may carry a key). */
  operation: string;
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Statuses that are an answer rather than a failure (Rentcast's 404 "no results"). */
  answerStatuses?: number[];
  /** Longest response body accepted, in bytes. */
  maxBytes?: number;
};

type ProviderResponse = { status: number; contentType: string; body: Buffer };

const DEFAULT_MAX_BYTES = 1_000_000;

function timeoutFor(provider: ProviderName) {
  return env().INTEGRATIONS_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS[provider];
}

async function readCapped(response: Response, maxBytes: number): Promise<Buffer | null> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    return null;
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Calls a provider. Resolves with a 2xx answer (or one of `answerStatuses`); anything else (a timeout, an
 * unreachable host, a 4xx/5xx, an oversized body) throws a ProviderError with a message for the user.
 */
export async function providerFetch(request: ProviderRequest): Promise<ProviderResponse> {
  const { provider, operation } = request;
  const label = providerLabel(provider);
  const timeoutMs = timeoutFor(provider);
  const started = Date.now();
  const log = (level: "debug" | "warn" | "error", fields: Record<string, unknown>, message: string) =>
    logger[level]({ provider, operation, ms: Date.now() - started, ...fields }, message);

  let response: Response;
  let body: Buffer | null;
  try {
    // The one signal covers connecting, the headers and reading the body.
    const signal = AbortSignal.timeout(timeoutMs);
    response = await fetch(request.url, {
      method: request.method ?? (request.json === undefined ? "GET" : "POST"),
      headers: {
        Accept: "application/json",
        ...(request.json === undefined ? {} : { "Content-Type": "application/json" }),
        ...request.headers,
      },
      body: request.json === undefined ? undefined : JSON.stringify(request.json),
      signal,
      redirect: "error",
    });
    body = await readCapped(response, request.maxBytes ?? DEFAULT_MAX_BYTES);
  } catch (error) {
    const name = (error as { name?: string })?.name;
    if (name === "TimeoutError" || name === "AbortError") {
      log("warn", { timeoutMs }, "provider timed out");
      const seconds = Math.max(1, Math.round(timeoutMs / 1000));
      throw new ProviderError(
        provider,
        "timeout",
        `${label} did not answer within ${seconds} second${seconds === 1 ? "" : "s"}. Nothing was saved; please try again.`,
        504,
      );
    }
    log("warn", { error: (error as Error)?.message }, "provider unreachable");
    throw new ProviderError(provider, "unreachable", `${label} could not be reached. Nothing was saved; please try again later.`, 502);
  }

  const { status } = response;
  if (body === null) {
    log("warn", { status }, "provider answer too large");
    throw new ProviderError(provider, "malformed", `${label} sent an answer we could not use. Nothing was saved.`, 502);
  }
  const answer = { status, contentType: response.headers.get("content-type") ?? "", body };
  if ((status >= 200 && status < 300) || request.answerStatuses?.includes(status)) {
    log("debug", { status }, "provider answered");
    return answer;
  }
  if (status === 401 || status === 403) {
    // The operator's key is wrong or lacks the API: worth an error in the logs, not the user's fault.
    log("error", { status }, "provider refused our key");
    throw new ProviderError(provider, "rejected", `${label} refused this server's key. Nothing was saved; the site's operator has been notified.`, 502);
  }
  if (status === 429) {
    log("warn", { status }, "provider rate limited us");
    throw new ProviderError(provider, "busy", `${label} is busy right now. Nothing was saved; please try again in a minute.`, 503);
  }
  log("warn", { status }, "provider failed");
  throw new ProviderError(provider, "failed", `${label} answered with an error (${status}). Nothing was saved; please try again later.`, 502);
}

/** Parses a JSON answer with a zod schema; anything else is a "malformed" ProviderError. */
export function providerJson<T>(provider: ProviderName, operation: string, response: ProviderResponse, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(response.body.toString("utf8"));
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    logger.warn(
      { provider, operation, status: response.status, issues: parsed.error.issues.slice(0, 3).map((i) => i.path.join(".")) },
      "provider answer malformed",
    );
    throw malformed(provider);
  }
  return parsed.data;
}

export function malformed(provider: ProviderName): ProviderError {
  return new ProviderError(provider, "malformed", `${providerLabel(provider)} sent an answer we could not use. Nothing was saved.`, 502);
}

// ---- Per-business budgets -----------------------------------------------------------------------
// Each call costs the operator money, so every business gets a budget per window, kept in Postgres
// (app/utils/rate-limit.server.ts) so it holds across instances.

const PROVIDER_BUDGETS = {
  /** Keystroke-driven (debounced): a few dozen per address typed. */
  "address-suggest": { limit: 300, windowMs: 15 * 60_000 },
  "address-place": { limit: 60, windowMs: 15 * 60_000 },
  "street-view": { limit: 60, windowMs: 60 * 60_000 },
  ai: { limit: 60, windowMs: 60 * 60_000 },
} as const;

export type ProviderBudget = keyof typeof PROVIDER_BUDGETS;

const BUDGET_PROVIDER: Record<ProviderBudget, ProviderName> = {
  "address-suggest": "google",
  "address-place": "google",
  "street-view": "google",
  ai: "ai",
};

/** Counts one call against the business's budget; throws a 429 ProviderError once it is spent. */
export async function spendProviderBudget(budget: ProviderBudget, businessId: string) {
  const result = await hitRateLimit(`provider:${budget}:${businessId}`, PROVIDER_BUDGETS[budget]);
  if (!result.ok) {
    const minutes = Math.ceil(result.retryAfterSeconds / 60);
    const provider = BUDGET_PROVIDER[budget];
    throw new ProviderError(
      provider,
      "limited",
      `You have used ${LABELS[provider]} a lot in a short time. Please wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again.`,
      429,
      result.retryAfterSeconds,
    );
  }
}

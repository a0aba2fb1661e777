// The JSON API's plumbing: one error format, bearer authentication, strict JSON bodies with a size
// cap, rate limits, cursor pagination and ETags. Routes under app/routes/api.v1+/ stay thin.
import { createHash } from "node:crypto";
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { captureRequestError } from "~/utils/sentry.server";
import { ApiTimestamp, type ListQuery } from "~/models/api-schemas";
import { findTokenUser, verifyAccessToken, type AccessClaims } from "~/models/api-token.server";
import { PLAUSIBLE_ID } from "~/models/errors.server";
import type { Cursor } from "~/models/paging.server";
import { logger } from "~/utils/logger.server";
import { countRequest, type RateLimitName } from "~/utils/rate-limit.server";
import { readRawBody } from "~/utils/webhook.server";
import { classifyError } from "~/web/errors.server";

/** JSON bodies of the API are small documents; 100 line items fit in well under this. */
export const API_BODY_LIMIT = 64 * 1024;

type ApiErrorBody = { error: { code: string; message: string; fields?: Record<string, string[]> } };

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public fields?: Record<string, string[]>,
    public headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const NO_STORE = { "Cache-Control": "private, no-store" };

export function apiJson(data: unknown, init: { status?: number; headers?: Record<string, string> } = {}) {
  return new Response(JSON.stringify(data), {
    status: init.status ?? 200,
    headers: { "Content-Type": "application/json; charset=utf-8", ...NO_STORE, ...init.headers },
  });
}

function errorResponse(error: ApiError) {
  const body: ApiErrorBody = { error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } };
  return apiJson(body, { status: error.status, headers: error.headers });
}

const STATUS_CODES: Record<number, [string, string]> = {
  400: ["bad_request", "The request is not valid."],
  401: ["unauthorized", "Sign in again."],
  403: ["forbidden", "You may not do that."],
  404: ["not_found", "Not found."],
  405: ["method_not_allowed", "That method is not allowed here."],
  409: ["conflict", "That conflicts with the current state."],
  410: ["gone", "That is no longer available."],
  429: ["rate_limited", "Too many requests."],
};

/** Turns whatever a handler threw into the API's error format; anything unexpected is a logged 500. */
async function toErrorResponse(error: unknown, request: Request): Promise<Response> {
  if (error instanceof ApiError) return errorResponse(error);
  // Domain errors: the same classification as the web pages (app/web/errors.server.ts).
  const known = classifyError(error);
  if (known) {
    return errorResponse(new ApiError(known.status, known.code, known.message, known.field ? { [known.field]: [known.message] } : undefined));
  }
  if (error instanceof Response) {
    // Infrastructure still throws plain responses (a rate limit's 429); their text is written for people.
    const [code, fallback] = STATUS_CODES[error.status] ?? ["error", "The request failed."];
    const text = (await error.text().catch(() => "")).trim();
    return errorResponse(new ApiError(error.status, code, text && text.length < 300 ? text : fallback));
  }
  const err = error instanceof Error ? { message: error.message, stack: error.stack } : String(error);
  logger.error({ err, method: request.method, path: new URL(request.url).pathname }, "API request failed");
  captureRequestError(error, request);
  return errorResponse(new ApiError(500, "internal_error", "Something went wrong on our side. Try again."));
}

export type ListOptions = z.output<typeof ListQuery>;

type ApiAuth = { claims: AccessClaims; userId: string; businessId: string; user: NonNullable<Awaited<ReturnType<typeof findTokenUser>>> };

function unauthorized(message = "The access token is missing, expired or not valid. Refresh it or sign in again.") {
  return new ApiError(401, "unauthorized", message, undefined, { "WWW-Authenticate": 'Bearer realm="invoice-link"' });
}

/** The caller of a bearer-authenticated request. Tenancy comes from here, never from the body. */
export async function requireApiAuth(request: Request): Promise<ApiAuth> {
  const header = request.headers.get("Authorization") ?? "";
  // Auth scheme names are case-insensitive (RFC 9110 11.1): "bearer" and "BEARER" are Bearer too.
  const match = /^Bearer +([A-Za-z0-9_\-.]+)$/i.exec(header.trim());
  if (!match) throw unauthorized();
  const claims = await verifyAccessToken(match[1]);
  if (!claims) throw unauthorized();
  const user = await findTokenUser(claims);
  if (!user) throw unauthorized("This sign-in was ended (signed out, password changed or token reuse). Sign in again.");
  return { claims, userId: user.id, businessId: user.businessId, user };
}

/** Counts one request against a named limit for the client's IP; a 429 with Retry-After when spent. */
export async function apiRateLimit(name: RateLimitName, context: Pick<AppLoadContext, "clientIp">) {
  const result = await countRequest(name, context);
  if (!result.ok) {
    throw new ApiError(429, "rate_limited", `Too many attempts. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minutes.`, undefined, {
      "Retry-After": String(result.retryAfterSeconds),
    });
  }
}

/** Zod issues as `fields`: each path ("lines.0.unitPriceCents") with its messages. */
export function zodFields(error: z.ZodError) {
  // No prototype: an unknown field called "constructor" or "__proto__" is just a key here.
  const fields: Record<string, string[]> = Object.create(null);
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const path = [...issue.path, key].join(".");
        (fields[path] ??= []).push("Unknown field");
      }
      continue;
    }
    const path = issue.path.join(".") || "body";
    (fields[path] ??= []).push(issue.message);
  }
  return fields;
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(400, "validation_failed", "Some fields are not valid.", zodFields(parsed.error));
  return parsed.data;
}

/**
 * Reads a JSON body (at most API_BODY_LIMIT bytes) and validates it with a strict schema. With
 * `optional`, an empty body (with or without a Content-Type) counts as `{}`, for actions whose
 * every field has a default.
 */
export async function readJson<S extends z.ZodType>(request: Request, schema: S, options: { optional?: boolean } = {}): Promise<z.output<S>> {
  const type = request.headers.get("Content-Type") ?? "";
  const isJson = /^application\/json\s*(;|$)/i.test(type);
  if (!isJson && !options.optional) {
    throw new ApiError(400, "invalid_body", "Send the body as JSON with Content-Type: application/json.");
  }
  const text = await readRawBody(request, API_BODY_LIMIT);
  if (text === null) throw bodyTooLarge();
  if (options.optional && text.trim() === "") return parseOrThrow(schema, {});
  if (!isJson) throw new ApiError(400, "invalid_body", "Send the body as JSON with Content-Type: application/json.");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The body is not valid JSON.");
  }
  return parseOrThrow(schema, value);
}

function bodyTooLarge() {
  return new ApiError(400, "body_too_large", `The body is larger than ${API_BODY_LIMIT / 1024} KB.`, undefined, { Connection: "close" });
}

/**
 * A cache-buster some HTTP clients add to GETs (`_=1712345678`). It is accepted and ignored everywhere
 * (the API answers `Cache-Control: private, no-store` anyway), as the OpenAPI document says.
 */
const CACHE_BUSTER_PARAM = "_";

/**
 * Query parameters validated like a body: unknown parameters are refused, and so is a parameter sent
 * twice (`limit=5&limit=50` has no single meaning).
 */
export function readQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const params = new URL(request.url).searchParams;
  const seen = new Set<string>();
  const fields: Record<string, string[]> = Object.create(null);
  for (const name of params.keys()) {
    if (seen.has(name) && name !== CACHE_BUSTER_PARAM) fields[name] = ["Send this parameter once"];
    seen.add(name);
  }
  if (Object.keys(fields).length) throw new ApiError(400, "validation_failed", "Some fields are not valid.", fields);
  const values = Object.fromEntries(params);
  delete values[CACHE_BUSTER_PARAM];
  return parseOrThrow(schema, values);
}

// Cursor pagination (app/models/paging.server.ts): a cursor the client sent back, or a 400.
export function decodeCursor(value: string | undefined): Cursor | null {
  if (!value) return null;
  try {
    const parsed = z
      .object({ at: ApiTimestamp, id: z.string().regex(PLAUSIBLE_ID) })
      .strict()
      .parse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
    return parsed;
  } catch {
    throw new ApiError(400, "validation_failed", "The cursor is not valid.", { cursor: ["Use the nextCursor of the previous page"] });
  }
}

/** A weak ETag over the representation: any change to what the client sees changes it. */
function etagOf(representation: unknown) {
  return `W/"${createHash("sha256").update(JSON.stringify(representation)).digest("base64url").slice(0, 27)}"`;
}

/** 200 with an ETag, or 304 when the client's If-None-Match already names it. */
export function resourceResponse(request: Request, data: unknown, status = 200) {
  const etag = etagOf(data);
  const ifNoneMatch = request.headers.get("If-None-Match")?.split(/\s*,\s*/);
  // "*" matches any current representation (RFC 9110 13.1.2): the resource exists, so 304.
  if (status === 200 && (ifNoneMatch?.includes(etag) || ifNoneMatch?.includes("*"))) {
    return new Response(null, { status: 304, headers: { ETag: etag, ...NO_STORE } });
  }
  return apiJson({ data }, { status, headers: { ETag: etag } });
}

/** With If-Match, an update only goes ahead if the client saw the current version (else 412). */
export function checkIfMatch(request: Request, current: unknown) {
  const ifMatch = request.headers.get("If-Match");
  if (!ifMatch || ifMatch.trim() === "*") return;
  if (!ifMatch.split(/\s*,\s*/).includes(etagOf(current))) {
    throw new ApiError(412, "precondition_failed", "It was changed since you loaded it. Load it again and retry.");
  }
}

type Handler<A> = (args: A & { request: Request; context: AppLoadContext }) => Promise<Response>;
type Methods = Partial<Record<"POST" | "PATCH" | "PUT" | "DELETE", Handler<ActionFunctionArgs>>>;

/** Runs a handler and answers every failure in the API's error format. */
export async function handleApi(request: Request, run: () => Promise<Response>) {
  try {
    return await run();
  } catch (error) {
    return toErrorResponse(error, request);
  }
}

/** A route's loader: GET (and HEAD) only. */
export function apiLoader(handler?: Handler<LoaderFunctionArgs>) {
  return (args: LoaderFunctionArgs) =>
    handleApi(args.request, () => {
      if (!handler) throw new ApiError(405, "method_not_allowed", "Use POST.", undefined, { Allow: "POST" });
      return handler(args);
    });
}

/** A route's action, dispatching by method; anything else gets 405 with Allow. */
export function apiAction(methods: Methods, loaderAllowed = true) {
  const allow = [...(loaderAllowed ? ["GET"] : []), ...Object.keys(methods)].join(", ");
  return (args: ActionFunctionArgs) =>
    handleApi(args.request, () => {
      const handler = methods[args.request.method.toUpperCase() as keyof Methods];
      if (!handler) throw new ApiError(405, "method_not_allowed", `Allowed: ${allow}.`, undefined, { Allow: allow });
      return handler(args);
    });
}

// One Idempotency-Key mechanism for every creating POST of the API (customers, invoices, estimates,
// payments): a phone that lost the response retries with the same key and gets the first response
// again, with nothing created twice and no invoice number used up.
//
// The key is scoped to (business, key, method + path). The first request claims it by inserting the
// row (the primary key decides between concurrent requests), runs, and stores its 2xx response. A
// retry with the same body replays that response (`Idempotent-Replayed: true`); with another body it
// is a 409. A retry while the first is still running waits for it (then replays), so concurrent
// requests with one key create one thing. A failed first request (4xx, 5xx) keeps nothing, so the
// corrected request can use the same key. The rows themselves are app/models/idempotency.server.ts.
import { createHash } from "node:crypto";
import { claimIdempotencyKey, completeIdempotencyKey, findIdempotencyKey, IDEMPOTENCY_KEY_PATTERN, releaseIdempotencyKey } from "~/models/idempotency.server";
import { ApiError } from "~/web/api.server";

const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
/** A retry waits this long for the first request to finish before it is told to try again later. */
const WAIT_FOR_FIRST_MS = 10_000;
/** A claim older than this whose request never finished (a crashed process) may be taken over. */
const ABANDONED_AFTER_MS = 120_000;

/** The request's Idempotency-Key, or null without one; a malformed key is a 400. */
export function readIdempotencyKey(request: Request): string | null {
  const key = request.headers.get(IDEMPOTENCY_KEY_HEADER);
  if (key === null) return null;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new ApiError(400, "validation_failed", "The Idempotency-Key header is not valid.", {
      [IDEMPOTENCY_KEY_HEADER]: ["Use 8 to 100 letters, digits, - _ : or ."],
    });
  }
  return key;
}

/** JSON with object keys sorted, so {"a":1,"b":2} and {"b":2,"a":1} are the same request. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function requestFingerprint(body: unknown) {
  return createHash("sha256")
    .update(JSON.stringify(canonical(body ?? null)))
    .digest("hex");
}

type Stored = { status: number; body: string; etag: string | null };
type IdempotencyOptions = {
  /** How a stored response is answered again (payments answer 200 with duplicate: true). */
  replay?: (stored: Stored) => Stored;
};

function replayResponse(stored: Stored, options: IdempotencyOptions) {
  const answer = options.replay ? options.replay(stored) : stored;
  return new Response(answer.body, {
    status: answer.status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "private, no-store",
      "Idempotent-Replayed": "true",
      ...(answer.etag ? { ETag: answer.etag } : {}),
    },
  });
}

function keyReused(): ApiError {
  return new ApiError(409, "idempotency_key_reused", "This Idempotency-Key was already used for a different request. Use a new key for a new request.");
}

/**
 * Runs `run` once per (business, Idempotency-Key, route). Without a key it simply runs. `body` is the
 * parsed request body (its fingerprint tells a retry from a different request).
 */
export async function idempotent(
  request: Request,
  businessId: string,
  body: unknown,
  run: () => Promise<Response>,
  options: IdempotencyOptions = {},
): Promise<Response> {
  const key = readIdempotencyKey(request);
  if (key === null) return run();
  const route = `${request.method.toUpperCase()} ${new URL(request.url).pathname}`;
  const fingerprint = requestFingerprint(body);
  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  const id = { businessId, key, route };

  for (;;) {
    if (await claimIdempotencyKey(id, fingerprint)) break;
    const existing = await findIdempotencyKey(id);
    if (!existing) continue; // the first request failed and let go of the key: claim it now
    if (existing.fingerprint !== fingerprint) throw keyReused();
    if (existing.status !== null && existing.responseBody !== null) {
      return replayResponse({ status: existing.status, body: existing.responseBody, etag: existing.etag }, options);
    }
    if (Date.now() - existing.createdAt.getTime() > ABANDONED_AFTER_MS) {
      // Its process died mid-request; the payment path is idempotent by key on its own as well.
      await releaseIdempotencyKey(id, existing.createdAt);
      continue;
    }
    if (Date.now() > deadline) {
      throw new ApiError(409, "idempotency_in_progress", "A request with this Idempotency-Key is still being processed. Retry in a moment.", undefined, {
        "Retry-After": "1",
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  let response: Response;
  try {
    response = await run();
  } catch (error) {
    await releaseIdempotencyKey(id);
    throw error;
  }
  if (response.status < 200 || response.status >= 300) {
    await releaseIdempotencyKey(id);
    return response;
  }
  const text = await response.text();
  await completeIdempotencyKey(id, { status: response.status, body: text, etag: response.headers.get("ETag") });
  return new Response(text, { status: response.status, headers: response.headers });
}

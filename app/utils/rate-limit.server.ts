// Sliding-window rate limits kept in Postgres, so every server instance shares the same counters.
// Each counted request is a row; a transaction-scoped advisory lock on the key serialises
// concurrent requests for the same key, so the limit is exact even under a burst.
import type { AppLoadContext } from "@remix-run/node";
import { prisma } from "./db.server";

export const RATE_LIMITS = {
  login: { limit: 10, windowMs: 15 * 60_000 },
  signup: { limit: 10, windowMs: 15 * 60_000 },
  "password-change": { limit: 10, windowMs: 15 * 60_000 },
  // Closing the account asks for the password again: as guarded as a password change.
  "account-closure": { limit: 10, windowMs: 15 * 60_000 },
  "forgot-password": { limit: 10, windowMs: 15 * 60_000 },
  "reset-password": { limit: 10, windowMs: 15 * 60_000 },
  // The API's refresh-token exchange (login and password change share the web's counters above).
  refresh: { limit: 10, windowMs: 15 * 60_000 },
  // Starting a hosted checkout calls Stripe or PayPal: cap it per IP so nobody can spam them through us.
  checkout: { limit: 20, windowMs: 15 * 60_000 },
  // PDFs drawn for a signed customer link (invoice, receipt): CPU work anyone holding a link can ask for.
  "customer-pdf": { limit: 30, windowMs: 15 * 60_000 },
} as const;

export type RateLimitName = keyof typeof RATE_LIMITS;

type RateLimitResult = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

// Calls for the same key in this process wait their turn here, before taking a pool connection.
// Otherwise a burst on one key (one client hammering /login) would park every pooled connection
// on the advisory lock, starving other keys and every other query until Prisma gives up with
// "Unable to start a transaction in the given time" (a 500). Across processes the lock still serialises.
const localQueues = new Map<string, Promise<unknown>>();

function inLocalQueue<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = localQueues.get(key) ?? Promise.resolve();
  const run = previous.then(work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  localQueues.set(key, tail);
  void tail.then(() => {
    if (localQueues.get(key) === tail) localQueues.delete(key);
  });
  return run;
}

export async function hitRateLimit(key: string, { limit, windowMs }: { limit: number; windowMs: number }, now: Date = new Date()): Promise<RateLimitResult> {
  return inLocalQueue(key, () => countHit(key, { limit, windowMs }, now));
}

async function countHit(key: string, { limit, windowMs }: { limit: number; windowMs: number }, now: Date): Promise<RateLimitResult> {
  const windowStart = new Date(now.getTime() - windowMs);
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`rate:${key}`}, 0))`;
      // Rows older than the window can never count again for this key.
      await tx.rateLimitHit.deleteMany({ where: { key, createdAt: { lte: windowStart } } });
      const hits = await tx.rateLimitHit.findMany({
        where: { key, createdAt: { gt: windowStart } },
        orderBy: { createdAt: "asc" },
        select: { createdAt: true },
        take: limit,
      });
      if (hits.length >= limit) {
        const freesAt = hits[0].createdAt.getTime() + windowMs;
        return { ok: false as const, retryAfterSeconds: Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000)) };
      }
      await tx.rateLimitHit.create({ data: { key, createdAt: now } });
      return { ok: true as const, remaining: limit - hits.length - 1 };
    },
    { maxWait: 10_000, timeout: 10_000 },
  ); // other processes may hold the key's lock under a burst
}

/** Counts one request of `name` for the client's IP: the web's 429 page and the API's JSON 429 both start here. */
export function countRequest(name: RateLimitName, context: Pick<AppLoadContext, "clientIp">) {
  return hitRateLimit(`${name}:${context.clientIp}`, RATE_LIMITS[name]);
}

/**
 * Counts one request of `name` for the client's IP and throws a 429 response (rendered by the
 * root error boundary, with Retry-After) once the limit is spent.
 */
export async function enforceRateLimit(name: RateLimitName, context: Pick<AppLoadContext, "clientIp">) {
  const result = await countRequest(name, context);
  if (!result.ok) {
    const minutes = Math.ceil(result.retryAfterSeconds / 60);
    throw new Response(`Too many attempts. Please wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again.`, {
      status: 429,
      statusText: "Too Many Requests",
      headers: { "Retry-After": String(result.retryAfterSeconds), "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}

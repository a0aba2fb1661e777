// The API's Idempotency-Key rows: one per (business, key, method + path), claimed by the first request
// (the primary key decides between concurrent requests) and holding its 2xx response once it finishes.
// This module only keeps the rows; the API's request handling around them (reading the header, telling a
// retry from another request, replaying the stored response) is app/web/api/idempotency.server.ts.
import { prisma } from "~/utils/db.server";

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_\-:.]{8,100}$/;
/** Keys are remembered this long: far longer than any client keeps retrying one request. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;

type KeyId = { businessId: string; key: string; route: string };

/** Claims the key for a first request; false when a row for it exists already. */
export async function claimIdempotencyKey(id: KeyId, fingerprint: string) {
  const inserted = await prisma.idempotencyKey.createMany({ data: [{ ...id, fingerprint }], skipDuplicates: true });
  return inserted.count === 1;
}

/** The key's row: its request's fingerprint, and the stored response once that request finished. */
export function findIdempotencyKey({ businessId, key, route }: KeyId) {
  return prisma.idempotencyKey.findUnique({ where: { businessId_key_route: { businessId, key, route } } });
}

/**
 * Lets go of a claim whose request kept nothing (it failed, or its process died: then only the claim made
 * at `createdAt`), so the corrected or retried request can use the same key.
 */
export function releaseIdempotencyKey(id: KeyId, createdAt?: Date) {
  return prisma.idempotencyKey.deleteMany({ where: { ...id, status: null, ...(createdAt ? { createdAt } : {}) } });
}

/** Stores the first request's 2xx response, which every retry with the key then gets again. */
export function completeIdempotencyKey({ businessId, key, route }: KeyId, response: { status: number; body: string; etag: string | null }) {
  return prisma.idempotencyKey.update({
    where: { businessId_key_route: { businessId, key, route } },
    data: { status: response.status, responseBody: response.body, etag: response.etag, completedAt: new Date() },
  });
}

/** The nightly cleanup: keys older than the retention period. */
export function pruneIdempotencyKeys(now = new Date()) {
  return prisma.idempotencyKey.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - IDEMPOTENCY_RETENTION_HOURS * 3_600_000) } } });
}

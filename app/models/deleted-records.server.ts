// Tombstones for the apps' sync. An app syncs with `updatedSince`; something deleted (a draft
// deleted, a customer erased with their estimates, a payment removed with its invoice) would simply
// stop appearing, and the app would keep it forever. A database trigger (migration
// 20261203140000_api_contract_hardening) writes a DeletedRecord on every delete path, with ids only:
// an erased person's tombstone is their customer id and nothing else. GET /api/v1/deletions lists them.
import type { Prisma } from "~/generated/prisma/client.ts";
import { keysetWhere, pageOf, type Cursor } from "~/models/paging.server";
import { prisma } from "~/utils/db.server";
import { REFRESH_TOKEN_IDLE_MS } from "~/models/api-token.server";

export const DELETED_RESOURCES = ["customer", "invoice", "estimate", "payment"] as const;
type DeletedResource = (typeof DELETED_RESOURCES)[number];

/**
 * Kept longer than a signed-in app can go without syncing (its refresh token lapses after 7 days of
 * disuse) plus a wide margin. An app whose last sync is older than this starts over with a full sync.
 */
export const DELETION_RETENTION_DAYS = Math.ceil(REFRESH_TOKEN_IDLE_MS / 86_400_000) + 23;

export async function listDeletions(businessId: string, options: { limit: number; since?: string; resource?: DeletedResource }, cursor: Cursor | null) {
  const where: Prisma.DeletedRecordWhereInput = {
    businessId,
    ...(options.resource ? { resource: options.resource } : {}),
    AND: [keysetWhere("deletedAt", cursor, "asc"), options.since ? { deletedAt: { gte: new Date(options.since) } } : {}],
  };
  const rows = await prisma.deletedRecord.findMany({ where, orderBy: [{ deletedAt: "asc" }, { id: "asc" }], take: options.limit + 1 });
  const page = pageOf(rows, options.limit, (r) => r.deletedAt);
  return {
    data: page.data.map((r) => ({ resource: r.resource as DeletedResource, id: r.resourceId, deletedAt: r.deletedAt.toISOString() })),
    nextCursor: page.nextCursor,
  };
}

/** The nightly cleanup: tombstones past the retention period. */
export function pruneDeletedRecords(now = new Date()) {
  return prisma.deletedRecord.deleteMany({ where: { deletedAt: { lt: new Date(now.getTime() - DELETION_RETENTION_DAYS * 86_400_000) } } });
}

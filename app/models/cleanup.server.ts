// Housekeeping (the nightly cleanup cron job): expired sessions, used or expired reset tokens, rate
// limit rows older than the longest window, lapsed API sign-ins, heartbeats of workers long gone, and the bytes of expired
// data exports, API idempotency keys and sync tombstones past their retention, receipt photos that were read
// but never saved with an expense, onboarding states (Stripe Connect, PayPal) a day past their expiry, closed
// businesses past the records retention period, processed Stripe Billing event ids older than a month, and
// noted business changes older than any kept page can need (business-changes.server.ts).
import { prisma } from "~/utils/db.server";
import { pruneDeletedRecords } from "~/models/deleted-records.server";
import { pruneIdempotencyKeys } from "~/models/idempotency.server";
import { purgeClosedBusinesses } from "./account-closure.server";
import { pruneBusinessChanges } from "./business-changes.server";
import { deleteLapsedFamilies, pruneRotatedTokens } from "./api-token.server";
import { pruneProcessedBillingEvents } from "./billing-events.server";
import { deleteExpiredConnectStates } from "./payments/connect-state.server";
import { expireDataExports } from "./data-export.server";
import { deleteStaleDraftReceipts } from "./expense.server";

export async function cleanupExpired(now = new Date()) {
  const day = 86_400_000;
  const [
    sessions,
    tokens,
    hits,
    heartbeats,
    dataExports,
    apiFamilies,
    rotatedTokens,
    draftReceipts,
    closedBusinesses,
    connectStates,
    idempotencyKeys,
    deletedRecords,
  ] = await Promise.all([
    prisma.session.deleteMany({ where: { expiresAt: { lt: now } } }),
    prisma.passwordResetToken.deleteMany({ where: { OR: [{ expiresAt: { lt: now } }, { usedAt: { not: null } }] } }),
    prisma.rateLimitHit.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - day) } } }),
    prisma.workerHeartbeat.deleteMany({ where: { lastSeenAt: { lt: new Date(now.getTime() - 7 * day) } } }),
    expireDataExports(now),
    deleteLapsedFamilies(now),
    pruneRotatedTokens(now),
    deleteStaleDraftReceipts(now),
    purgeClosedBusinesses(now),
    deleteExpiredConnectStates(now),
    pruneIdempotencyKeys(now),
    pruneDeletedRecords(now),
  ]);
  const billingEvents = await pruneProcessedBillingEvents(now);
  const businessChanges = await pruneBusinessChanges();
  return {
    billingEvents,
    businessChanges,
    sessions: sessions.count,
    resetTokens: tokens.count,
    rateLimitHits: hits.count,
    heartbeats: heartbeats.count,
    dataExports,
    apiSignIns: apiFamilies.count,
    rotatedRefreshTokens: rotatedTokens.count,
    draftReceipts,
    closedBusinesses,
    connectStates: connectStates.count,
    idempotencyKeys: idempotencyKeys.count,
    deletedRecords: deletedRecords.count,
  };
}

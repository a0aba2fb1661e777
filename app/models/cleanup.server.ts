// Housekeeping (the nightly cleanup cron job): expired sessions, used or expired reset tokens, rate
// limit rows older than the longest window, and heartbeats of workers long gone.
import { prisma } from "~/utils/db.server";

export async function cleanupExpired(now = new Date()) {
  const day = 86_400_000;
  const [sessions, tokens, hits, heartbeats] = await Promise.all([
    prisma.session.deleteMany({ where: { expiresAt: { lt: now } } }),
    prisma.passwordResetToken.deleteMany({ where: { OR: [{ expiresAt: { lt: now } }, { usedAt: { not: null } }] } }),
    prisma.rateLimitHit.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - day) } } }),
    prisma.workerHeartbeat.deleteMany({ where: { lastSeenAt: { lt: new Date(now.getTime() - 7 * day) } } }),
  ]);
  return { sessions: sessions.count, resetTokens: tokens.count, rateLimitHits: hits.count, heartbeats: heartbeats.count };
}

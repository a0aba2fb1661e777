// Where a user is signed in: web sessions (browsers) and API sign-ins (the mobile apps' refresh token
// families), each of which the user can end. Every query is scoped by the user's id: another user's
// session or device id matches nothing.
import { createHash } from "node:crypto";
import { prisma } from "~/utils/db.server";

export async function listDevices(userId: string, currentSessionId: string) {
  const [sessions, apps] = await Promise.all([
    prisma.session.findMany({
      where: { userId, expiresAt: { gt: new Date() } },
      orderBy: { createdAt: "desc" },
      select: { id: true, createdAt: true, expiresAt: true, ip: true, userAgent: true },
    }),
    prisma.refreshTokenFamily.findMany({
      where: { userId, tokens: { some: { expiresAt: { gt: new Date() } } } },
      orderBy: { lastUsedAt: "desc" },
      select: { id: true, createdAt: true, lastUsedAt: true, ip: true, userAgent: true },
    }),
  ]);
  return {
    // The session id is the cookie's value: the page gets an opaque handle, never the id itself.
    browsers: sessions.map((s) => ({ ...s, id: handleOf(s.id), current: s.id === currentSessionId })),
    apps,
  };
}

/** Session ids are bearer secrets; the page refers to a session by a hash of its id instead. */
export function handleOf(sessionId: string) {
  return createHash("sha256").update(`device:${sessionId}`).digest("base64url").slice(0, 22);
}

/** Ends one browser session of the user (by its handle); false when the user has no such session. */
export async function signOutBrowser(userId: string, handle: string) {
  const sessions = await prisma.session.findMany({ where: { userId }, select: { id: true } });
  const match = sessions.find((s) => handleOf(s.id) === handle);
  if (!match) return false;
  await prisma.session.deleteMany({ where: { id: match.id, userId } });
  return true;
}

/** Ends one mobile app sign-in of the user; its access tokens stop working at once. */
export async function signOutApp(userId: string, familyId: string) {
  const { count } = await prisma.refreshTokenFamily.deleteMany({ where: { id: familyId, userId } });
  return count === 1;
}

/** Ends every sign-in of the user except this browser. */
export async function signOutEverywhereElse(userId: string, currentSessionId: string) {
  const [browsers, apps] = await prisma.$transaction([
    prisma.session.deleteMany({ where: { userId, id: { not: currentSessionId } } }),
    prisma.refreshTokenFamily.deleteMany({ where: { userId } }),
  ]);
  return browsers.count + apps.count;
}

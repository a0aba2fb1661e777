// API authentication for the mobile apps: short-lived JWT access tokens and rotating refresh tokens.
//
// A sign-in creates a token *family* (one device). The family has exactly one live refresh token;
// each refresh deletes it and creates the next one in the same transaction, and remembers the hash
// of the spent one. Presenting a spent token again means a copy exists somewhere: the whole family
// is revoked, so the thief and the victim are both signed out and the victim signs in again.
// Access tokens name their family (`sid`) and every request checks the family still exists, so
// logout, reuse detection and a password change end access tokens at once, not 15 minutes later.
// See docs/decisions/009-api-tokens.md.
import { createHmac, randomUUID } from "node:crypto";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { prisma } from "~/utils/db.server";
import { randomToken, sha256Hex } from "~/utils/crypto.server";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";
import { recordActivity } from "./activity.server";
import { verifyLogin } from "./user.server";

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_IDLE_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * A spent token presented within this long of its rotation is a retry of the same app whose response
 * was lost (a phone in a basement), or a concurrent request: from the same app (same User-Agent) while
 * the successor is still unused, it gets the same successor again, so the app ends with a working
 * pair; otherwise it gets nothing (409) but does not end the sign-in. Later, it can only be a copy,
 * and the family is revoked. See docs/decisions/013-refresh-retry.md.
 */
export const REUSE_GRACE_MS = 60_000;
const ISSUER = "invoice-link";
const AUDIENCE = "invoice-link-api";
const ALGORITHM = "HS256";

export type TokenPair = {
  tokenType: "Bearer";
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshToken: string;
  /** When the refresh token lapses if it is not used (ISO 8601). */
  refreshTokenExpiresAt: string;
};

export type AccessClaims = { userId: string; businessId: string; familyId: string };

const encoder = new TextEncoder();
const keys = () => env().JWT_SECRETS.map((secret) => encoder.encode(secret));

async function signAccessToken(claims: AccessClaims, now = new Date()) {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ bid: claims.businessId, sid: claims.familyId })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ACCESS_TOKEN_TTL_SECONDS)
    .sign(keys()[0]);
}

/**
 * The claims of a valid access token, or null. Only HS256 is accepted (so `alg: none` and any other
 * algorithm fail), with our issuer and audience, unexpired at `now`. Every configured JWT_SECRET
 * verifies, so a rotation does not sign the apps out.
 */
export async function verifyAccessToken(token: string, now = new Date()): Promise<AccessClaims | null> {
  if (token.length > 4096) return null;
  for (const key of keys()) {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: now,
        requiredClaims: ["exp", "iat", "sub"],
      });
      const { sub, bid, sid } = payload;
      if (typeof sub !== "string" || typeof bid !== "string" || typeof sid !== "string") return null;
      return { userId: sub, businessId: bid, familyId: sid };
    } catch (error) {
      // A signature made with an older secret: try the next one. Anything else is final.
      if (error instanceof joseErrors.JWSSignatureVerificationFailed) continue;
      return null;
    }
  }
  return null;
}

type DeviceMeta = { ip?: string; userAgent?: string | null };

async function tokenPair(claims: AccessClaims, refreshToken: string, refreshExpiresAt: Date, now: Date): Promise<TokenPair> {
  return {
    tokenType: "Bearer",
    accessToken: await signAccessToken(claims, now),
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    refreshToken,
    refreshTokenExpiresAt: refreshExpiresAt.toISOString(),
  };
}

/**
 * The refresh token that replaces `spent`: derived from it with a server secret (HMAC), not random, so
 * a retry of the same refresh can be answered with the same successor without storing any token in
 * the clear. Only its hash is stored, like every refresh token.
 */
function successorOf(spent: string) {
  return createHmac("sha256", env().JWT_SECRETS[0]).update(`refresh-successor:${spent}`).digest("base64url");
}

const sameApp = (stored: string | null, userAgent: string | null | undefined) => stored === (userAgent?.slice(0, 300) ?? null);

/** A new family (a signed-in device) for the user, with its first refresh token. */
export async function issueTokens(user: { id: string; businessId: string }, meta: DeviceMeta = {}, now = new Date()): Promise<TokenPair> {
  const familyId = randomUUID();
  const refreshToken = randomToken(32);
  const expiresAt = new Date(now.getTime() + REFRESH_TOKEN_IDLE_MS);
  await prisma.refreshTokenFamily.create({
    data: {
      id: familyId,
      userId: user.id,
      businessId: user.businessId,
      createdAt: now,
      lastUsedAt: now,
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      tokens: { create: { tokenHash: sha256Hex(refreshToken), createdAt: now, expiresAt } },
    },
  });
  return tokenPair({ userId: user.id, businessId: user.businessId, familyId }, refreshToken, expiresAt, now);
}

/** Email and password in, a token pair out; null for wrong credentials (same answer for an unknown email). */
export async function loginWithPassword(email: string, password: string, meta: DeviceMeta = {}, now = new Date()) {
  const user = await verifyLogin(email, password);
  return user ? issueTokens(user, meta, now) : null;
}

type RefreshResult = { ok: true; tokens: TokenPair } | { ok: false; reason: "invalid" | "expired" | "reused" | "in-progress" };

/**
 * Exchanges a refresh token for a new pair. The DELETE ... RETURNING both claims and removes the
 * token, so of any number of concurrent requests with one token exactly one rotates; the rest find
 * it rotated a moment ago and, from the same app while the successor is unused, get that same
 * successor (so a lost response costs nothing); otherwise "in-progress" (nothing issued, nothing
 * revoked). A spent token presented after REUSE_GRACE_MS is a copy: the whole family is revoked.
 */
export async function rotateRefreshToken(refreshToken: string, meta: DeviceMeta = {}, now = new Date()): Promise<RefreshResult> {
  if (refreshToken.length === 0 || refreshToken.length > 200) return { ok: false, reason: "invalid" };
  const tokenHash = sha256Hex(refreshToken);
  return prisma.$transaction(async (tx) => {
    const claimed = await tx.$queryRaw<{ familyId: string; expiresAt: Date }[]>`
      DELETE FROM "RefreshToken" WHERE "tokenHash" = ${tokenHash} RETURNING "familyId", "expiresAt"`;
    if (claimed.length === 0) {
      const spent = await tx.rotatedRefreshToken.findUnique({
        where: { tokenHash },
        select: {
          familyId: true,
          rotatedAt: true,
          family: { select: { userId: true, businessId: true, userAgent: true, tokens: { select: { tokenHash: true, expiresAt: true } } } },
        },
      });
      if (!spent) return { ok: false, reason: "invalid" } as const;
      if (now.getTime() - spent.rotatedAt.getTime() < REUSE_GRACE_MS) {
        // A retry (or a concurrent twin) of the rotation that succeeded: while its successor is unused,
        // the same app gets that successor again, with a fresh access token. Nothing is rotated.
        const successor = successorOf(refreshToken);
        const live = spent.family.tokens[0];
        if (live && live.tokenHash === sha256Hex(successor) && live.expiresAt > now && sameApp(spent.family.userAgent, meta.userAgent)) {
          await tx.refreshTokenFamily.update({ where: { id: spent.familyId }, data: { lastUsedAt: now, ip: meta.ip } });
          const owner = { userId: spent.family.userId, businessId: spent.family.businessId, familyId: spent.familyId };
          return { ok: true, tokens: await tokenPair(owner, successor, live.expiresAt, now) } as const;
        }
        return { ok: false, reason: "in-progress" } as const;
      }
      // Concurrent copies may all get here; one of them ends the family and records it.
      const revoked = await tx.refreshTokenFamily.deleteMany({ where: { id: spent.familyId } });
      if (revoked.count === 0) return { ok: false, reason: "reused" } as const;
      await recordActivity(tx, {
        businessId: spent.family.businessId,
        type: "security.refresh-token-reused",
        message: "A mobile sign-in was ended: its refresh token was used twice, which means it was copied. Sign in again on that device.",
      });
      logger.warn({ userId: spent.family.userId, familyId: spent.familyId }, "refresh token reused: family revoked");
      return { ok: false, reason: "reused" } as const;
    }
    const { familyId, expiresAt } = claimed[0];
    if (expiresAt.getTime() <= now.getTime()) {
      await tx.refreshTokenFamily.delete({ where: { id: familyId } });
      return { ok: false, reason: "expired" } as const;
    }
    const family = await tx.refreshTokenFamily.update({
      where: { id: familyId },
      data: { lastUsedAt: now, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) ?? undefined },
      select: { userId: true, businessId: true },
    });
    const next = successorOf(refreshToken);
    const nextExpiresAt = new Date(now.getTime() + REFRESH_TOKEN_IDLE_MS);
    await tx.rotatedRefreshToken.create({ data: { tokenHash, familyId, rotatedAt: now } });
    await tx.refreshToken.create({ data: { tokenHash: sha256Hex(next), familyId, createdAt: now, expiresAt: nextExpiresAt } });
    return { ok: true, tokens: await tokenPair({ userId: family.userId, businessId: family.businessId, familyId }, next, nextExpiresAt, now) } as const;
  });
}

/**
 * Signs a device out. The caller (from the access token) must present the family's live refresh
 * token: an access token alone, or someone else's refresh token, revokes nothing.
 */
export async function logoutDevice(caller: AccessClaims, refreshToken: string): Promise<boolean> {
  if (refreshToken.length === 0 || refreshToken.length > 200) return false;
  const deleted = await prisma.refreshTokenFamily.deleteMany({
    where: { userId: caller.userId, businessId: caller.businessId, tokens: { some: { tokenHash: sha256Hex(refreshToken) } } },
  });
  return deleted.count === 1;
}

/** The signed-in user behind a verified access token, or null when its family was revoked. */
export async function findTokenUser(claims: AccessClaims) {
  const family = await prisma.refreshTokenFamily.findUnique({
    where: { id: claims.familyId },
    select: {
      userId: true,
      businessId: true,
      user: { select: { id: true, email: true, name: true, role: true, businessId: true } },
    },
  });
  if (!family || family.userId !== claims.userId || family.businessId !== claims.businessId) return null;
  return family.user;
}

/** Families whose refresh token lapsed (or that have none): nothing can revive them. */
export function deleteLapsedFamilies(now = new Date()) {
  return prisma.refreshTokenFamily.deleteMany({ where: { tokens: { none: { expiresAt: { gt: now } } } } });
}

/**
 * Spent tokens older than the idle limit: a copy presented now would have lapsed anyway, so it is
 * simply refused as unknown instead of ending the family.
 */
export function pruneRotatedTokens(now = new Date()) {
  return prisma.rotatedRefreshToken.deleteMany({ where: { rotatedAt: { lt: new Date(now.getTime() - REFRESH_TOKEN_IDLE_MS) } } });
}

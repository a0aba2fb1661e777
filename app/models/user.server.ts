// Accounts: sign-up, credentials, password changes and password resets. The rules live here once.
import bcrypt from "bcrypt";
import { prisma } from "~/utils/db.server";
import { randomToken, sha256Hex } from "~/utils/crypto.server";

export const BCRYPT_COST = 12;
export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;

export type AuthUser = { id: string; businessId: string; email: string; name: string };

const authUserSelect = { id: true, businessId: true, email: true, name: true } as const;

export function hashPassword(password: string) {
  return bcrypt.hash(password, BCRYPT_COST);
}

// Compared against when the email is unknown, so a miss costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;
function getDummyHash() {
  dummyHash ??= bcrypt.hash(randomToken(16), BCRYPT_COST);
  return dummyHash;
}

export async function verifyLogin(email: string, password: string): Promise<AuthUser | null> {
  const user = await prisma.user.findUnique({ where: { email }, select: { ...authUserSelect, passwordHash: true } });
  if (!user) {
    await bcrypt.compare(password, await getDummyHash());
    return null;
  }
  if (!(await bcrypt.compare(password, user.passwordHash))) return null;
  const { passwordHash: _, ...authUser } = user;
  return authUser;
}

export class EmailTakenError extends Error {
  constructor() {
    super("An account with this email already exists");
    this.name = "EmailTakenError";
  }
}

/** Creates a business and its owner in one transaction. */
export async function createAccount(input: { businessName: string; name: string; email: string; password: string }) {
  const { password, ...account } = input;
  return createAccountWithPasswordHash({ ...account, passwordHash: await hashPassword(password) });
}

/**
 * Sign-up for a password already hashed with hashPassword: the test account factory
 * (tests/helpers/accounts.ts) hashes each password once per file, as bcrypt at cost 12 takes ~250 ms.
 */
export async function createAccountWithPasswordHash(input: { businessName: string; name: string; email: string; passwordHash: string }) {
  const { passwordHash } = input;
  try {
    return await prisma.$transaction(async (tx) => {
      const business = await tx.business.create({ data: { name: input.businessName } });
      return tx.user.create({
        data: { businessId: business.id, email: input.email, name: input.name, passwordHash, role: "OWNER" },
        select: authUserSelect,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTakenError();
    throw error;
  }
}

export function isUniqueViolation(error: unknown) {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: string }).code === "P2002";
}

/**
 * Sets a new password and revokes every web session and API refresh token of the user on every device.
 * Returns false (and changes nothing) when the current password is wrong.
 */
export async function changePassword(userId: string, currentPassword: string, newPassword: string) {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (!user || !(await bcrypt.compare(currentPassword, user.passwordHash))) return false;
  const passwordHash = await hashPassword(newPassword);
  await prisma.$transaction([
    prisma.user.update({ where: { id: userId }, data: { passwordHash } }),
    prisma.session.deleteMany({ where: { userId } }),
    prisma.refreshTokenFamily.deleteMany({ where: { userId } }),
    prisma.passwordResetToken.deleteMany({ where: { userId } }),
  ]);
  return true;
}

/**
 * Creates a single-use reset token for a known email (only its hash is stored) and returns it with
 * the user, or null for an unknown email. Earlier unused tokens of the user stop working.
 */
export async function createPasswordResetToken(email: string) {
  const user = await prisma.user.findUnique({ where: { email }, select: authUserSelect });
  if (!user) return null;
  const token = randomToken(32);
  await prisma.$transaction(async (tx) => {
    // Lock the user's row so concurrent requests replace each other's token one at a time;
    // otherwise each deletes nothing the other can see yet and both tokens stay valid.
    await tx.$executeRaw`SELECT 1 FROM "User" WHERE "id" = ${user.id} FOR UPDATE`;
    await tx.passwordResetToken.deleteMany({ where: { userId: user.id } });
    await tx.passwordResetToken.create({
      data: { userId: user.id, tokenHash: sha256Hex(token), expiresAt: new Date(Date.now() + RESET_TOKEN_TTL_MS) },
    });
  });
  return { user, token };
}

/** True when the token exists, is unused and has not expired. */
export async function isResetTokenUsable(token: string) {
  const row = await prisma.passwordResetToken.findUnique({ where: { tokenHash: sha256Hex(token) } });
  return Boolean(row && !row.usedAt && row.expiresAt.getTime() > Date.now());
}

/**
 * Consumes the token and sets the password in one transaction. The conditional update makes the
 * token single-use even when two requests race. Every session of the user is revoked.
 */
export async function resetPassword(token: string, newPassword: string): Promise<boolean> {
  // A cheap look-up first, so a guessed, spent or expired token costs no bcrypt work.
  if (!(await isResetTokenUsable(token))) return false;
  const passwordHash = await hashPassword(newPassword);
  const tokenHash = sha256Hex(token);
  return prisma.$transaction(async (tx) => {
    const now = new Date();
    const claimed = await tx.passwordResetToken.updateMany({
      where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) return false;
    const row = await tx.passwordResetToken.findUniqueOrThrow({ where: { tokenHash }, select: { userId: true } });
    await tx.user.update({ where: { id: row.userId }, data: { passwordHash } });
    await tx.session.deleteMany({ where: { userId: row.userId } });
    await tx.refreshTokenFamily.deleteMany({ where: { userId: row.userId } });
    await tx.passwordResetToken.deleteMany({ where: { userId: row.userId, usedAt: null } });
    return true;
  });
}

// Single-use states for a provider's onboarding round trip (PayPal Partner Referrals here; Stripe Account
// Links use the same table). The random value only travels in the return URL; the row holds its SHA-256,
// the signed-in session and business that started onboarding, and an expiry. A state from another
// session or business, an expired one or one already used is refused (400) and changes nothing.
import type { Prisma } from "~/generated/prisma/client.ts";
import { prisma } from "~/utils/db.server";
import { randomToken, sha256Hex } from "~/utils/crypto.server";

type Tx = Prisma.TransactionClient;

type ConnectProvider = "stripe" | "paypal";
type ConnectPurpose = "return" | "refresh";

/** Long enough to sign up for a PayPal business account from scratch; short enough to be useless later. */
export const CONNECT_STATE_TTL_MS = 2 * 60 * 60 * 1000;

/** Onboarding state that is not ours, expired or used: a 400, nothing changed. */
export class ConnectStateError extends Error {
  status = 400;
  constructor(message = "This link is not valid any more. Start connecting again from Settings → Payments.") {
    super(message);
    this.name = "ConnectStateError";
  }
}

/** A new random state value (to put in the URL) and the row that will recognise it (written later by the caller). */
export function newConnectState(input: {
  businessId: string;
  sessionId: string;
  provider: ConnectProvider;
  purpose: ConnectPurpose;
  now?: Date;
  ttlMs?: number;
}) {
  const value = randomToken(32);
  const now = input.now ?? new Date();
  return {
    value,
    row: {
      id: sha256Hex(value),
      businessId: input.businessId,
      sessionId: input.sessionId,
      provider: input.provider,
      purpose: input.purpose,
      expiresAt: new Date(now.getTime() + (input.ttlMs ?? CONNECT_STATE_TTL_MS)),
    },
  };
}

const matching = (value: unknown, expected: { businessId: string; sessionId: string; provider: ConnectProvider; purpose: ConnectPurpose }) => {
  if (typeof value !== "string" || !/^[A-Za-z0-9_-]{20,100}$/.test(value)) return null;
  return { id: sha256Hex(value), ...expected, usedAt: null, expiresAt: { gt: new Date() } };
};

/** Whether the state is valid now, without using it (so a provider failure afterwards leaves it usable). */
export async function checkConnectState(
  value: unknown,
  expected: { businessId: string; sessionId: string; provider: ConnectProvider; purpose: ConnectPurpose },
  error: () => Error = () => new ConnectStateError(),
) {
  const where = matching(value, expected);
  if (!where || !(await prisma.connectState.count({ where }))) throw error();
}

/**
 * Uses the state up inside the caller's transaction; a second use (a replay, or a race) throws. The
 * conditional update is the atomic check, so of two requests with the same state exactly one gets past it.
 * With `spendSiblings`, this session's other unused states of the provider (the other URL of the same
 * link, older links) are spent with it.
 */
export async function consumeConnectState(
  tx: Tx,
  value: unknown,
  expected: { businessId: string; sessionId: string; provider: ConnectProvider; purpose: ConnectPurpose },
  options: { spendSiblings?: boolean; error?: () => Error } = {},
) {
  const refuse = options.error ?? (() => new ConnectStateError());
  const where = matching(value, expected);
  if (!where) throw refuse();
  const now = new Date();
  const used = await tx.connectState.updateMany({ where, data: { usedAt: now } });
  if (used.count !== 1) throw refuse();
  if (options.spendSiblings) {
    const { businessId, sessionId, provider } = expected;
    await tx.connectState.updateMany({ where: { businessId, sessionId, provider, usedAt: null }, data: { usedAt: now } });
  }
}

/** The nightly cleanup: states a day past their expiry go. */
export function deleteExpiredConnectStates(now = new Date()) {
  return prisma.connectState.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 86_400_000) } } });
}

// Errors the domain raises; routes turn them into 404s and field errors.

/** Thrown when a row does not exist *for this business*: another tenant's id looks exactly like a missing one. */
export function notFound(what = "Not found"): never {
  throw new Response(what, { status: 404, statusText: "Not Found" });
}

// Ids are cuids; anything else (too long, control characters, a NUL Postgres would refuse) cannot match.
export const PLAUSIBLE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A 404 for an id that cannot be one of ours, before any query. */
export function requirePlausibleId(id: string, what: string) {
  if (!PLAUSIBLE_ID.test(id)) notFound(`${what} not found`);
}

/** A rule of the domain was broken by otherwise well-formed input; shown to the user, status 400. */
export class DomainError extends Error {
  constructor(
    message: string,
    public field?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/**
 * For read-modify-write clients (the API's PATCH): the row, read again under its lock, must still be
 * the version the change was computed from; otherwise a change made in between would be overwritten.
 */
export function assertUnchanged(current: { updatedAt: Date }, expectedUpdatedAt: Date | undefined) {
  if (expectedUpdatedAt && current.updatedAt.getTime() !== expectedUpdatedAt.getTime()) {
    throw new DomainError("It was changed by someone else meanwhile. Load it again and retry.");
  }
}

/**
 * The business's Invoice Link subscription does not allow creating or sending (unpaid, canceled, or a
 * trial that ended without a plan). A DomainError, so every web form already shows its message; the
 * API answers 402 with code `subscription_required` (app/web/api.server.ts).
 */
export class ReadOnlyAccountError extends DomainError {
  code = "subscription_required" as const;
  constructor(public reason: "trial_ended" | "unpaid" | "canceled") {
    super(
      reason === "trial_ended"
        ? "Your free trial has ended, so the account is read-only: nothing new can be created or sent. Choose a plan in Settings → Subscription to continue. Your customers can still pay the links you sent."
        : reason === "unpaid"
          ? "Your Invoice Link subscription is unpaid, so the account is read-only: nothing new can be created or sent. Update your card in Settings → Subscription to continue. Your customers can still pay the links you sent."
          : "Your Invoice Link subscription has ended, so the account is read-only: nothing new can be created or sent. Subscribe again in Settings → Subscription to continue. Your customers can still pay the links you sent.",
    );
    this.name = "ReadOnlyAccountError";
  }
}

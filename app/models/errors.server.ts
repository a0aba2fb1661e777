// Errors the domain raises. The domain never builds HTTP responses: the web layer (app/web/errors.server.ts)
// turns these into pages and form errors, and the JSON API (app/web/api.server.ts) into its error format,
// both from one classification.

/** A row does not exist *for this business*: another tenant's id looks exactly like a missing one (404). */
export class NotFoundError extends Error {
  constructor(message = "Not found") {
    super(message);
    this.name = "NotFoundError";
  }
}

/** The signed-in person may not do this (a member where only the owner may; 403). */
export class ForbiddenError extends Error {
  constructor(message = "You may not do that.") {
    super(message);
    this.name = "ForbiddenError";
  }
}

/** The thing existed but is gone for good (an expired data export; 410). */
export class GoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GoneError";
  }
}

/** Throws NotFoundError: `return row ?? notFound("Customer not found")`. */
export function notFound(what = "Not found"): never {
  throw new NotFoundError(what);
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

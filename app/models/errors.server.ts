// Errors the domain raises; routes turn them into 404s and field errors.

/** Thrown when a row does not exist *for this business*: another tenant's id looks exactly like a missing one. */
export function notFound(what = "Not found"): never {
  throw new Response(what, { status: 404, statusText: "Not Found" });
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

// Authentication (remix-auth FormStrategy) and the guards every protected route uses.
import { redirect } from "@remix-run/node";
import { Authenticator } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { ForbiddenError } from "~/models/errors.server";
import { verifyLogin, type AuthUser } from "~/models/user.server";
import { destroySessionCookie, getSession, type SessionWithUser } from "~/utils/session.server";
import { EmailSchema } from "~/utils/schemas";

export class InvalidCredentialsError extends Error {
  constructor() {
    super("Invalid email or password");
    this.name = "InvalidCredentialsError";
  }
}

export const authenticator = new Authenticator<AuthUser>();

authenticator.use(
  new FormStrategy(async ({ form }) => {
    const email = EmailSchema.safeParse(form.get("email"));
    const password = form.get("password");
    if (!email.success || typeof password !== "string") throw new InvalidCredentialsError();
    const user = await verifyLogin(email.data, password);
    if (!user) throw new InvalidCredentialsError();
    return user;
  }),
  "form",
);

/** The signed-in session or a redirect to the login page (clearing a dead cookie). */
async function requireSession(request: Request, context?: object): Promise<SessionWithUser> {
  const session = await getSession(request, context);
  if (session) return session;
  const url = new URL(request.url);
  const redirectTo = `${url.pathname}${url.search}`;
  const hasCookie = request.headers.get("Cookie")?.includes("__session=");
  throw redirect(`/login?redirectTo=${encodeURIComponent(redirectTo)}`, {
    headers: hasCookie ? { "Set-Cookie": await destroySessionCookie() } : undefined,
  });
}

/**
 * The session's business id: the only source of tenancy for web requests. A loader that passes its
 * `context` shares the root loader's session lookup (one query per page view; GET only, see getSession).
 */
export async function requireBusiness(request: Request, context?: object) {
  const session = await requireSession(request, context);
  return { user: session.user, business: session.business, businessId: session.businessId, sessionId: session.id };
}

export async function requireAnonymous(request: Request) {
  if (await getSession(request)) throw redirect("/dashboard");
}

/** requireBusiness for what only the business owner may do (data export, closing the account): others get 403. */
export async function requireOwner(request: Request) {
  const auth = await requireBusiness(request);
  if (auth.user.role !== "OWNER") throw new ForbiddenError("Only the business owner can do this.");
  return auth;
}

// The login route's loader and action called directly (no server, no build) on the test database:
// wrong credentials are a 400 that says so and starts no session; right ones redirect with a session
// cookie for that user; a signed-in browser is sent on.
import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { action, loader } from "~/routes/_auth+/login";
import { createAccount, sessionCookieFor, uniqueEmail } from "../../helpers/accounts";
import { callRoute, getRequest, postRequest } from "../../helpers/route-calls";

const GENERIC_LOGIN_ERROR = "Invalid email or password";

describe("login action", () => {
  it("a wrong password is a 400 with the generic message and no session", async () => {
    const { user, email } = await createAccount();
    const response = await callRoute(action, { request: postRequest("/login", { email, password: "not the password" }) });
    expect(response).toHaveStatus(400);
    await expect(response).toHaveErrorText(GENERIC_LOGIN_ERROR);
    await expect(response).not.toSetSessionCookie();
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("an unknown email gets the same 400 as a wrong password", async () => {
    const response = await callRoute(action, { request: postRequest("/login", { email: uniqueEmail("nobody"), password: "not the password" }) });
    expect(response).toHaveStatus(400);
    await expect(response).toHaveErrorText(GENERIC_LOGIN_ERROR);
  });

  it("a missing password is a 400 that names the field", async () => {
    const { email } = await createAccount();
    const response = await callRoute(action, { request: postRequest("/login", { email }) });
    await expect(response).toHaveErrorText("Password is required");
    await expect(response).not.toSetSessionCookie();
  });

  it("the right password redirects to the dashboard with a session cookie for that user", async () => {
    const { user, email, password } = await createAccount();
    const response = await callRoute(action, { request: postRequest("/login", { email, password }) });
    expect(response).toHaveRedirect("/dashboard");
    await expect(response).toSetSessionCookie(user.id);
  });

  it("goes back to the page that asked for a login, but never off the site", async () => {
    const { email, password } = await createAccount();
    const back = await callRoute(action, { request: postRequest("/login", { email, password, redirectTo: "/settings/password" }) });
    expect(back).toHaveRedirect("/settings/password");
    const offsite = await callRoute(action, { request: postRequest("/login", { email, password, redirectTo: "//evil.example/phish" }) });
    expect(offsite).toHaveRedirect("/dashboard");
  });
});

describe("login loader", () => {
  it("shows the form without a session and sends a signed-in browser to the dashboard", async () => {
    expect(await callRoute(loader, { request: getRequest("/login") })).toHaveStatus(200);
    const { user } = await createAccount();
    const cookie = await sessionCookieFor(user);
    expect(await callRoute(loader, { request: getRequest("/login", { cookie }) })).toHaveRedirect("/dashboard");
  });
});

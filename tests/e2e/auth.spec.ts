// Accounts end to end against the production build: sign-up, log in/out, password change and reset.
// Every test runs twice: project "js-on" (hydrated Remix app) and "js-off" (plain HTML forms).
import { DEFAULT_PASSWORD, expect, expectDashboard, latestResetLink, logIn, test, uniqueEmail, uniqueSuffix, waitForHydration } from "./fixtures";

const NEW_PASSWORD = "a brand new password 42";

test.describe("sign up", () => {
  test("creates the account and lands on the dashboard showing the business name", async ({ page }) => {
    const businessName = `Kim's Electrical ${uniqueSuffix()}`;
    await page.goto("/signup");
    await expect(page.getByRole("heading", { level: 1, name: "Create your account" })).toBeVisible();
    await page.getByLabel("Business name").fill(businessName);
    await page.getByLabel("Your name").fill("Kim Sparks");
    await page.getByLabel("Email").fill(uniqueEmail("signup"));
    await page.getByLabel("Password", { exact: true }).fill(DEFAULT_PASSWORD);
    await page.getByLabel("Repeat password").fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();

    await expectDashboard(page, businessName);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Log out" })).toBeVisible();
  });

  test("shows validation errors next to the fields and keeps what was typed, except passwords", async ({ page, javaScriptEnabled }) => {
    const businessName = `Sam's Cleaning ${uniqueSuffix()}`;
    await page.goto("/signup");
    await page.getByLabel("Business name").fill(businessName);
    await page.getByLabel("Your name").fill("Sam Suds");
    // Passes the browser's own type="email" check (so the form is submitted with JS off) but not the app's.
    await page.getByLabel("Email").fill("sam@localhost");
    await page.getByLabel("Password", { exact: true }).fill(DEFAULT_PASSWORD);
    await page.getByLabel("Repeat password").fill("not the same password");
    await page.getByRole("button", { name: "Create account" }).click();

    const email = page.getByLabel("Email");
    const confirm = page.getByLabel("Repeat password");
    await expect(email).toHaveAccessibleDescription("Enter a valid email address");
    await expect(email).toHaveAttribute("aria-invalid", "true");
    await expect(confirm).toHaveAccessibleDescription("Passwords do not match");
    await expect(confirm).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Business name")).not.toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL(/\/signup$/);

    await expect(page.getByLabel("Business name")).toHaveValue(businessName);
    await expect(page.getByLabel("Your name")).toHaveValue("Sam Suds");
    await expect(email).toHaveValue("sam@localhost");
    if (!javaScriptEnabled) {
      // The server answered the POST: passwords are never sent back to the browser.
      await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");
      await expect(confirm).toHaveValue("");
    }
  });

  test("refuses an email that already has an account, on the email field", async ({ page, account }) => {
    await page.goto("/signup");
    await page.getByLabel("Business name").fill("Second Business");
    await page.getByLabel("Your name").fill("Someone Else");
    await page.getByLabel("Email").fill(account.email.toUpperCase());
    await page.getByLabel("Password", { exact: true }).fill(DEFAULT_PASSWORD);
    await page.getByLabel("Repeat password").fill(DEFAULT_PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();

    await expect(page.getByLabel("Email")).toHaveAccessibleDescription("An account with this email already exists");
    await expect(page).toHaveURL(/\/signup$/);
    await expect(page.getByLabel("Business name")).toHaveValue("Second Business");
  });
});

test.describe("log in and log out", () => {
  test("logs in to the dashboard, logs out from the header, and the dashboard then asks to log in", async ({ page, account }) => {
    await logIn(page, account);
    await expectDashboard(page, account.businessName);

    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Log out" })).toHaveCount(0);

    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fdashboard$/);

    // Logging in from there goes back to the page that was asked for.
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expectDashboard(page, account.businessName);
  });

  test("a wrong password or an unknown email shows the same generic error", async ({ page, account, javaScriptEnabled }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill("not my password at all");
    await page.getByRole("button", { name: "Log in" }).click();

    await expect(page.getByRole("alert")).toHaveText("Invalid email or password");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByLabel("Email")).toHaveValue(account.email);
    if (!javaScriptEnabled) await expect(page.getByLabel("Password")).toHaveValue("");

    // The alert is already on screen: wait for the second answer before looking at it again.
    await page.getByLabel("Email").fill(uniqueEmail("nobody"));
    await page.getByLabel("Password").fill(account.password);
    const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login");
    await page.getByRole("button", { name: "Log in" }).click();
    expect((await answered).status()).toBe(400);
    await expect(page.getByRole("alert")).toHaveText("Invalid email or password");

    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/login\?redirectTo=/);
  });
});

test.describe("change password", () => {
  test("shows a success message and signs out the user's other browser", async ({ signedInPage: page, secondContext, account }) => {
    const otherDevice = await secondContext.newPage();
    await logIn(otherDevice, account);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await expect(page).toHaveURL(/\/settings$/);
    await page.getByRole("link", { name: "Change password" }).click();
    await expect(page).toHaveURL(/\/settings\/password$/);

    // A wrong current password is refused on its field.
    await page.getByLabel("Current password").fill("not my password at all");
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Repeat new password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByLabel("Current password")).toHaveAccessibleDescription("That is not your current password");

    await page.getByLabel("Current password").fill(account.password);
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Repeat new password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.getByRole("status").filter({ hasText: "Password changed." })).toHaveText("Password changed. Every other device has been signed out.");

    // This browser stays signed in; the other one is signed out.
    await page.goto("/dashboard");
    await expectDashboard(page, account.businessName);
    await otherDevice.goto("/dashboard");
    await expect(otherDevice).toHaveURL(/\/login\?redirectTo=%2Fdashboard$/);

    // The old password no longer works, the new one does.
    await otherDevice.getByLabel("Email").fill(account.email);
    await otherDevice.getByLabel("Password").fill(account.password);
    await otherDevice.getByRole("button", { name: "Log in" }).click();
    await expect(otherDevice.getByRole("alert")).toHaveText("Invalid email or password");
    await logIn(otherDevice, { email: account.email, password: NEW_PASSWORD });
  });
});

test.describe("password reset", () => {
  test("emails a single-use link that sets a new password", async ({ page, db, account, baseURL }) => {
    await page.goto("/login");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await page.getByLabel("Email").fill(account.email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();

    let resetLink: string | null = null;
    await expect.poll(async () => (resetLink = await latestResetLink(db, account.email)), { message: "reset email in the dev outbox" }).not.toBeNull();
    expect(resetLink!.startsWith(`${baseURL}/reset-password?token=`)).toBe(true);

    await page.goto(resetLink!);
    await expect(page.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Repeat new password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("status").filter({ hasText: "Your password was changed" })).toBeVisible();

    await logIn(page, { email: account.email, password: NEW_PASSWORD });
    await expectDashboard(page, account.businessName);

    // The link works once.
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    const reused = await page.goto(resetLink!);
    expect(reused?.status()).toBe(410);
    await expect(page.getByRole("heading", { level: 1, name: "Link expired" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Send me a new link" })).toBeVisible();
  });

  test("answers the same for an unknown email and sends nothing", async ({ page, db }) => {
    const email = uniqueEmail("unknown");
    await page.goto("/forgot-password");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Check your email" })).toBeVisible();
    const { rows } = await db.query(`SELECT 1 FROM "EmailMessage" WHERE "to" = $1`, [email]);
    expect(rows).toHaveLength(0);
  });
});

test.describe("phone layout", () => {
  test.use({ viewport: { width: 360, height: 640 }, isMobile: false });

  test("login, sign-up, dashboard and settings fit a 360px wide screen", async ({ page, account }) => {
    // page.evaluate goes through the DevTools protocol, which works with the page's JavaScript off too.
    const noHorizontalScroll = async (path: string) => {
      const size = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      expect(size.scrollWidth, `${path} scrolls sideways`).toBeLessThanOrEqual(size.clientWidth);
    };
    for (const path of ["/login", "/signup", "/forgot-password"]) {
      await page.goto(path);
      await noHorizontalScroll(path);
    }
    await logIn(page, account);
    await expect(page.getByRole("button", { name: "Log out" })).toBeInViewport();
    for (const path of ["/dashboard", "/settings", "/settings/password"]) {
      await page.goto(path);
      await noHorizontalScroll(path);
    }
  });
});

test.describe("hydration", () => {
  test("every page that ships JavaScript hydrates without console errors or CSP violations; HTML-only pages load none", async ({
    page,
    account,
    browserErrors,
    javaScriptEnabled,
  }) => {
    test.skip(!javaScriptEnabled, "hydration needs JavaScript");
    for (const path of ["/signup", "/forgot-password", "/reset-password?token=not-a-real-token-123456"]) {
      await page.goto(path);
      await waitForHydration(page);
    }
    await logIn(page, account);
    await page.goto("/settings/password");
    await waitForHydration(page);
    // Client-side navigation works once hydrated.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
    await expectDashboard(page, account.businessName);
    // Pages that work fully as HTML load no JavaScript at all (issue 17).
    for (const path of ["/", "/dashboard", "/settings", "/dev/outbox", "/login"]) {
      if (path === "/login") await page.context().clearCookies();
      await page.goto(path);
      await expect(page.locator("script[src], link[rel=modulepreload]")).toHaveCount(0);
    }
    expect(browserErrors.errors).toEqual([]);
  });
});

// Privacy end to end, with JavaScript on and off: the privacy page from the footer; the owner asks for
// a data export, the page refreshes itself until the in-process worker has built it, and the zip
// downloads with the business's data; then Cancel and delete (a wrong password first), which signs the
// owner out for good: the login fails and the customer's pay link is dead.
import { readFile } from "node:fs/promises";
import { strFromU8, unzipSync } from "fflate";
import { expect, insertCustomer, insertSentInvoice, test } from "./fixtures";

test.describe("privacy", () => {
  test("the privacy page is public and linked from every page", async ({ page }) => {
    await page.goto("/login");
    await page.getByRole("contentinfo").getByRole("link", { name: "Privacy" }).click();
    await expect(page).toHaveURL(/\/privacy$/);
    await expect(page.getByRole("heading", { name: "Privacy", exact: true })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Your rights and how to use them" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Settings → Export your data" })).toHaveAttribute("href", "/settings/export");
  });

  test("export → download → cancel and delete → signed out, login fails, pay link dead", async ({ signedInPage: page, account, db, secondContext }) => {
    const customer = await insertCustomer(db, account.businessId, { name: "Morgan Homeowner" });
    const invoice = await insertSentInvoice(db, account.businessId, customer.id, 12_300, "Replace water heater");
    await page.goto(`/invoices/${invoice.id}`);
    const payLink = await page.getByTestId("pay-link").inputValue();
    expect((await secondContext.request.get(payLink)).status()).toBe(200);

    // Ask for an export; the page refreshes itself (a meta refresh) until the worker has built it.
    await page.goto("/settings");
    await page.getByRole("link", { name: "Export your data" }).click();
    await expect(page.getByRole("heading", { name: "Export your data" })).toBeVisible();
    await page.getByRole("button", { name: "Request an export" }).click();
    await expect(page.getByText("Your export is being prepared")).toBeVisible();
    const downloadLink = page.getByRole("link", { name: /^Download/ });
    await expect(downloadLink).toBeVisible({ timeout: 60_000 });

    const [download] = await Promise.all([page.waitForEvent("download"), downloadLink.click()]);
    expect(download.suggestedFilename()).toMatch(/^invoice-link-export-\d{4}-\d{2}-\d{2}\.zip$/);
    const files = unzipSync(new Uint8Array(await readFile(await download.path())));
    const customers = JSON.parse(strFromU8(files["json/customers.json"])) as { id: string; name: string }[];
    expect(customers).toEqual([expect.objectContaining({ id: customer.id, name: "Morgan Homeowner" })]);
    expect(strFromU8(files["csv/invoice-lines.csv"])).toContain("Replace water heater");
    expect(JSON.parse(strFromU8(files["json/users.json"]))[0]).not.toHaveProperty("passwordHash");

    // Cancel and delete: the plan as it is, then the confirmation.
    await page.goto("/settings");
    await page.getByRole("link", { name: "Subscription" }).click();
    await expect(page.getByTestId("plan")).toContainText("Free");
    await page.getByLabel("Your password").fill("not the password");
    await page.getByLabel(/Type the business name/).fill(account.businessName);
    await page.getByRole("button", { name: "Cancel and delete my account" }).click();
    await expect(page.getByText("That is not your password")).toBeVisible();
    expect((await db.query(`SELECT "closedAt" FROM "Business" WHERE id = $1`, [account.businessId])).rows[0].closedAt).toBeNull();

    await page.getByLabel("Your password").fill(account.password);
    await page.getByLabel(/Type the business name/).fill(account.businessName);
    await page.getByRole("button", { name: "Cancel and delete my account" }).click();
    await expect(page.getByText("Your account is closed and its data deleted")).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" })).toBeVisible();

    // Signed out for good.
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/login/);
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByText("Invalid email or password")).toBeVisible();
    await expect(page).toHaveURL(/\/login/);

    // The customer's link is dead, and the database says why.
    expect((await secondContext.request.get(payLink)).status()).toBe(401);
    const { rows } = await db.query(
      `SELECT b."closedAt", (SELECT count(*)::int FROM "User" u WHERE u.email = $2) AS users,
                                            (SELECT count(*)::int FROM "Customer" c WHERE c."businessId" = b.id AND c.name = 'Morgan Homeowner') AS customers
                                       FROM "Business" b WHERE b.id = $1`,
      [account.businessId, account.email],
    );
    expect(rows[0].closedAt).not.toBeNull();
    expect(rows[0].users).toBe(0);
    expect(rows[0].customers).toBe(0);
  });
});

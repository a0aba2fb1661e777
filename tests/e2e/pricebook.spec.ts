// Issue 14's price book and customer picker in a real browser, JavaScript on and off (the two
// projects): with JavaScript the matches appear while typing (type-ahead on the JSON search routes);
// without it the Search buttons re-render the editor with the matches, keeping what was typed.
import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import type pg from "pg";
import { expect, insertCustomer, test, waitForHydration } from "./fixtures";

async function insertItem(db: pg.Pool, businessId: string, item: { name: string; unitPriceCents: number; taxable?: boolean; description?: string }) {
  const id = `e2e${randomBytes(10).toString("hex")}`;
  await db.query(
    `INSERT INTO "SavedItem" (id, "businessId", name, description, "unitPriceCents", taxable, "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, now())`,
    [id, businessId, item.name, item.description ?? null, item.unitPriceCents, item.taxable ?? true],
  );
  return id;
}

async function ready(page: Page, javaScriptEnabled: boolean) {
  if (javaScriptEnabled) await waitForHydration(page);
}

test("adds a saved item to an invoice from the search, keeping the typed line", async ({ signedInPage: page, db, account, javaScriptEnabled }) => {
  const customer = await insertCustomer(db, account.businessId);
  await insertItem(db, account.businessId, { name: "Permit fee", unitPriceCents: 2500, taxable: false });
  await insertItem(db, account.businessId, { name: "Water heater install", unitPriceCents: 45000 });
  await page.goto(`/invoices/new?customerId=${customer.id}`);
  await ready(page, javaScriptEnabled);
  await page.getByLabel("Tax", { exact: true }).selectOption("PER_LINE");
  await page.getByLabel("Description (line 1)").fill("Typed line");
  await page.getByLabel("Unit price (USD) (line 1)").fill("10");
  await page.getByLabel("Tax % (line 1)").fill("8.25");
  const search = page.getByLabel("Add a saved item");
  await search.fill("perm");
  const add = page.getByRole("button", { name: "Add Permit fee ($25.00, no tax)" });
  if (javaScriptEnabled) {
    // Type-ahead: the match appears without pressing Search; Enter in the box searches, never saves.
    await expect(add).toBeVisible();
    await expect(page.getByRole("button", { name: /Add Water heater/ })).toHaveCount(0);
    await search.press("Enter");
    await expect(page).toHaveURL(/\/invoices\/new/);
  } else {
    await expect(add).toHaveCount(0);
    await page.getByRole("button", { name: "Search items" }).click();
    await expect(page.getByLabel("Add a saved item")).toHaveValue("perm");
  }
  await add.click();
  await expect(page.getByTestId("line-item")).toHaveCount(2);
  await expect(page.getByLabel("Description (line 1)")).toHaveValue("Typed line");
  await expect(page.getByLabel("Description (line 2)")).toHaveValue("Permit fee");
  await expect(page.getByLabel("Tax % (line 2)")).toHaveValue("0");
  await expect(page.getByText("Added Permit fee as line 2")).toBeVisible();
  await page.getByRole("button", { name: "Create invoice" }).click();
  await expect(page).toHaveURL(/\/invoices\/[^/]+$/);
  await expect(page.getByRole("cell", { name: "Typed line" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Permit fee" })).toBeVisible();
  // 10.00 + 0.83 tax + 25.00 (no tax)
  await expect(page.getByTestId("total")).toHaveText("$35.83");
});

test("saves a line as an item, then it is in Settings → Items", async ({ signedInPage: page, db, account, javaScriptEnabled }) => {
  const customer = await insertCustomer(db, account.businessId);
  await page.goto(`/estimates/new?customerId=${customer.id}`);
  await ready(page, javaScriptEnabled);
  await page.getByLabel("Description (line 1)").fill("Gutter cleaning");
  await page.getByLabel("Unit price (USD) (line 1)").fill("120.50");
  await page.getByRole("button", { name: "Save line 1 as an item" }).click();
  await expect(page.getByText("Saved line 1 as the item “Gutter cleaning”")).toBeVisible();
  await expect(page.getByLabel("Description (line 1)")).toHaveValue("Gutter cleaning");
  await page.goto("/settings/items");
  await expect(page.getByRole("link", { name: "Gutter cleaning" })).toBeVisible();
  await expect(page.getByText("$120.50")).toBeVisible();
});

test("finds a customer and adds a new one inline without losing the typed lines", async ({ signedInPage: page, db, account, javaScriptEnabled }) => {
  const dana = await insertCustomer(db, account.businessId, { name: "Dana Findme" });
  await insertCustomer(db, account.businessId, { name: "Other Person" });
  await page.goto("/invoices/new");
  await ready(page, javaScriptEnabled);
  await page.getByLabel("Description (line 1)").fill("Kept line");
  await page.getByLabel("Unit price (USD) (line 1)").fill("42");
  await page.getByLabel("Find a customer").fill("findme");
  const choose = page.getByRole("button", { name: /^Choose Dana Findme/ });
  if (!javaScriptEnabled) await page.getByRole("button", { name: "Search customers" }).click();
  await expect(choose).toBeVisible();
  await expect(page.getByRole("button", { name: /^Choose Other Person/ })).toHaveCount(0);
  await choose.click();
  await expect(page.getByLabel("Customer", { exact: true })).toHaveValue(dana.id);
  await expect(page.getByLabel("Description (line 1)")).toHaveValue("Kept line");

  await page.getByText("New customer", { exact: true }).click();
  await page.getByLabel("New customer’s name").fill("Riley Inline");
  await page.getByLabel("Phone (optional)").fill("512 555 0142");
  await page.getByRole("button", { name: "Add customer" }).click();
  await expect(page.getByText("Customer Riley Inline added and chosen.")).toBeVisible();
  await expect(page.getByLabel("Customer", { exact: true }).locator("option:checked")).toHaveText("Riley Inline");
  await expect(page.getByLabel("Description (line 1)")).toHaveValue("Kept line");
  await expect(page.getByLabel("Unit price (USD) (line 1)")).toHaveValue("42");
  await page.getByRole("button", { name: "Create invoice" }).click();
  await expect(page).toHaveURL(/\/invoices\/[^/]+$/);
  await expect(page.getByText("Riley Inline").first()).toBeVisible();
});

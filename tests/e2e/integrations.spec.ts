// Expenses with a receipt photo, and quick line items from text, in a real browser against the production
// build, with JavaScript on (hydrated Remix app) and off (plain HTML forms). No provider key is set in the
// Playwright run: these paths need none (the AI and Google paths are covered by tests/integration).
import type { Page } from "@playwright/test";
import { expect, insertCustomer, test, uniqueSuffix, waitForHydration } from "./fixtures";

// A real 1×1 PNG, and a text file pretending to be a JPEG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const FAKE_JPEG = Buffer.from("Thank you for shopping!\nTOTAL 42.17\n");

async function ready(page: Page, javaScriptEnabled: boolean) {
  if (javaScriptEnabled) await waitForHydration(page);
}

const flash = (page: Page, text: string) => page.getByRole("status").filter({ hasText: text });
const lineItems = (page: Page) => page.getByTestId("line-item");

test.describe("expenses", () => {
  test("record an expense with a receipt photo, find it by month, refuse a fake photo, delete it", async ({ signedInPage: page, javaScriptEnabled }) => {
    test.slow();
    const vendor = `Ferguson Supply ${uniqueSuffix()}`;
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Expenses" }).click();
    await expect(page).toHaveURL(/\/expenses$/);
    await expect(page.getByRole("heading", { level: 1, name: "Expenses" })).toBeVisible();
    // The list hydrates; the expense form and page do not (they ship no JavaScript). Waiting here makes
    // the rest a client-side visit with JavaScript on, instead of racing the list's hydration.
    await ready(page, javaScriptEnabled);
    await page.getByRole("link", { name: "New expense" }).click();
    await expect(page).toHaveURL(/\/expenses\/new$/);

    await page.getByLabel("Photo (optional)").setInputFiles({ name: "receipt.png", mimeType: "image/png", buffer: PNG });
    await page.getByLabel("Vendor").fill(vendor);
    await page.getByLabel("Amount (USD)").fill("42.17");
    await page.getByLabel("Date").fill("2026-11-20");
    await page.getByLabel("Category").selectOption({ label: "Materials and supplies" });
    await page.getByLabel("Notes (optional)").fill("Shutoff valves for the Smith job");
    await page.getByRole("button", { name: "Save expense" }).click();

    await expect(page).toHaveURL(/\/expenses\/[^/]+$/);
    await expect(flash(page, "Expense of $42.17 recorded.")).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toContainText(vendor);
    const photo = page.getByRole("img", { name: "Saved receipt" });
    await expect(photo).toBeVisible();
    // The photo really loads (served by the app with its sniffed type), with or without JavaScript.
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    const expenseUrl = page.url();

    // A text file renamed .jpg is refused by its bytes; the typed values stay and nothing changes.
    await ready(page, javaScriptEnabled);
    await page.getByLabel("Replace the photo (optional)").setInputFiles({ name: "receipt.jpg", mimeType: "image/jpeg", buffer: FAKE_JPEG });
    await page.getByLabel("Vendor").fill(`${vendor} (edited)`);
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("That file is not a JPEG, PNG or WebP photo")).toBeVisible();
    await expect(page.getByLabel("Vendor")).toHaveValue(`${vendor} (edited)`);
    await page.goto(expenseUrl);
    await expect(page.getByLabel("Vendor")).toHaveValue(vendor);
    await expect(page.getByRole("img", { name: "Saved receipt" })).toBeVisible();

    // The list: filtered by month, with the month's total and the receipt badge.
    await page.goto("/expenses");
    await ready(page, javaScriptEnabled);
    await page.getByLabel("Month", { exact: true }).fill("2026-11");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/month=2026-11/);
    const row = page.getByTestId("expense-row").filter({ hasText: vendor });
    await expect(row).toContainText("$42.17");
    await expect(row).toContainText("Receipt");
    await expect(page.getByTestId("month-total").filter({ hasText: "November 2026" })).toContainText("$42.17");

    // Delete it.
    await row.getByRole("link", { name: vendor }).click();
    await ready(page, javaScriptEnabled);
    await page.getByRole("button", { name: "Delete expense" }).click();
    await expect(page).toHaveURL(/\/expenses$/);
    await expect(flash(page, `Expense from ${vendor} deleted.`)).toBeVisible();
    await expect(page.getByTestId("expense-row").filter({ hasText: vendor })).toHaveCount(0);
  });
});

test.describe("quick line items", () => {
  test("turn typed notes into line items, fill in the missing price and create the invoice", async ({ signedInPage: page, db, account, javaScriptEnabled }) => {
    test.slow();
    const customer = await insertCustomer(db, account.businessId);
    await page.goto("/invoices/new");
    await ready(page, javaScriptEnabled);
    await page.getByLabel("Customer", { exact: true }).selectOption(customer.id);
    await expect(lineItems(page)).toHaveCount(1);
    await expect(page.getByRole("button", { name: "Add lines with AI" })).toHaveCount(0); // no AI key in this run

    // Text the parser cannot read: a clear message, and the form as it was.
    await page.getByLabel("Quick line items from text").fill("p-trap $12, $45");
    await page.getByRole("button", { name: "Add lines from text" }).click();
    await expect(page.getByText("Could not tell what “$45” is")).toBeVisible();
    await expect(lineItems(page)).toHaveCount(1);

    await page.getByLabel("Quick line items from text").fill("3 hours labor @ $45/hr, kitchen sink install\n2x p-trap $12");
    await page.getByRole("button", { name: "Add lines from text" }).click();
    await expect(flash(page, "Added 3 lines")).toBeVisible();
    await expect(lineItems(page)).toHaveCount(3);
    const expected = [
      ["Labor (hours)", "3", "45.00"],
      ["Kitchen sink install", "1", ""],
      ["P-trap", "2", "12.00"],
    ];
    for (const [i, [description, quantity, unitPrice]] of expected.entries()) {
      const item = lineItems(page).nth(i);
      await expect(item.getByLabel(`Description (line ${i + 1})`)).toHaveValue(description);
      await expect(item.getByLabel("Quantity")).toHaveValue(quantity);
      await expect(item.getByLabel("Unit price (USD)")).toHaveValue(unitPrice);
    }
    await expect(page.getByLabel("Quick line items from text")).toHaveValue("");
    await expect(page.getByLabel("Customer", { exact: true })).toHaveValue(customer.id);

    await lineItems(page).nth(1).getByLabel("Unit price (USD)").fill("150.00");
    await page.getByRole("button", { name: "Create invoice" }).click();
    await expect(page).toHaveURL(/\/invoices\/[^/]+$/);
    await expect(flash(page, "Invoice created.")).toBeVisible();
    await expect(page.getByRole("cell", { name: "Labor (hours)" })).toBeVisible();
    await expect(page.getByRole("cell", { name: "Kitchen sink install" })).toBeVisible();
    await expect(page.getByRole("cell", { name: "P-trap" })).toBeVisible();
    // 3 × 45.00 + 150.00 + 2 × 12.00 = 309.00 (no tax).
    await expect(page.getByTestId("total")).toHaveText("$309.00");
  });
});

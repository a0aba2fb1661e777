// The contractor's phone: a Moto G4 (360×640, touch), JavaScript on and off (the two projects). Signs
// in, then walks every page reachable from the dashboard by its links, plus the customer's pay and
// estimate pages, and on each asserts what issue 14 found broken:
//   - the page is no wider than the screen;
//   - nothing hides content in a sideways-scrolling box;
//   - axe (WCAG 2.1 A and AA) finds no violation;
//   - every button, input, select and navigation link is at least 44 px tall.
// One page per URL pattern (ids replaced), so the walk stays short however much data there is.
import AxeBuilder from "@axe-core/playwright";
import { devices, type Browser, type Page } from "@playwright/test";
import { expect, insertCustomer, test } from "./fixtures";

const { defaultBrowserType: _browser, ...motoG4 } = devices["Moto G4"];
test.use({ ...motoG4 });

/** Pages that are not HTML documents or that act on a GET: not walked. */
const SKIP = [
  /\/pdf$/,
  /\.(csv|zip|pdf|png|jpe?g|webp)$/,
  /\/logout$/,
  /\/receipt$/,
  /\/street-view$/,
  /^\/export\//,
  /^\/api\//,
  /^\/health/,
  /^\/\.well-known\//,
];

/** /invoices/cmf0…/edit → /invoices/:id/edit: one visit per kind of page. */
function pattern(pathname: string) {
  return pathname
    .split("/")
    .map((segment) => (/^(c[a-z0-9]{20,}|e2e[0-9a-f]{20}|[A-Za-z0-9_-]{20,})$/.test(segment) ? ":id" : segment))
    .join("/");
}

type Problem = string;

async function layoutProblems(page: Page): Promise<Problem[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    // The phone's width, not innerWidth: a mobile browser may widen its layout viewport to fit content.
    const viewport = Math.min(window.innerWidth, screen.width);
    if (document.documentElement.scrollWidth > viewport) problems.push(`page is ${document.documentElement.scrollWidth} px wide in a ${viewport} px screen`);
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className && typeof el.className === "string" ? `.${el.className.trim().split(/\s+/).join(".")}` : ""} "${(el.textContent ?? "").trim().slice(0, 40)}"`;
    for (const el of Array.from(document.querySelectorAll("body *"))) {
      const style = getComputedStyle(el);
      if (["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
        problems.push(`sideways-scrolling box ${describe(el)}: ${el.scrollWidth} px of content in ${el.clientWidth} px`);
      }
    }
    const controls = document.querySelectorAll("button, input:not([type=hidden]), select, textarea, nav a, a.button, .pager a");
    for (const el of Array.from(controls)) {
      if (el.closest("[hidden], [aria-hidden=true]") || el.classList.contains("skip-link")) continue;
      const rect = el.getBoundingClientRect();
      // Not rendered, or visually hidden (1 px): nothing to tap.
      if (rect.width <= 1 || rect.height <= 1 || getComputedStyle(el).visibility === "hidden") continue;
      const type = (el as HTMLInputElement).type;
      // A checkbox or radio is tapped through its label: the label is the target.
      const target = type === "checkbox" || type === "radio" ? (el.closest("label") ?? el) : el;
      const height = target.getBoundingClientRect().height;
      if (height < 43.5) problems.push(`control under 44 px (${Math.round(height)} px): ${describe(target)}`);
    }
    return problems;
  });
}

async function axeViolations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * axe needs timers, which do not run in a page with JavaScript off. For the JS-off walk it checks a
 * twin page instead: same cookies, same phone, JavaScript allowed for axe but every script file of
 * the app blocked, so the page is the server's HTML exactly as a JS-off browser shows it.
 */
async function noScriptTwin(browser: Browser, page: Page) {
  // javaScriptEnabled explicitly: Playwright Test gives new contexts the project's options (JS off).
  const context = await browser.newContext({
    ...motoG4,
    javaScriptEnabled: true,
    baseURL: new URL(page.url()).origin,
    storageState: await page.context().storageState(),
  });
  await context.route("**/*", (route) => (route.request().resourceType() === "script" ? route.abort() : route.continue()));
  const twin = await context.newPage();
  return { twin, close: () => context.close() };
}

test("every page fits a 360 px phone: no sideways scroll, axe clean, 44 px controls", async ({ page, db, account, browser, javaScriptEnabled }) => {
  test.setTimeout(300_000);
  // Data that fills the pages: a customer with phone and email, an invoice with per-line tax after a
  // discount and a payment, and a sent estimate.
  const customer = await insertCustomer(db, account.businessId, { name: "Casey Longname-Customer" });
  await db.query(`UPDATE "Customer" SET phone = '+1 512 555 0199' WHERE id = $1`, [customer.id]);
  // A mid-grey accent (issue 14 branding) is the hardest case for the text colour on it: axe checks it.
  await db.query(
    `UPDATE "Business" SET phone = '+1 512 555 0100', email = 'office@example.com', "timeZone" = 'America/Chicago', "accentColor" = '#777777' WHERE id = $1`,
    [account.businessId],
  );

  await page.goto("/login");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // An invoice through the editor (per-line tax, a discount), sent, with a payment recorded.
  await page.goto(`/invoices/new?customerId=${customer.id}`);
  await page.getByLabel("Tax", { exact: true }).selectOption("PER_LINE");
  await page.getByLabel("Description (line 1)").fill("Replace water heater, 50 gallon, including haul-away of the old unit");
  await page.getByLabel("Unit price (USD) (line 1)").fill("1249.99");
  await page.getByLabel("Tax % (line 1)").fill("8.25");
  await page.getByLabel("Discount", { exact: true }).selectOption("AMOUNT");
  await page.getByLabel("Discount value").fill("50");
  await page.getByRole("button", { name: "Create invoice" }).last().click();
  await expect(page).toHaveURL(/\/invoices\/[^/]+$/);
  await page.getByRole("button", { name: "Mark as sent" }).click();
  await expect(page.getByTestId("pay-link")).toBeVisible();
  await page.getByLabel("Amount (USD)").fill("100.00");
  await page.getByLabel("Reference (check number, note)").fill("Check 1234");
  await page.getByRole("button", { name: "Record payment" }).click();
  await expect(page.getByTestId("payment-row")).toHaveCount(1);

  // An estimate, marked as sent so its customer page exists.
  await page.goto(`/estimates/new?customerId=${customer.id}`);
  await page.getByLabel("Description (line 1)").fill("Install tankless heater");
  await page.getByLabel("Unit price (USD) (line 1)").fill("3200");
  await page.getByRole("button", { name: "Create estimate" }).last().click();
  await expect(page).toHaveURL(/\/estimates\/[^/]+$/);
  await page.getByRole("button", { name: "Mark as sent" }).click();
  await expect(page.getByTestId("customer-link")).toBeVisible();

  // Walk the links from the dashboard.
  const axePage = javaScriptEnabled ? null : await noScriptTwin(browser, page);
  const origin = new URL(page.url()).origin;
  const queue = ["/dashboard"];
  const seen = new Set<string>();
  const problems: string[] = [];
  while (queue.length) {
    const href = queue.shift()!;
    const url = new URL(href, origin);
    const key = pattern(url.pathname);
    if (seen.has(key)) continue;
    seen.add(key);
    const response = await page.goto(url.pathname + url.search);
    if (!response || !(response.headers()["content-type"] ?? "").includes("text/html")) continue;
    const at = `${key} (${response.status()})`;
    for (const p of await layoutProblems(page)) problems.push(`${at}: ${p}`);
    if (axePage) await axePage.twin.goto(url.pathname + url.search);
    for (const v of await axeViolations(axePage?.twin ?? page)) problems.push(`${at}: axe ${v}`);
    const links = await page.locator("a[href]").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    for (const link of links) {
      const next = new URL(link, origin);
      if (next.origin !== origin || SKIP.some((re) => re.test(next.pathname))) continue;
      if (!seen.has(pattern(next.pathname))) queue.push(next.pathname + next.search);
    }
  }
  await axePage?.close();
  console.log(`phone layout (${javaScriptEnabled ? "JS on" : "JS off"}): ${seen.size} pages checked: ${[...seen].join(" ")}`);
  // The walk reached the contractor's pages and the customer's.
  for (const expected of [
    "/dashboard",
    "/invoices",
    "/invoices/new",
    "/invoices/:id",
    "/invoices/:id/edit",
    "/estimates/:id",
    "/customers/:id",
    "/settings",
    "/pay/:id",
    "/estimate/:id",
  ]) {
    expect([...seen], `reached ${expected}`).toContain(expected);
  }
  expect(problems, `checked ${seen.size} pages`).toEqual([]);
});

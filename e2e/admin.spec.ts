import { expect, test, type Browser } from "@playwright/test";
import { auth, createAdmin, createPortalCustomer, deleteWebhookEndpoint, PASSWORD, sendEvents, signIn, waitForApi, type PortalCustomer } from "./fixtures";

// The design's worked example: 150,000 calls -> $1,150.00 before tax.
const designPricing = (metric: string) => ({
  currency: "USD", interval: "month", baseFee: "0", minimumCommitment: "0", taxRate: "0.10",
  charges: [{ metric, model: "graduated", included: "10000", tiers: [{ upTo: "100000", unitPrice: "0.01" }, { upTo: null, unitPrice: "0.005" }] }],
});

/** The customer's estimated spend as their portal shows it, in a browser context of their own. */
async function portalEstimate(browser: Browser, customer: PortalCustomer) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, customer.email, PASSWORD);
  await expect(page).toHaveURL(/\/overview$/);
  const text = await page.getByTestId("estimated-total").textContent();
  await context.close();
  return text;
}

let admin: { email: string; password: string };
let heavy: PortalCustomer;
let light: PortalCustomer;

test.beforeAll(async ({ request }) => {
  await waitForApi(request);
  admin = await createAdmin();
  heavy = await createPortalCustomer(request, "heavy", { pricing: designPricing });
  light = await createPortalCustomer(request, "light", { shareWith: heavy });
  await sendEvents(request, [
    { id: "adm-heavy-1", customer: heavy.externalId, metric: heavy.metric, quantity: 150000 },
    { id: "adm-light-1", customer: light.externalId, metric: light.metric, quantity: 5000 },
  ]);
});

test("an admin edits pricing: a gap is refused with its path, the calculator breaks 150,000 calls down, the impact preview lists customers, and publishing changes the portal estimate", async ({ page, browser }) => {
  expect(await portalEstimate(browser, heavy)).toBe("$1,265.00"); // $1,150.00 + 10 % tax

  await signIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/admin$/);
  await page.goto(`/admin/plans/${heavy.planCode}`);
  const json = page.getByLabel("The draft version; checked as you type.");
  const gap = designPricing(heavy.metric);
  gap.charges[0].tiers = [{ upTo: "100000", unitPrice: "0.01" }, { from: "120000", upTo: null, unitPrice: "0.006" } as never];
  await json.fill(JSON.stringify(gap, null, 2));
  await expect(page.getByTestId("pricing-errors")).toContainText("charges.0.tiers.1.from");
  await expect(page.getByTestId("pricing-errors")).toContainText("gap between tiers");
  await expect(page.getByRole("button", { name: "Save and publish" })).toBeDisabled();
  await page.screenshot({ path: "test-results/admin-plan-invalid.png", fullPage: true });

  const fixed = designPricing(heavy.metric);
  fixed.charges[0].tiers[1].unitPrice = "0.006";
  await json.fill(JSON.stringify(fixed, null, 2));
  await expect(page.getByText("Valid pricing.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Save and publish" })).toBeEnabled();
  // The tier form edits the same document.
  await expect(page.getByLabel(`${heavy.metric} tier 2 unit price`)).toHaveValue("0.006");

  await page.getByLabel("Quantity").fill("150000");
  const calculator = page.getByTestId("calculator");
  await expect(calculator.locator("tbody tr")).toHaveCount(2);
  await expect(calculator.locator("tbody tr").nth(0)).toContainText("90000");
  await expect(calculator.locator("tbody tr").nth(0)).toContainText("$900.00");
  await expect(calculator.locator("tbody tr").nth(1)).toContainText("50000");
  await expect(calculator.locator("tbody tr").nth(1)).toContainText("$300.00");
  await expect(page.getByTestId("calculator-total")).toHaveText("$1,200.00");

  await page.getByRole("button", { name: "Preview impact" }).click();
  const impact = page.getByTestId("impact");
  await expect(impact.getByText(heavy.externalId)).toBeVisible();
  await expect(impact.getByText(light.externalId)).toBeVisible();
  await expect(page.getByTestId("impact-rising")).toHaveText("1");
  await expect(impact.locator("tr", { hasText: heavy.externalId })).toContainText("+$55.00"); // ($1,200 - $1,150) x 1.10
  await page.screenshot({ path: "test-results/admin-plan-impact.png", fullPage: true });

  await page.getByLabel("now: reprice the current period too").check();
  await page.getByRole("button", { name: "Save and publish" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Published version 2" })).toBeVisible();

  expect(await portalEstimate(browser, heavy)).toBe("$1,320.00"); // $1,200.00 + 10 % tax
});

test("an admin runs invoicing, watches it reach 100 %, finalizes an invoice, and the customer sees it", async ({ page, browser, request }) => {
  const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 10)).toISOString();
  await sendEvents(request, [{ id: "adm-heavy-last", customer: heavy.externalId, metric: heavy.metric, quantity: 42000, timestamp: lastMonth }]);
  await signIn(page, admin.email, admin.password);
  await page.goto("/admin/invoices");
  await page.getByRole("button", { name: "Start invoice run" }).click();
  await expect(page.getByRole("progressbar", { name: "Invoice run progress" })).toHaveAttribute("aria-valuenow", "100", { timeout: 30_000 });
  await expect(page.getByTestId("run-status")).toContainText("completed");
  await page.screenshot({ path: "test-results/admin-invoice-run.png", fullPage: true });

  await page.getByLabel("Customer").fill(heavy.externalId);
  await page.getByRole("button", { name: "Filter" }).click();
  const row = page.getByTestId(`invoice-row-${heavy.externalId}`);
  await expect(row).toContainText("draft");
  await row.getByRole("button", { name: "Finalize" }).click();
  await expect(row).toContainText("finalized");
  const number = (await row.locator("td").first().textContent())!;
  expect(number).toMatch(/^INV-\d{4}-\d{6}$/);
  const api = await (await request.get(`/api/v1/invoices?customer=${heavy.externalId}`, { headers: auth })).json();
  expect(api.invoices[0].number).toBe(number);

  const context = await browser.newContext();
  const portal = await context.newPage();
  await signIn(portal, heavy.email, PASSWORD);
  await portal.goto("/invoices");
  await expect(portal.getByRole("link", { name: number })).toBeVisible();
  await context.close();
});

test("an admin defines a metric in the console; events for it are accepted at once and it shows in the portal", async ({ page, browser, request }) => {
  const code = `widgets_${Date.now().toString(36)}`;
  await signIn(page, admin.email, admin.password);
  await page.goto("/admin/metrics");
  await page.getByLabel("Code").fill(code);
  await page.getByLabel("Name").fill("Widgets built");
  await page.getByLabel("Unit").fill("widget");
  await page.getByLabel("Aggregation").selectOption("count");
  await page.getByRole("button", { name: "Create metric" }).click();
  await expect(page.getByRole("status")).toContainText(`Metric ${code} created`);
  await expect(page.getByRole("cell", { name: code })).toBeVisible();

  const receipts = await sendEvents(request, [{ id: `${code}-1`, customer: light.externalId, metric: code }, { id: `${code}-2`, customer: light.externalId, metric: code }]);
  expect(receipts.receipts.map((r) => r.status)).toEqual(["accepted", "accepted"]);

  const context = await browser.newContext();
  const portal = await context.newPage();
  await signIn(portal, light.email, PASSWORD);
  await expect(portal.getByTestId(`meter-${code}`)).toContainText("Widgets built");
  await expect(portal.getByTestId(`used-${code}`)).toHaveText("2");
  await context.close();
});

test("an admin adds a webhook endpoint and turns it off; a toggle that fails says why instead of doing nothing", async ({ page }) => {
  const url = `https://hooks.example.test/e2e-${Date.now().toString(36)}`;
  await signIn(page, admin.email, admin.password);
  await page.goto("/admin/webhooks");
  // The cloud metadata address is refused, saying why.
  await page.getByLabel("URL").fill("http://169.254.169.254/latest/meta-data");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "is a private, loopback or reserved address" })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "169.254.169.254" })).toHaveCount(0);
  await page.getByLabel("URL").fill(url);
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Endpoint added" })).toContainText("Its signing secret: whsec_");
  const row = page.getByRole("row").filter({ hasText: url });
  await row.getByRole("button", { name: "Enabled: disable" }).click();
  await expect(row.getByRole("button", { name: "Disabled: enable" })).toBeVisible();

  // The endpoint disappears before the next click: the button shows the refusal.
  await deleteWebhookEndpoint(url);
  await row.getByRole("button", { name: "Disabled: enable" }).click();
  await expect(row.getByRole("alert")).toContainText("No webhook endpoint");
});

test("the console's audit log shows who changed what", async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await page.goto("/admin/audit");
  await expect(page.getByRole("cell", { name: admin.email }).first()).toBeVisible();
  await expect(page.getByText("plan.version_published").first()).toBeVisible();
  await expect(page.getByText("invoice.finalized").first()).toBeVisible();
});

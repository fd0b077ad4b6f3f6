import { expect, test, type Page } from "@playwright/test";
import { displayMoney } from "@/lib/billing/money";
import { auth, createPortalCustomer, PASSWORD, sendEvents, signIn, waitForApi, type PortalCustomer } from "./fixtures";

const now = new Date();
const lastMonthMid = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15, 12)).toISOString();

const noHorizontalScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

let customer: PortalCustomer;
let invoiceId: number;

test.beforeAll(async ({ request }) => {
  await waitForApi(request);
  customer = await createPortalCustomer(request, "portal");
  await sendEvents(request, [
    { id: "e2e-now-1", customer: customer.externalId, metric: customer.metric, quantity: 500 },
    { id: "e2e-last-1", customer: customer.externalId, metric: customer.metric, quantity: 2500, timestamp: lastMonthMid },
  ]);
  // Last month's invoice, drafted by the invoicing code as an invoice run would.
  const { loadCustomersById } = await import("../lib/metering/catalog");
  const { draftInvoices } = await import("../lib/billing/invoices");
  const { periodContaining, previousPeriod } = await import("../lib/billing/periods");
  const { closeDb } = await import("../lib/db/client");
  const [info] = await loadCustomersById([customer.id]);
  [invoiceId] = await draftInvoices([{ customer: info, period: previousPeriod(periodContaining(new Date(), info.rule), info.rule) }]);
  await closeDb();
});

test("a wrong password shows an error and keeps the visitor on the sign-in page", async ({ page }) => {
  await signIn(page, customer.email, "wrong-password-1", { expectSignedIn: false });
  await expect(page.getByRole("alert").filter({ hasText: "Wrong" })).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a customer sees usage; events posted over the API show up with a higher estimate within 2 s, without a reload", async ({ page, request }) => {
  await signIn(page, customer.email, PASSWORD);
  await expect(page).toHaveURL(/\/overview$/);
  await expect(page.getByRole("heading", { name: customer.name })).toBeVisible();
  const used = page.getByTestId(`used-${customer.metric}`);
  await expect(used).toHaveText("500");
  const before = await page.getByTestId("estimated-total").textContent();
  await page.screenshot({ path: "test-results/portal-overview.png", fullPage: true });

  // A marker on the window survives only if the page is not reloaded.
  await page.evaluate(() => ((window as unknown as { e2eMarker: number }).e2eMarker = 42));
  await sendEvents(request, [{ id: "e2e-now-2", customer: customer.externalId, metric: customer.metric, quantity: 1500 }]);
  const posted = Date.now();
  await expect(used).toHaveText("2000", { timeout: 2_000 });
  const after = await page.getByTestId("estimated-total").textContent();
  expect(Date.now() - posted).toBeLessThan(2_000);
  expect(await page.evaluate(() => (window as unknown as { e2eMarker?: number }).e2eMarker)).toBe(42);

  const api = await (await request.get(`/api/v1/customers/${customer.externalId}/usage`, { headers: auth })).json();
  const cents = (text: string | null) => Number((text ?? "").replace(/[^0-9]/g, ""));
  expect(cents(after)).toBeGreaterThan(cents(before));
  expect(cents(after)).toBe(api.estimatedTotal);
  await expect(page.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
});

test("the usage page charts each day and lets the customer pick a past period", async ({ page }) => {
  await signIn(page, customer.email, PASSWORD);
  await page.getByRole("link", { name: "Usage" }).click();
  await expect(page.getByRole("heading", { name: "Usage", exact: true })).toBeVisible();
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
  await page.screenshot({ path: "test-results/portal-usage.png", fullPage: true });
  const select = page.getByLabel("Billing period", { exact: true });
  const options = await select.locator("option").allTextContents();
  expect(options.length).toBeGreaterThan(1);
  await select.selectOption({ index: 1 });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/period=/);
  await page.getByText("Daily figures").first().click();
  await expect(page.getByRole("cell", { name: "2500" })).toBeVisible();
});

test("the invoice page shows the same line items and total as the API, and the PDF downloads", async ({ page, request }) => {
  expect((await request.post(`/api/v1/invoices/${invoiceId}/finalize`, { headers: auth })).status()).toBe(200);
  const invoice = await (await request.get(`/api/v1/invoices/${invoiceId}`, { headers: auth })).json();

  await signIn(page, customer.email, PASSWORD);
  await page.getByRole("link", { name: "Invoices" }).click();
  await expect(page.locator(".recharts-surface")).toBeVisible();
  await page.getByRole("link", { name: invoice.number }).click();
  await expect(page.getByRole("heading", { name: invoice.number })).toBeVisible();
  const rows = page.getByTestId("invoice-lines").locator("tbody tr");
  await expect(rows).toHaveCount(invoice.lines.length);
  // Exact, from the integer minor units, with the same formatting people see.
  const money = (minor: number) => displayMoney(minor, invoice.currency);
  for (const [i, line] of invoice.lines.entries()) {
    const cells = rows.nth(i).locator("td");
    await expect(cells.nth(0)).toContainText(line.description);
    await expect(cells.nth(1)).toHaveText(line.quantity);
    await expect(cells.nth(3)).toHaveText(money(line.amount));
  }
  await expect(page.getByTestId("invoice-tax")).toHaveText(money(invoice.tax));
  await expect(page.getByTestId("invoice-total")).toHaveText(money(invoice.total));
  await page.screenshot({ path: "test-results/portal-invoice.png", fullPage: true });

  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download PDF" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe(`${invoice.number}.pdf`);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).subarray(0, 5).toString()).toBe("%PDF-");
});

test("on a 390 px phone no portal page scrolls sideways", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, customer.email, PASSWORD);
  await expect(page).toHaveURL(/\/overview$/);
  for (const path of ["/overview", "/usage", "/invoices", "/alerts", `/invoices/${invoiceId}`]) {
    await page.goto(path);
    await expect(page.locator("h1").first()).toBeVisible();
    expect(await noHorizontalScroll(page), path).toBeLessThanOrEqual(0);
  }
  await page.screenshot({ path: "test-results/portal-phone.png", fullPage: true });
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page, customer.email, PASSWORD);
  await expect(page).toHaveURL(/\/overview$/);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/overview");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Foverview/);
});

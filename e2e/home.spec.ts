import { expect, test } from "@playwright/test";

const KEY = "mk_live_test0000000000000000000000000000000000000000";

test("the home page lists billable metrics, including one defined a moment ago over the API", async ({ page, request }) => {
  const code = `e2e_${Date.now().toString(36)}`;
  // The bootstrap key is created by the server's start-up hook; retry briefly until it exists.
  await expect
    .poll(async () => (await request.get("/api/v1/metrics", { headers: { authorization: `Bearer ${KEY}` } })).status())
    .toBe(200);
  const created = await request.post("/api/v1/metrics", {
    headers: { authorization: `Bearer ${KEY}` },
    data: { code, name: "E2E widgets", unit: "widget", aggregation: "count" },
  });
  expect(created.status()).toBe(201);

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Meterline" })).toBeVisible();
  await expect(page.getByRole("cell", { name: code })).toBeVisible();
  await page.screenshot({ path: "test-results/home.png", fullPage: true });
});

test("the home page has no horizontal scroll on a 390 px phone", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

import { defineConfig, devices } from "@playwright/test";

/** Browser journeys in the machine's Chromium against `next start` on loopback (see scripts/test.ts). */
// npm test passes a free port; run alone, a fixed one below Linux's range for outgoing connections.
const PORT = Number(process.env.E2E_PORT ?? 29300);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "./e2e",
  globalSetup: "./e2e/global-setup.ts",
  outputDir: "./test-results",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: chromium,
          args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        },
      },
    },
  ],
  webServer: {
    command: `node node_modules/next/dist/bin/next start -p ${PORT} -H 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? "",
      REDIS_URL: process.env.TEST_REDIS_URL ?? "",
      BOOTSTRAP_API_KEY: "mk_live_test0000000000000000000000000000000000000000",
      AUTH_SECRET: "e2e-auth-secret-0123456789abcdef0123456789",
      AUTH_SIGN_IN_PER_MINUTE: "1000",
      LOG_LEVEL: "warn",
    },
  },
});

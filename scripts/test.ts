/**
 * npm test: starts PostgreSQL and Redis when needed, migrates a test database, builds the app,
 * then runs the unit and integration tests (Vitest) and the browser journeys (Playwright).
 * Tests use their own database (meterline_test) and their own Redis server.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { buildIfStale } from "./lib/build";
import { ensureDatabase, runMigrations } from "./lib/migrate";
import { serverPort } from "./lib/ports";
import { DATA_DIR, ensureChromium, ensurePostgres, log, ROOT, startRedis } from "./lib/services";

/** --only unit|int|e2e, or several joined by commas: runs just those suites. */
const SUITES = ["unit", "int", "e2e"];
const onlyArg = process.argv.includes("--only") ? (process.argv[process.argv.indexOf("--only") + 1] ?? "") : null;
const only = onlyArg === null ? null : new Set(onlyArg.split(","));
if (only && (only.size === 0 || [...only].some((suite) => !SUITES.includes(suite)))) {
  console.error(`--only takes ${SUITES.join(", ")} or several of them joined by commas, not "${onlyArg}"`);
  process.exit(2);
}
const runs = (suite: string) => !only || only.has(suite);
/** Anything else on the command line narrows the Vitest run (file name filters). */
const filters = process.argv.slice(2).filter((arg, i, all) => arg !== "--only" && all[i - 1] !== "--only");
const TEST_REDIS_PORT = Number(process.env.METERLINE_TEST_REDIS_PORT ?? serverPort());
const E2E_PORT = process.env.E2E_PORT ?? String(serverPort());
// The test files pick ports for their own servers: not these.
process.env.METERLINE_PORTS_IN_USE = [process.env.METERLINE_PORTS_IN_USE, TEST_REDIS_PORT, E2E_PORT].filter(Boolean).join(",");

const stops: Array<() => void> = [];
const stopAll = () => stops.splice(0).reverse().forEach((stop) => stop());
process.on("SIGINT", () => {
  stopAll();
  process.exit(130);
});

function run(label: string, command: string, args: string[], env: NodeJS.ProcessEnv): boolean {
  log(`running ${label}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit", env });
  return result.status === 0;
}

let ok = true;
try {
  let baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const pg = await ensurePostgres();
    stops.push(pg.stop);
    baseUrl = pg.url;
  }
  const databaseUrl = await ensureDatabase(baseUrl, "meterline_test");
  await runMigrations(databaseUrl);
  let redisUrl = process.env.REDIS_URL ? `${process.env.REDIS_URL.replace(/\/\d*$/, "")}/15` : undefined;
  if (!redisUrl) {
    stops.push(await startRedis(TEST_REDIS_PORT, path.join(DATA_DIR, "redis-test")));
    redisUrl = `redis://127.0.0.1:${TEST_REDIS_PORT}`;
  }
  const env = {
    ...process.env,
    NODE_ENV: "test" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    TEST_DATABASE_URL: databaseUrl,
    TEST_REDIS_URL: redisUrl,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  };
  const vitest = path.join(ROOT, "node_modules", "vitest", "vitest.mjs");
  if (runs("unit")) ok = run("unit tests", process.execPath, [vitest, "run", "--project", "unit", ...filters], env) && ok;
  if (runs("int") || runs("e2e")) buildIfStale();
  if (runs("int")) ok = run("integration tests", process.execPath, [vitest, "run", "--project", "int", ...filters], env) && ok;
  if (runs("e2e")) {
    const chromium = ensureChromium();
    const playwright = path.join(ROOT, "node_modules", "@playwright", "test", "cli.js");
    ok = run("browser journeys", process.execPath, [playwright, "test"], { ...env, CHROMIUM_PATH: chromium, E2E_PORT }) && ok;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  ok = false;
} finally {
  stopAll();
}
log(ok ? "all tests passed" : "tests failed");
process.exit(ok ? 0 : 1);

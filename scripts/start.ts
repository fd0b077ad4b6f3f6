/** npm start: services, migrations, demo data, production build, then the server. */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Redis from "ioredis";
import { generateApiKey } from "../lib/auth/api-keys";
import { buildIfStale, NEXT_BIN } from "./lib/build";
import { runMigrations } from "./lib/migrate";
import { DEMO_ADMIN, DEMO_CUSTOMERS, DEMO_PASSWORD, ensureDemoUsers, seedDemo, seedInvoiceHistory, seedLiveEvents } from "./lib/seed";
import { DATA_DIR, ensureServices, ROOT } from "./lib/services";
import { WORKER_ARGS } from "./lib/worker";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";

const services = await ensureServices();
let child: ReturnType<typeof spawn> | undefined;
let worker: ReturnType<typeof spawn> | undefined;
/** Waits (up to 10 s, then SIGKILL) for a child to exit after SIGTERM. */
function stopChild(proc: ReturnType<typeof spawn> | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    proc.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill("SIGTERM");
  });
}
let stopping = false;
/** The app and the worker stop first (they still need Postgres and Redis to finish), then the services. */
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await Promise.all([stopChild(child), stopChild(worker)]);
  services.stop();
  process.exit(code);
};
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  await runMigrations(services.databaseUrl);
  process.env.DATABASE_URL = services.databaseUrl;
  process.env.REDIS_URL = services.redisUrl;
  if (await seedDemo(services.databaseUrl)) {
    await seedInvoiceHistory();
    await seedLiveEvents();
    // New demo data: make the server rebuild its live counters from Postgres on boot.
    const redis = new Redis(services.redisUrl);
    await redis.del("ml:counters:ready");
    await redis.quit();
  }
  await ensureDemoUsers(services.databaseUrl);
  const demoKeyFile = path.join(DATA_DIR, "demo-api-key");
  if (!existsSync(demoKeyFile)) {
    mkdirSync(DATA_DIR, { recursive: true });
    writeFileSync(demoKeyFile, generateApiKey().secret, { mode: 0o600 });
  }
  const apiKey = process.env.BOOTSTRAP_API_KEY ?? readFileSync(demoKeyFile, "utf8").trim();
  // Signs session cookies; generated once and kept with the data, so sign-ins survive restarts.
  const secretFile = path.join(DATA_DIR, "auth-secret");
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString("base64url"), { mode: 0o600 });
  const authSecret = process.env.AUTH_SECRET ?? readFileSync(secretFile, "utf8").trim();
  if (!dev) buildIfStale();

  const env = { ...process.env, DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, BOOTSTRAP_API_KEY: apiKey, AUTH_SECRET: authSecret, NEXT_TELEMETRY_DISABLED: "1" };
  child = spawn(process.execPath, [NEXT_BIN, dev ? "dev" : "start", "-p", String(port), "-H", host], { cwd: ROOT, env, stdio: "inherit" });
  child.on("exit", (code) => void shutdown(code ?? 1));
  // The billing worker: invoice runs and the hourly period close.
  worker = spawn(process.execPath, WORKER_ARGS, { cwd: ROOT, env, stdio: "inherit" });
  worker.on("exit", (code) => void shutdown(code ?? 1));

  const url = `http://localhost:${port}`;
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`
  Meterline is running at ${url}

  Sign in at ${url}/sign-in
    Customer portal:  ${DEMO_CUSTOMERS.map((c) => c.email).join(", ")}  password: ${DEMO_PASSWORD}
    Admin console:    ${DEMO_ADMIN.email}  password: ${DEMO_ADMIN.password}

  API key (demo):  ${apiKey}
  Demo customers:  ${DEMO_CUSTOMERS.map((c) => c.externalId).join(", ")}

  Try it:
    curl -s -H "Authorization: Bearer ${apiKey}" ${url}/api/v1/customers/cus_acme/usage
    curl -s -H "Authorization: Bearer ${apiKey}" -H "Content-Type: application/json" \\
      -d '{"id":"evt_1","customer":"cus_acme","metric":"api_calls","quantity":1}' ${url}/api/v1/events

  Press Ctrl+C to stop (PostgreSQL and Redis started by this command stop too).
`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await shutdown(1);
}

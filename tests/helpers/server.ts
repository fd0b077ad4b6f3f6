import { spawn, type ChildProcess } from "node:child_process";
import { NEXT_BIN } from "../../scripts/lib/build";
import { serverPort } from "../../scripts/lib/ports";
import { ROOT } from "../../scripts/lib/services";
import { WORKER_ARGS } from "../../scripts/lib/worker";
import { TEST_API_KEY, TEST_AUTH_SECRET, TEST_DATABASE_URL, TEST_REDIS_URL } from "./env";

export type TestServer = { url: string; port: number; process: ChildProcess; output: () => string; stop: () => Promise<void>; kill: () => Promise<void> };

/**
 * Starts the production build (`next start`) on loopback with the test database and Redis. Without a
 * port of the caller's, it takes a free one, and another if something took that one first.
 */
export async function startServer(options: { port?: number; env?: Record<string, string> } = {}): Promise<TestServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerOn(options.port ?? serverPort(), options.env);
    } catch (error) {
      if (options.port !== undefined || attempt >= 5 || !(error instanceof PortTaken)) throw error;
    }
  }
}

class PortTaken extends Error {}

async function startServerOn(port: number, extraEnv: Record<string, string> = {}): Promise<TestServer> {
  let output = "";
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: TEST_REDIS_URL,
      BOOTSTRAP_API_KEY: TEST_API_KEY,
      AUTH_SECRET: TEST_AUTH_SECRET,
      AUTH_SIGN_IN_PER_MINUTE: "1000",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr?.on("data", (chunk) => (output = (output + chunk).slice(-20_000)));
  // "close" comes once the output pipes are drained too: the reason for an early exit is read whole.
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000))]);
      const Failure = /EADDRINUSE/.test(output) ? PortTaken : Error;
      throw new Failure(`next start exited early:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`next start did not answer on ${url}:\n${output}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  // The bootstrap key is written by the server's start-up hook; wait until it authenticates.
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${url}/api/v1/metrics`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    if (res.status !== 401) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, process: child, output: () => output, ...stoppers(child) };
}

/** stop (SIGTERM) and kill (SIGKILL), each resolving once the process has exited. */
function stoppers(child: ChildProcess) {
  const exited = () => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
  const signal = (name: NodeJS.Signals) => async () => {
    child.kill(name);
    await exited();
  };
  return { stop: signal("SIGTERM"), kill: signal("SIGKILL") };
}

/** Starts the billing worker process (scripts/worker.ts) against the test database and Redis; kill() stops the worker itself. */
export function startWorker(env: Record<string, string> = {}) {
  let output = "";
  const child = spawn(process.execPath, WORKER_ARGS, {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr?.on("data", (chunk) => (output = (output + chunk).slice(-20_000)));
  return { output: () => output, ...stoppers(child) };
}

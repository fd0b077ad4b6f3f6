import { spawn } from "node:child_process";
import path from "node:path";

/** The billing worker, as `npm start` runs it: the console's invoice runs are BullMQ jobs. */
export default async function globalSetup() {
  const root = path.resolve(import.meta.dirname, "..");
  const worker = spawn(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), path.join(root, "scripts", "worker.ts")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL, REDIS_URL: process.env.TEST_REDIS_URL ?? process.env.REDIS_URL, LOG_LEVEL: "warn" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return async () => {
    worker.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (worker.exitCode === null) worker.kill("SIGKILL");
  };
}

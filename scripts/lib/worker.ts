import path from "node:path";

/**
 * How to start the billing worker (scripts/worker.ts): spawn(process.execPath, WORKER_ARGS).
 * The TypeScript loader runs inside the worker's own process (not through tsx's command, which
 * runs the script in a child of its own), so a signal, SIGKILL included, reaches the worker itself.
 */
export const WORKER_ARGS = ["--import", "tsx", path.resolve(import.meta.dirname, "..", "worker.ts")];

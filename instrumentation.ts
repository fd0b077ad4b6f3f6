/** Runs once when the server starts: API key bootstrap and the counter maintenance loop. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("@/lib/env");
  const { ensureApiKey } = await import("@/lib/auth/api-keys");
  const { startCounterMaintenance } = await import("@/lib/metering/maintenance");
  const { BOOTSTRAP_API_KEY } = env();
  if (BOOTSTRAP_API_KEY) await ensureApiKey(BOOTSTRAP_API_KEY, "bootstrap");
  startCounterMaintenance();
}

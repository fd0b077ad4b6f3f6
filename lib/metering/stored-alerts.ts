/**
 * Alerts this process knows are stored (inserted, or found by the unique key). Once a usage
 * threshold, a limit or a spend amount has been passed, every later event would otherwise offer
 * its row again only for `on conflict do nothing` to skip it. Process memory only: a restart asks
 * Postgres again, which is still what makes each alert fire once.
 */
const stored = new Set<string>();

/** An alert's key, the same columns as usage_alerts' unique key; `threshold` as it is stored. */
export const alertKey = (kind: "usage_percent" | "limit_exceeded" | "spend", customerId: number, metricId: number | null, threshold: string, periodStartMs: number) =>
  `${kind}:${customerId}:${metricId ?? ""}:${threshold}:${periodStartMs}`;

export const isStoredAlert = (key: string) => stored.has(key);

export function rememberStoredAlert(key: string) {
  if (stored.size >= 100_000) stored.clear();
  stored.add(key);
}

/**
 * Alerts this process knows are stored (inserted, or found by the unique key). Once a limit or a
 * spend amount has been passed, every later event would otherwise open a transaction only to hit
 * `on conflict do nothing`. Process memory only: a restart asks Postgres again, which is still
 * what makes each alert fire once. Keys name the customer, metric, threshold and period.
 */
const stored = new Set<string>();

export const isStoredAlert = (key: string) => stored.has(key);

export function rememberStoredAlert(key: string) {
  if (stored.size >= 100_000) stored.clear();
  stored.add(key);
}

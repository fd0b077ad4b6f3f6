import type { ApiClient } from "./api";

/**
 * Sends batches of fresh events from several clients until stopped, and remembers exactly which
 * events were acknowledged (a 200 with an accepted or duplicate receipt). Errors are expected
 * while a dependency is down; they are counted, never retried silently.
 */
export function ingestLoad(api: ApiClient, options: { customers: string[]; clients: number; batch: number; prefix: string }) {
  const acknowledged = new Set<string>();
  let sent = 0;
  let failures = 0;
  let running = true;
  const lanes = Array.from({ length: options.clients }, async (_, lane) => {
    let n = 0;
    while (running) {
      const events = Array.from({ length: options.batch }, () => {
        const id = `${options.prefix}-${lane}-${n++}`;
        return { id, customer: options.customers[n % options.customers.length], metric: "api_calls", quantity: "0.5" };
      });
      try {
        const res = await api.post("/events", { events });
        sent += events.length;
        if (res.status === 200) {
          for (const receipt of res.json.receipts) if (receipt.status !== "rejected") acknowledged.add(receipt.id);
        } else failures++;
      } catch {
        failures++;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });
  return {
    acknowledged,
    stats: () => ({ sent, failures, acknowledged: acknowledged.size }),
    stop: async () => {
      running = false;
      await Promise.all(lanes);
    },
  };
}

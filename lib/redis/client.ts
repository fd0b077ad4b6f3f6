import Redis from "ioredis";
import { env } from "@/lib/env";

type Clients = { general: Redis; ingest: Redis };
const globalForRedis = globalThis as unknown as { meterlineRedis?: Clients };

function connect(): Clients {
  const url = env().REDIS_URL;
  const general = new Redis(url, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
  // The counter-apply connection never queues or re-sends: a command that did not run within the
  // timeout must not run later, after a repair has rebuilt the counters (it is also fenced by markers).
  const ingest = new Redis(url, {
    commandTimeout: 2000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (times) => Math.min(times * 100, 1000),
  });
  for (const connection of [general, ingest]) connection.on("error", () => {});
  return { general, ingest };
}

export function redis(): Redis {
  globalForRedis.meterlineRedis ??= connect();
  return globalForRedis.meterlineRedis.general;
}

export function ingestRedis(): Redis {
  globalForRedis.meterlineRedis ??= connect();
  return globalForRedis.meterlineRedis.ingest;
}

export async function closeRedis() {
  const current = globalForRedis.meterlineRedis;
  globalForRedis.meterlineRedis = undefined;
  if (current) await Promise.allSettled([current.general.quit(), current.ingest.quit()]);
}

import Redis from "ioredis";
import { env } from "@/lib/env";
import { ScriptPipe } from "./script-pipe";

type Clients = { general: Redis; counters: ScriptPipe };
const globalForRedis = globalThis as unknown as { meterlineRedis?: Clients };

function connect(): Clients {
  const url = env().REDIS_URL;
  const general = new Redis(url, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
  general.on("error", () => {});
  // The counter writes (applies and rebuilds) never queue or re-send: a batch not answered within
  // two seconds fails for its caller (the outbox repairs it) but keeps its place on the connection.
  const counters = new ScriptPipe(url, { connectTimeoutMs: 1_000, replyTimeoutMs: 2_000, retryDelayMs: 200, deadAfterMs: 30_000 });
  return { general, counters };
}

export function redis(): Redis {
  globalForRedis.meterlineRedis ??= connect();
  return globalForRedis.meterlineRedis.general;
}

/** The connection for counter writes: script calls in batches (see ScriptPipe). */
export function counterPipe(): ScriptPipe {
  globalForRedis.meterlineRedis ??= connect();
  return globalForRedis.meterlineRedis.counters;
}

export async function closeRedis() {
  const current = globalForRedis.meterlineRedis;
  globalForRedis.meterlineRedis = undefined;
  if (current) {
    current.counters.close();
    await current.general.quit().catch(() => {});
  }
}

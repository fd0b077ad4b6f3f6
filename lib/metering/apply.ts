import { defineScripts } from "@/lib/redis/scripts";
import { ingestRedis } from "@/lib/redis/client";
import { appliedMarkerKey, COUNTERS_READY_KEY, MARKER_TTL_SECONDS } from "@/lib/redis/keys";
import { logger } from "@/lib/logger";
import { counterArguments, foldEvents } from "./counters";
import type { PreparedEvent } from "./group-commit";
import { requestRebuild } from "./maintenance";

/** Just after start the connection may still be connecting; give it a moment, not forever. */
function readyWithin(connection: ReturnType<typeof ingestRedis>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      connection.off("ready", done);
      resolve();
    }
    connection.once("ready", done);
  });
}

/**
 * Applies one group commit's new events to the live counters: one script per customer (one
 * slot each), all in one pipeline. Returns false when Redis did not confirm every customer; the
 * outbox row then stays and the repair loop rebuilds those customers from Postgres.
 */
export async function applyCounters(outboxId: number, events: PreparedEvent[]): Promise<boolean> {
  const byCustomer = new Map<number, PreparedEvent[]>();
  for (const event of events) {
    const list = byCustomer.get(event.customerId);
    if (list) list.push(event);
    else byCustomer.set(event.customerId, [event]);
  }
  const connection = defineScripts(ingestRedis());
  if (connection.status !== "ready") await readyWithin(connection, 1_000);
  const pipeline = connection.pipeline();
  pipeline.exists(COUNTERS_READY_KEY);
  for (const [customerId, list] of byCustomer) {
    const { keys, argv } = counterArguments(customerId, foldEvents(list));
    pipeline.meterlineApply(keys.length + 1, appliedMarkerKey(customerId, outboxId), ...keys, MARKER_TTL_SECONDS, ...argv);
  }
  // One write for the whole pipeline instead of one per customer's script.
  const stream = (connection as unknown as { stream?: { cork(): void; uncork(): void } }).stream;
  stream?.cork();
  const pending = pipeline.exec();
  process.nextTick(() => stream?.uncork());
  try {
    const replies = (await pending) ?? [];
    if (replies[0] && !replies[0][0] && replies[0][1] === 0) requestRebuild("counters not ready (Redis empty?)");
    const failed = replies.find(([error]) => error);
    if (failed) {
      logger.warn({ err: failed[0], outboxId }, "counter update failed; the repair loop will rebuild these customers");
      return false;
    }
    return replies.length === byCustomer.size + 1;
  } catch (error) {
    logger.warn({ err: error, outboxId }, "counter update failed; the repair loop will rebuild these customers");
    return false;
  }
}

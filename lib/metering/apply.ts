import { counterPipe } from "@/lib/redis/client";
import { appliedMarkerKey, COUNTERS_READY_KEY, MARKER_TTL_SECONDS } from "@/lib/redis/keys";
import { APPLY_SCRIPT } from "@/lib/redis/scripts";
import { logger } from "@/lib/logger";
import { counterArguments, foldEvents } from "./counters";
import type { PreparedEvent } from "./group-commit";
import { requestRebuild } from "./maintenance";

/**
 * Applies one group commit's new events to the live counters: one script per customer (one
 * slot each), all in one batch. Returns false when Redis did not confirm every customer; the
 * outbox row then stays and the repair loop rebuilds those customers from Postgres.
 */
export async function applyCounters(outboxId: number, events: PreparedEvent[]): Promise<boolean> {
  const byCustomer = new Map<number, PreparedEvent[]>();
  for (const event of events) {
    const list = byCustomer.get(event.customerId);
    if (list) list.push(event);
    else byCustomer.set(event.customerId, [event]);
  }
  const ttl = String(MARKER_TTL_SECONDS);
  try {
    // Inside the try: whatever goes wrong here, the events are committed and the outbox repairs them.
    const pipe = counterPipe();
    const sha = pipe.script(APPLY_SCRIPT);
    const commands: string[][] = [["EXISTS", COUNTERS_READY_KEY]];
    for (const [customerId, list] of byCustomer) {
      const { keys, argv } = counterArguments(customerId, foldEvents(list));
      commands.push(["EVALSHA", sha, String(keys.length + 1), appliedMarkerKey(customerId, outboxId), ...keys, ttl, ...argv]);
    }
    const replies = await pipe.exec(commands);
    if (replies[0] === 0) requestRebuild("counters not ready (Redis empty?)");
    const failed = replies.find((reply) => reply instanceof Error);
    if (failed) {
      logger.warn({ err: failed, outboxId }, "counter update failed; the repair loop will rebuild these customers");
      return false;
    }
    return true;
  } catch (error) {
    logger.warn({ err: error, outboxId }, "counter update failed; the repair loop will rebuild these customers");
    return false;
  }
}

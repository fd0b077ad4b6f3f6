import { sqlClient } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { redis } from "@/lib/redis/client";
import { appliedMarkerKey, COUNTERS_READY_KEY } from "@/lib/redis/keys";
import { groupCommitter } from "./group-commit";
import { reconcileAll, reconcileCustomers } from "./reconcile";

/** An outbox row older than this is taken to be orphaned (its process died or Redis failed). */
export const REPAIR_AFTER_MS = 5_000;
export const MAINTENANCE_INTERVAL_MS = 2_000;
/** Upper bound, stated in the README, for counters to be right again after a crash. */
export const REPAIR_BOUND_MS = REPAIR_AFTER_MS + 2 * MAINTENANCE_INTERVAL_MS;

const REBUILD_LOCK_KEY = "ml:counters:rebuilding";
const state = globalThis as unknown as { meterlineMaintenance?: { rebuilding?: Promise<void>; timer?: NodeJS.Timeout; busy?: boolean } };
const local = () => (state.meterlineMaintenance ??= {});

/** Starts a full rebuild unless one is already running (here or in another process). */
export function requestRebuild(reason: string): Promise<void> {
  const s = local();
  s.rebuilding ??= (async () => {
    const token = `${process.pid}:${Date.now()}`;
    const locked = await redis().set(REBUILD_LOCK_KEY, token, "PX", 10 * 60_000, "NX");
    if (!locked) return;
    try {
      logger.warn({ reason }, "rebuilding live counters from Postgres");
      const started = Date.now();
      const result = await reconcileAll();
      logger.info({ ...result, ms: Date.now() - started }, "live counters rebuilt");
    } finally {
      if ((await redis().get(REBUILD_LOCK_KEY)) === token) await redis().del(REBUILD_LOCK_KEY);
    }
  })()
    .catch((error) => logger.error({ err: error }, "counter rebuild failed; will retry"))
    .finally(() => {
      s.rebuilding = undefined;
    });
  return s.rebuilding;
}

/** Resolves once the rebuild this process started, if any, has finished (it never rejects). */
export function rebuildSettled(): Promise<void> {
  return local().rebuilding ?? Promise.resolve();
}

/** True per row when Redis holds the applied marker of every customer in it. */
async function appliedInRedis(rows: { id: string; customer_ids: string[] }[]): Promise<boolean[]> {
  const pipeline = redis().pipeline();
  for (const row of rows) for (const customerId of row.customer_ids) pipeline.exists(appliedMarkerKey(Number(customerId), Number(row.id)));
  const replies = (await pipeline.exec()) ?? [];
  let i = 0;
  return rows.map((row) => row.customer_ids.map(() => replies[i++]).every((reply) => reply && !reply[0] && reply[1] === 1));
}

/**
 * Outbox rows older than the repair delay: rows whose counters were applied (markers present)
 * are just deleted; for the others the process died or Redis failed between commit and counter
 * update, so their customers are rebuilt from Postgres before the rows go.
 */
export async function repairOutbox(olderThanMs = REPAIR_AFTER_MS): Promise<number> {
  const sql = sqlClient();
  const rows = await sql<{ id: string; customer_ids: string[] }[]>`
    select id, customer_ids from counter_outbox
    where created_at < clock_timestamp() - make_interval(secs => ${olderThanMs / 1000})
    order by id limit 500`;
  if (rows.length === 0) return 0;
  const applied = await appliedInRedis(rows);
  const orphans = rows.filter((_, i) => !applied[i]);
  const customerIds = [...new Set(orphans.flatMap((row) => row.customer_ids.map(Number)))];
  if (customerIds.length > 0) await reconcileCustomers(customerIds);
  await sql`delete from counter_outbox where id = any(${sql.array(rows.map((row) => row.id))}::int8[])`;
  if (orphans.length > 0) logger.info({ rows: orphans.length, customers: customerIds.length }, "repaired counters of orphaned outbox rows");
  return orphans.length;
}

async function tick() {
  const s = local();
  if (s.busy) return;
  s.busy = true;
  try {
    if (!(await redis().exists(COUNTERS_READY_KEY))) await requestRebuild("counters not marked ready");
    await groupCommitter().clearApplied();
    await repairOutbox();
  } catch (error) {
    logger.warn({ err: error }, "counter maintenance failed; retrying");
  } finally {
    s.busy = false;
  }
}

/** Keeps counters right in the background: rebuild when Redis is empty, repair orphans. */
export function startCounterMaintenance() {
  const s = local();
  if (s.timer) return;
  s.timer = setInterval(() => void tick(), MAINTENANCE_INTERVAL_MS);
  s.timer.unref();
  void tick();
}


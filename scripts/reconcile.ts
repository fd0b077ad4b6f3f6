/** npm run reconcile: rebuild every live counter exactly from the Postgres event log. */
import { ensureServices, log } from "./lib/services";

const services = await ensureServices();
process.env.DATABASE_URL = services.databaseUrl;
process.env.REDIS_URL = services.redisUrl;
const { reconcileAll } = await import("../lib/metering/reconcile");
const { closeDb } = await import("../lib/db/client");
const { closeRedis } = await import("../lib/redis/client");
try {
  const started = Date.now();
  const result = await reconcileAll((done, total) => log(`reconciled ${done}/${total} customers`));
  log(`rebuilt counters of ${result.customers} customers in ${Date.now() - started} ms${result.ready ? "" : " (Redis restarted meanwhile; run again)"}`);
} finally {
  await closeDb();
  await closeRedis();
  services.stop();
}

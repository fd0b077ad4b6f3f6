/** The background worker: invoice runs, the hourly period close and webhook deliveries (BullMQ on the app's Redis). */
import { startBillingWorker } from "../lib/jobs/queues";
import { startWebhookWorker } from "../lib/jobs/webhook-queue";
import { logger } from "../lib/logger";

const worker = await startBillingWorker();
const webhooks = await startWebhookWorker();
logger.info("billing and webhook workers started");
/** Lets running jobs finish (they are idempotent and resumed anyway), but never hangs on a lost Redis. */
const shutdown = async () => {
  await Promise.race([Promise.all([worker.close(), webhooks.close()]), new Promise((resolve) => setTimeout(resolve, 8_000))]);
  process.exit(0);
};
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());

/** The background worker: invoice runs and the hourly period close (BullMQ on the app's Redis). */
import { startBillingWorker } from "../lib/jobs/queues";
import { logger } from "../lib/logger";

const worker = await startBillingWorker();
logger.info("billing worker started");
const shutdown = async () => {
  await worker.close();
  process.exit(0);
};
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());

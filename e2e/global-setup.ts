import { startWorker } from "../tests/helpers/server";

/** The billing worker, as `npm start` runs it: the console's invoice runs are BullMQ jobs. */
export default async function globalSetup() {
  const worker = startWorker();
  return async () => {
    await worker.stop();
  };
}

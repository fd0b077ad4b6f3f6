import { Queue, Worker, type Job } from "bullmq";
import Redis from "ioredis";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { executeInvoiceRun } from "@/lib/billing/invoice-runs";
import { closeDuePeriods } from "@/lib/billing/period-close";

export const BILLING_QUEUE = "meterline-billing";
type BillingJob = { kind: "invoice-run"; runId: number } | { kind: "close-periods" };

const holder = globalThis as unknown as { meterlineQueue?: Queue<BillingJob> };

/** BullMQ needs a connection that retries forever (maxRetriesPerRequest: null). */
const connection = () => new Redis(env().REDIS_URL, { maxRetriesPerRequest: null });

export function billingQueue(): Queue<BillingJob> {
  holder.meterlineQueue ??= new Queue<BillingJob>(BILLING_QUEUE, { connection: connection() });
  return holder.meterlineQueue;
}

/** One job per run id: enqueueing the same run twice is a no-op. */
export async function enqueueInvoiceRun(runId: number) {
  await billingQueue().add("invoice-run", { kind: "invoice-run", runId }, {
    jobId: `invoice-run-${runId}`,
    attempts: 5,
    backoff: { type: "exponential", delay: 2_000 },
    removeOnComplete: 1000,
    removeOnFail: 1000,
  });
}

async function handle(job: Job<BillingJob>) {
  switch (job.data.kind) {
    case "invoice-run":
      return executeInvoiceRun(job.data.runId, (done, total) => job.updateProgress({ done, total }));
    case "close-periods":
      return closeDuePeriods();
  }
}

/** The worker process (scripts/worker.ts): invoice runs, and an hourly pass that closes periods. */
export async function startBillingWorker() {
  // A killed worker's job is taken up again once its lock lapses (lockDuration) and the next
  // stalled-job check runs; reruns are safe because runs are idempotent.
  const worker = new Worker<BillingJob>(BILLING_QUEUE, handle, {
    connection: connection(),
    concurrency: 1,
    lockDuration: 15_000,
    stalledInterval: 5_000,
    maxStalledCount: 5,
  });
  worker.on("failed", (job, error) => logger.error({ err: error, job: job?.id }, "billing job failed"));
  await billingQueue().upsertJobScheduler("close-periods", { pattern: "5 * * * *", tz: "UTC" }, { name: "close-periods", data: { kind: "close-periods" } });
  return worker;
}

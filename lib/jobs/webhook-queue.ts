import { Queue, Worker, type Job } from "bullmq";
import Redis from "ioredis";
import { sqlClient } from "@/lib/db/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { attemptDelivery } from "@/lib/webhooks/deliver";

export const WEBHOOK_QUEUE = "meterline-webhooks";
type DeliveryJob = { deliveryId: number; firstAttempt: number };

const holder = globalThis as unknown as { meterlineWebhookQueue?: Queue<DeliveryJob> };
const connection = () => new Redis(env().REDIS_URL, { maxRetriesPerRequest: null });

export function webhookQueue(): Queue<DeliveryJob> {
  holder.meterlineWebhookQueue ??= new Queue<DeliveryJob>(WEBHOOK_QUEUE, { connection: connection() });
  return holder.meterlineWebhookQueue;
}

/**
 * One job per delivery (job id = delivery id, so adding it twice is a no-op), retried by BullMQ
 * with exponential backoff up to WEBHOOK_MAX_ATTEMPTS attempts in all. `firstAttempt` > 1 for a
 * manual retry after the delivery had failed.
 */
export async function addDeliveryJobs(ids: number[], options: { firstAttempt?: number; jobSuffix?: string } = {}) {
  const { WEBHOOK_MAX_ATTEMPTS, WEBHOOK_BACKOFF_MS } = env();
  const firstAttempt = options.firstAttempt ?? 1;
  await webhookQueue().addBulk(
    ids.map((deliveryId) => ({
      name: "deliver",
      data: { deliveryId, firstAttempt },
      opts: {
        jobId: `webhook-${deliveryId}${options.jobSuffix ?? ""}`,
        attempts: options.firstAttempt ? 1 : WEBHOOK_MAX_ATTEMPTS,
        backoff: { type: "exponential", delay: WEBHOOK_BACKOFF_MS },
        removeOnComplete: 5000,
        removeOnFail: 5000,
      },
    })),
  );
}

class RetryLater extends Error {}

async function handle(job: Job<DeliveryJob>) {
  const attempt = job.data.firstAttempt + job.attemptsMade;
  const max = job.data.firstAttempt > 1 ? attempt : env().WEBHOOK_MAX_ATTEMPTS;
  const outcome = await attemptDelivery(job.data.deliveryId, attempt, max);
  // BullMQ retries a job that throws, after its backoff.
  if (outcome === "retry") throw new RetryLater(`delivery ${job.data.deliveryId}: attempt ${attempt} was not answered with 2xx`);
  return outcome;
}

/**
 * The delivery worker (in the worker process), plus a sweep every 15 s that queues deliveries
 * still pending without a job (recorded, but the process stopped before queueing them).
 */
export async function startWebhookWorker() {
  const worker = new Worker<DeliveryJob>(WEBHOOK_QUEUE, handle, { connection: connection(), concurrency: 16 });
  worker.on("failed", (job, error) => {
    if (!(error instanceof RetryLater)) logger.error({ err: error, job: job?.id }, "webhook job failed");
  });
  const sweep = setInterval(async () => {
    try {
      const rows = await sqlClient()<{ id: string }[]>`
        select id from webhook_deliveries where status = 'pending' and attempts = 0 and created_at < now() - interval '15 seconds' limit 1000`;
      if (rows.length) await addDeliveryJobs(rows.map((r) => Number(r.id)));
    } catch (error) {
      logger.warn({ err: error }, "webhook sweep failed");
    }
  }, 15_000);
  worker.on("closing", () => clearInterval(sweep));
  return worker;
}

export async function closeWebhookQueue() {
  const queue = holder.meterlineWebhookQueue;
  holder.meterlineWebhookQueue = undefined;
  await queue?.close();
}

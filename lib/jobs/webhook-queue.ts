import { Queue, Worker, type Job } from "bullmq";
import Redis from "ioredis";
import { sqlClient } from "@/lib/db/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { attemptDelivery } from "@/lib/webhooks/deliver";

export const WEBHOOK_QUEUE = "meterline-webhooks";
/** Attempts firstAttempt..lastAttempt of one delivery (BullMQ retries the job in between). */
type DeliveryJob = { deliveryId: number; firstAttempt: number; lastAttempt: number };

const holder = globalThis as unknown as { meterlineWebhookQueue?: Queue<DeliveryJob> };
const connection = () => new Redis(env().REDIS_URL, { maxRetriesPerRequest: null });

export function webhookQueue(): Queue<DeliveryJob> {
  holder.meterlineWebhookQueue ??= new Queue<DeliveryJob>(WEBHOOK_QUEUE, { connection: connection() });
  return holder.meterlineWebhookQueue;
}

/**
 * One job per delivery and starting attempt (job id = both, so adding it twice is a no-op),
 * retried by BullMQ with exponential backoff up to WEBHOOK_MAX_ATTEMPTS attempts in all. A
 * manual retry of a failed delivery is one more attempt; a delivery resumed by the sweep (its
 * job was lost, e.g. with Redis) continues from its next attempt.
 */
export async function addDeliveryJobs(ids: number[], options: { firstAttempt?: number; manual?: boolean } = {}) {
  const { WEBHOOK_MAX_ATTEMPTS, WEBHOOK_BACKOFF_MS } = env();
  const firstAttempt = options.firstAttempt ?? 1;
  const lastAttempt = options.manual ? firstAttempt : Math.max(firstAttempt, WEBHOOK_MAX_ATTEMPTS);
  await webhookQueue().addBulk(
    ids.map((deliveryId) => ({
      name: "deliver",
      data: { deliveryId, firstAttempt, lastAttempt },
      opts: {
        jobId: `webhook-${deliveryId}-${firstAttempt}`,
        attempts: lastAttempt - firstAttempt + 1,
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
  const outcome = await attemptDelivery(job.data.deliveryId, attempt, { maxAttempts: job.data.lastAttempt });
  // BullMQ retries a job that throws, after its backoff.
  if (outcome === "retry") throw new RetryLater(`delivery ${job.data.deliveryId}: attempt ${attempt} was not answered with 2xx`);
  return outcome;
}

/**
 * The delivery worker (in the worker process), plus a sweep every 15 s for deliveries still
 * pending with nothing happening: recorded but never queued (the process stopped first), or
 * whose job was lost (Redis keeps no data across restarts). Each continues from its next attempt,
 * once its backoff has surely passed.
 */
export async function startWebhookWorker() {
  const worker = new Worker<DeliveryJob>(WEBHOOK_QUEUE, handle, { connection: connection(), concurrency: 16 });
  worker.on("failed", (job, error) => {
    if (!(error instanceof RetryLater)) logger.error({ err: error, job: job?.id }, "webhook job failed");
  });
  const sweep = setInterval(async () => {
    try {
      const { WEBHOOK_BACKOFF_MS } = env();
      const rows = await sqlClient()<{ id: string; attempts: number }[]>`
        select d.id, d.attempts from webhook_deliveries d
        where d.status = 'pending' and coalesce((select max(a.created_at) from webhook_attempts a where a.delivery_id = d.id), d.created_at)
          < now() - (case when d.attempts = 0 then 15000 else 60000 + ${WEBHOOK_BACKOFF_MS}::float8 * 2 ^ (d.attempts - 1) end) * interval '1 millisecond'
        order by d.id limit 1000`;
      for (const row of rows) await addDeliveryJobs([Number(row.id)], { firstAttempt: row.attempts + 1 });
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

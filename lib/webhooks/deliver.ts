import { Webhook } from "standardwebhooks";
import { sqlClient } from "@/lib/db/client";
import { env } from "@/lib/env";
import { storableCopy } from "@/lib/http/text";

/** How much of a receiver's answer the attempt log keeps. */
const EXCERPT_CHARS = 500;
/** How much of it is read at most: a receiver may answer with anything, of any size. */
const EXCERPT_READ_BYTES = 4 * EXCERPT_CHARS;

/**
 * The start of an answer for the attempt log: reading stops once EXCERPT_READ_BYTES have come
 * (the rest is left unread and the connection closed); decoded leniently, cut to EXCERPT_CHARS,
 * with anything Postgres cannot store (a NUL, half of a character cut in two) replaced, so an odd
 * answer can never keep its attempt from being logged.
 */
async function answerExcerpt(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_READ_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A broken or timed-out answer: log what came.
  } finally {
    reader.cancel().catch(() => {});
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, EXCERPT_READ_BYTES));
  return storableCopy(text.slice(0, EXCERPT_CHARS));
}

export type AttemptOutcome = "succeeded" | "retry" | "failed" | "not_pending";

/**
 * One delivery attempt: signs the stored body per Standard Webhooks (webhook-id stays the same
 * on every attempt, webhook-timestamp and webhook-signature are fresh), POSTs it, and logs the
 * attempt (status, latency, the start of the answer). A 2xx succeeds; anything else is retried
 * until the last attempt, which marks the delivery failed.
 */
export async function attemptDelivery(deliveryId: number, attempt: number, maxAttempts = env().WEBHOOK_MAX_ATTEMPTS): Promise<AttemptOutcome> {
  const sql = sqlClient();
  const [delivery] = await sql<{ status: string; message_id: string; payload: unknown; url: string; secret: string; enabled: boolean }[]>`
    select d.status, d.message_id, d.payload, e.url, e.secret, e.enabled from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
    where d.id = ${deliveryId}`;
  if (!delivery || delivery.status !== "pending") return "not_pending";
  if (!delivery.enabled) {
    // Disabled since: nothing more is sent; a manual retry after enabling it sends it again.
    await sql`update webhook_deliveries set status = 'failed', finished_at = now() where id = ${deliveryId} and status = 'pending'`;
    return "failed";
  }
  const body = typeof delivery.payload === "string" ? delivery.payload : JSON.stringify(delivery.payload);
  const now = new Date();
  const signature = new Webhook(delivery.secret).sign(delivery.message_id, now, body);
  const started = performance.now();
  let statusCode: number | null = null;
  let excerpt: string;
  try {
    const response = await fetch(delivery.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(env().WEBHOOK_TIMEOUT_MS),
      headers: {
        "content-type": "application/json",
        "user-agent": "Meterline-Webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body,
    });
    statusCode = response.status;
    excerpt = await answerExcerpt(response);
  } catch (error) {
    excerpt = storableCopy(`no answer: ${error instanceof Error ? error.message : String(error)}`.slice(0, EXCERPT_CHARS));
  }
  const latencyMs = Math.round(performance.now() - started);
  const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
  const outcome: AttemptOutcome = ok ? "succeeded" : attempt >= maxAttempts ? "failed" : "retry";
  await sql.begin(async (tx) => {
    await tx`insert into webhook_attempts (delivery_id, attempt, status_code, latency_ms, response_excerpt)
             values (${deliveryId}, ${attempt}, ${statusCode}, ${latencyMs}, ${excerpt})`;
    await tx`update webhook_deliveries set attempts = attempts + 1,
               status = ${outcome === "retry" ? "pending" : outcome},
               finished_at = ${outcome === "retry" ? null : new Date().toISOString()}::timestamptz
             where id = ${deliveryId}`;
  });
  return outcome;
}

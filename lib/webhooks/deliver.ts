import http from "node:http";
import https from "node:https";
import { Webhook } from "standardwebhooks";
import { inTransaction, sqlClient } from "@/lib/db/client";
import { env } from "@/lib/env";
import { storableCopy } from "@/lib/http/text";
import { privateUrlProblem, publicOnlyLookup } from "./network";

/** How much of a receiver's answer the attempt log keeps. */
const EXCERPT_CHARS = 500;
/** How much of it is read at most: a receiver may answer with anything, of any size. */
const EXCERPT_READ_BYTES = 4 * EXCERPT_CHARS;

type Answer = { statusCode: number; start: Buffer };
type Network = { timeoutMs: number; allowPrivate: boolean };

/**
 * Connection pools of their own, one per mode: a socket opened while private networks were
 * allowed is never reused for a delivery that must not reach them, and no proxy settings of the
 * process's default agents apply (a proxy would resolve the name instead of the guarded lookup).
 */
const AGENTS = {
  guarded: { "http:": new http.Agent({ keepAlive: true }), "https:": new https.Agent({ keepAlive: true }) },
  open: { "http:": new http.Agent({ keepAlive: true }), "https:": new https.Agent({ keepAlive: true }) },
};

/**
 * One POST that does not follow redirects and stops reading the answer once EXCERPT_READ_BYTES
 * have come (dropping the connection), within timeoutMs for the whole exchange. Unless private
 * networks are allowed, the host must not be or resolve to a private address (lib/webhooks/network).
 */
function post(raw: string, headers: Record<string, string>, body: string, { timeoutMs, allowPrivate }: Network): Promise<Answer> {
  const url = new URL(raw);
  const refused = allowPrivate ? null : privateUrlProblem(url);
  if (refused) return Promise.reject(refused);
  const payload = Buffer.from(body);
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise((resolve, reject) => {
    const request = (url.protocol === "https:" ? https : http).request(url, {
      method: "POST",
      headers: { ...headers, "content-length": String(payload.byteLength) },
      agent: AGENTS[allowPrivate ? "open" : "guarded"][url.protocol === "https:" ? "https:" : "http:"],
      lookup: allowPrivate ? undefined : publicOnlyLookup,
      signal,
    });
    let answered = false;
    // Once the answer has begun, an error (the timeout, a cut connection) only ends its reading.
    request.on("error", (error) => answered || reject(signal.aborted ? new Error(`timed out after ${timeoutMs} ms`) : error));
    request.on("response", (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      // A broken, cut or timed-out answer: log what came.
      const finish = () => resolve({ statusCode: response.statusCode ?? 0, start: Buffer.concat(chunks).subarray(0, EXCERPT_READ_BYTES) });
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.byteLength;
        if (size >= EXCERPT_READ_BYTES) response.destroy();
      });
      response.on("error", finish);
      response.on("close", finish);
    });
    request.end(payload);
  });
}

/**
 * The start of an answer for the attempt log: decoded leniently, cut to EXCERPT_CHARS, with
 * anything Postgres cannot store (a NUL, half of a character cut in two) replaced, so an odd
 * answer can never keep its attempt from being logged.
 */
const answerExcerpt = (start: Buffer): string => storableCopy(new TextDecoder().decode(start).slice(0, EXCERPT_CHARS));

export type AttemptOutcome = "succeeded" | "retry" | "failed" | "not_pending";

/**
 * One delivery attempt: signs the stored body per Standard Webhooks (webhook-id stays the same
 * on every attempt, webhook-timestamp and webhook-signature are fresh), POSTs it, and logs the
 * attempt (status, latency, the start of the answer). A 2xx succeeds; anything else is retried
 * until the last attempt, which marks the delivery failed.
 */
export async function attemptDelivery(
  deliveryId: number,
  attempt: number,
  { maxAttempts = env().WEBHOOK_MAX_ATTEMPTS, timeoutMs = env().WEBHOOK_TIMEOUT_MS, allowPrivate = env().WEBHOOK_ALLOW_PRIVATE_NETWORKS }: Partial<Network> & { maxAttempts?: number } = {},
): Promise<AttemptOutcome> {
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
    const headers = {
      "content-type": "application/json",
      "user-agent": "Meterline-Webhooks/1",
      "webhook-id": delivery.message_id,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": signature,
    };
    const answer = await post(delivery.url, headers, body, { timeoutMs, allowPrivate });
    statusCode = answer.statusCode;
    excerpt = answerExcerpt(answer.start);
  } catch (error) {
    excerpt = storableCopy(`no answer: ${error instanceof Error ? error.message : String(error)}`.slice(0, EXCERPT_CHARS));
  }
  const latencyMs = Math.round(performance.now() - started);
  const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
  const outcome: AttemptOutcome = ok ? "succeeded" : attempt >= maxAttempts ? "failed" : "retry";
  await inTransaction(async (tx) => {
    await tx`insert into webhook_attempts (delivery_id, attempt, status_code, latency_ms, response_excerpt)
             values (${deliveryId}, ${attempt}, ${statusCode}, ${latencyMs}, ${excerpt})`;
    await tx`update webhook_deliveries set attempts = attempts + 1,
               status = ${outcome === "retry" ? "pending" : outcome},
               finished_at = ${outcome === "retry" ? null : new Date().toISOString()}::timestamptz
             where id = ${deliveryId}`;
  });
  return outcome;
}

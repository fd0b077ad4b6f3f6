import { ApiError } from "@/lib/http/api-error";
import { logger } from "@/lib/logger";
import { batchSchema, MAX_BATCH, type Receipt } from "./event-schema";
import { ingestEvents } from "./ingest";

/** Rejections about the state of the world, not the shape of the input: receipts, not a 422. */
const RECEIPT_REJECTIONS = new Set(["unknown_customer", "unknown_metric", "period_closed"]);

/**
 * POST /events: one event object or { events: [...] } (1-1000). Answers receipts in input order.
 * When nothing could be stored because the input itself is malformed, the whole request is a
 * 422 naming each failing field; unknown customers and metrics are per-event rejections.
 */
export async function handleEventsRequest(body: unknown): Promise<{ receipts: Receipt[] }> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ApiError("validation_failed", "Send one event object or { \"events\": [...] }.", [
      { path: "(body)", message: "expected an object" },
    ]);
  }
  const isBatch = "events" in body;
  let raws: unknown[];
  if (isBatch) {
    const parsed = batchSchema.safeParse(body);
    if (!parsed.success) {
      const length = Array.isArray((body as { events: unknown }).events) ? (body as { events: unknown[] }).events.length : null;
      throw new ApiError(
        "invalid_batch_size",
        length === null ? "events must be an array." : `A batch holds 1 to ${MAX_BATCH} events; this one has ${length}.`,
        [{ path: "events", message: parsed.error.issues[0].message }],
      );
    }
    raws = parsed.data.events;
  } else {
    raws = [body];
  }
  let receipts: Receipt[];
  try {
    receipts = await ingestEvents(raws);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    logger.error({ err: error }, "ingest failed");
    throw new ApiError("service_unavailable", "Events could not be stored right now; nothing was recorded. Retry with the same ids.");
  }
  const rejected = receipts.filter((r) => r.status === "rejected");
  if (rejected.length === receipts.length && rejected.some((r) => r.status === "rejected" && !RECEIPT_REJECTIONS.has(r.error.code))) {
    throw new ApiError(
      "validation_failed",
      isBatch ? "No event in the batch is valid; nothing was stored." : "The event is invalid; nothing was stored.",
      receipts.map((r, i) => {
        const error = r.status === "rejected" ? r.error : { code: "", message: "", field: undefined };
        const path = isBatch ? `events.${i}${error.field ? `.${error.field}` : ""}` : (error.field ?? "(event)");
        return { path, code: error.code, message: error.message };
      }),
    );
  }
  return { receipts };
}

import { z } from "zod";
import { storableText } from "@/lib/http/text";

export const MAX_BATCH = 1000;
export const MAX_PROPERTIES = 32;
/** Events may be stamped at most this far ahead of the server clock. */
export const MAX_FUTURE_MS = 5 * 60 * 1000;

const propertyValue = z.union([storableText("a property value").max(1024), z.number(), z.boolean()], {
  error: "property values must be strings, numbers or booleans (no nesting)",
});

export const eventSchema = z.object({
  id: storableText("id").min(1, "id must not be empty").max(128, "id must be at most 128 characters"),
  customer: storableText("customer").min(1).max(256),
  metric: storableText("metric").min(1).max(64),
  quantity: z.union([z.string().max(64), z.number()], { error: "quantity must be a decimal string or a number" }).optional(),
  timestamp: z.iso.datetime({ offset: true, error: "timestamp must be an RFC 3339 date-time, e.g. 2026-11-26T08:00:00Z" }).optional(),
  properties: z
    .record(storableText("a property name").min(1).max(64), propertyValue)
    .refine((value) => Object.keys(value).length <= MAX_PROPERTIES, { message: `at most ${MAX_PROPERTIES} properties` })
    .optional(),
});

export type EventInput = z.infer<typeof eventSchema>;

export const batchSchema = z.object({
  events: z
    .array(z.unknown())
    .min(1, "a batch needs at least 1 event")
    .max(MAX_BATCH, `a batch holds at most ${MAX_BATCH} events`),
});

export type ReceiptError = { code: string; message: string; field?: string };
export type Receipt =
  | { id: string | null; status: "accepted" | "duplicate"; limitExceeded?: true }
  | { id: string | null; status: "rejected"; error: ReceiptError };

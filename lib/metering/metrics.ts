import { z } from "zod";
import { storableText } from "@/lib/http/text";
import { type Actor, audited } from "@/lib/admin/audit";
import { insertMetric } from "@/lib/db/queries/metrics";
import { AGGREGATIONS, type BillableMetric } from "@/lib/db/schema";
import { ApiError } from "@/lib/http/api-error";
import { invalidateCatalog, metricsByCode } from "./catalog";

export const metricInputSchema = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "code must be lower snake_case, e.g. api_calls"),
    name: storableText("name").trim().min(1).max(100),
    unit: storableText("unit").trim().min(1).max(32),
    aggregation: z.enum(AGGREGATIONS),
    property: storableText("property").min(1).max(64).nullable().default(null),
    decimals: z.number().int().min(0).max(12).default(6),
  })
  .refine((m) => m.aggregation !== "unique_count" || m.property !== null, {
    path: ["property"],
    message: "unique_count needs the property whose distinct values it counts",
  });

export const serializeMetric = (m: BillableMetric) => ({
  code: m.code,
  name: m.name,
  unit: m.unit,
  aggregation: m.aggregation,
  property: m.property,
  decimals: m.decimals,
  createdAt: m.createdAt.toISOString(),
});

/** A new metric is a row: ingestion, counters and pricing pick it up without a deploy. */
export async function defineMetric(input: z.output<typeof metricInputSchema>, actor?: Actor) {
  const row = await audited(actor, async (tx) => {
    const row = await insertMetric(tx, input);
    if (!row) throw new ApiError("conflict", `A metric with code "${input.code}" already exists.`, [{ path: "code", message: "already exists" }]);
    return row;
  }, (metric) => ({ action: "metric.created", entityType: "metric", entityId: metric.code, after: metric }));
  invalidateCatalog();
  return row;
}

export async function listAllMetrics() {
  return [...(await metricsByCode()).values()].sort((a, b) => a.id - b.id);
}

import { z } from "zod";
import { type Actor, audited } from "@/lib/admin/audit";
import type { PlanVersion } from "@/lib/db/schema";
import { storableText } from "@/lib/http/text";
import { db } from "@/lib/db/client";
import { findPlanByCode } from "@/lib/db/queries/catalog";
import { insertPlanVersion, insertPlanWithVersion, listPlanVersions } from "@/lib/db/queries/plans";
import { ApiError } from "@/lib/http/api-error";
import { invalidateCatalog, metricsByCode } from "@/lib/metering/catalog";
import { pricingSchema, versionPricing, type Pricing } from "./pricing-schema";

export const planInputSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, "code must be lower case, e.g. startup"),
  name: storableText("name").trim().min(1).max(100),
  pricing: pricingSchema,
});

/** Every priced metric must exist; the error names the JSON path of the charge. */
async function assertKnownMetrics(pricing: Pricing, prefix: string) {
  const metrics = await metricsByCode(pricing.charges.map((c) => c.metric));
  const unknown = pricing.charges
    .map((charge, i) => ({ charge, i }))
    .filter(({ charge }) => !metrics.has(charge.metric))
    .map(({ charge, i }) => ({ path: `${prefix}charges.${i}.metric`, code: "unknown_metric", message: `no metric with code "${charge.metric}"` }));
  if (unknown.length) throw new ApiError("validation_failed", "The pricing names metrics that do not exist.", unknown);
}

export async function createPlan(input: z.output<typeof planInputSchema>, actor?: Actor) {
  await assertKnownMetrics(input.pricing, "pricing.");
  await audited(actor, async (tx) => {
    const created = await insertPlanWithVersion(tx, input);
    if (!created) throw new ApiError("conflict", `A plan with code "${input.code}" already exists.`, [{ path: "code", message: "already exists" }]);
    return created;
  }, ({ plan, version }) => ({ action: "plan.created", entityType: "plan", entityId: plan.code, after: { name: plan.name, interval: plan.interval, version: serializeVersion(version) } }));
  invalidateCatalog();
  return getPlan(input.code);
}

export async function getPlan(code: string) {
  const plan = await findPlanByCode(db(), { code });
  if (!plan) throw new ApiError("not_found", `No plan with code "${code}".`);
  const versions = await listPlanVersions(db(), { planId: plan.id });
  return {
    code: plan.code,
    name: plan.name,
    interval: plan.interval,
    createdAt: plan.createdAt.toISOString(),
    versions: versions.map(serializeVersion),
  };
}

const serializeVersion = (v: PlanVersion) => ({
  version: v.version,
  effective: v.effective,
  effectiveFrom: Number.isFinite(v.effectiveFrom.getTime()) ? v.effectiveFrom.toISOString() : null,
  pricing: versionPricing(v.id, v.pricing),
  createdAt: v.createdAt.toISOString(),
});

export const planVersionInputSchema = z.object({
  pricing: pricingSchema,
  effective: z.enum(["next_period", "now"]).default("next_period"),
});

/**
 * Publishes an immutable version. `next_period` (the default) prices each customer's periods that
 * start after now; `now` also reprices the period each customer is in. Returns the number of the
 * version published here (not always the plan's last one when others publish too).
 */
export async function publishPlanVersion(code: string, input: z.output<typeof planVersionInputSchema>, { now = new Date(), actor }: { now?: Date; actor?: Actor } = {}) {
  const plan = await findPlanByCode(db(), { code });
  if (!plan) throw new ApiError("not_found", `No plan with code "${code}".`);
  await assertKnownMetrics(input.pricing, "pricing.");
  const interval = plan.interval;
  if (input.pricing.interval !== interval) {
    // Periods (and the usage totals keyed by them) follow the plan's interval: changing it would
    // split periods already under way. Subscribe customers to another plan instead.
    throw new ApiError("validation_failed", `Plan "${code}" bills per ${interval}; a version cannot change the interval.`, [
      { path: "pricing.interval", message: `must be "${interval}"` },
    ]);
  }
  // The audit entry names the version this one follows as read under the plan's lock, so
  // concurrent publishers each record the right one.
  const { version } = await audited(
    actor,
    (tx) => insertPlanVersion(tx, { planId: plan.id, pricing: input.pricing, effectiveFrom: now, effective: input.effective }),
    ({ latest, version }) => ({ action: "plan.version_published", entityType: "plan", entityId: code, before: latest ? serializeVersion(latest) : null, after: serializeVersion(version) }),
  );
  invalidateCatalog();
  return version.version;
}

import { db } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { findCustomers, findPlanVersions, listMetrics, type PlanVersionSummary } from "@/lib/db/queries/catalog";
import type { BillableMetric } from "@/lib/db/schema";
import { versionPricing, type Pricing } from "@/lib/billing/pricing-schema";
import { periodContaining, type Period, type PeriodRule } from "@/lib/billing/periods";
import { planIdForPeriod, subscriptionPlanIds } from "@/lib/billing/subscription";

export type UsageLimit = { kind: "quantity" | "spend"; value: string };

export type CustomerInfo = {
  id: number;
  externalId: string;
  name: string;
  email: string;
  createdAt: Date;
  /** The plan from planChangesAt on (see lib/billing/subscription.ts); planCode is the plan of the current period. */
  planId: number | null;
  previousPlanId: number | null;
  planChangesAt: Date | null;
  planCode: string | null;
  /** The customer's own usage alert percentages, replacing the plan's; null: the plan's. */
  alertPercentages: number[] | null;
  /** The customer's own spend alert amounts (major units), replacing the plan's; null: the plan's. */
  alertSpend: string[] | null;
  /** Hard limits per period, by metric id: a quantity or a spend amount (decimal strings). */
  limits: Map<number, UsageLimit>;
  planVersionId: number | null;
  pricing: Pricing | null;
  rule: PeriodRule;
  /** Period starts (epoch ms) whose invoice is finalized: events for them are refused. */
  closedPeriodStarts: Set<number>;
  /** The last period an event fell in, reused while events keep landing in it. */
  lastPeriod?: { startMs: number; endMs: number; period: Period };
};

/**
 * Customers and metrics as ingestion sees them, cached in memory so that metering never waits on
 * Postgres for them. A customer's entry is fresh for CUSTOMER_TTL_MS; after that it is still used
 * (up to CUSTOMER_STALE_MS) while one background query reloads every stale customer asked for
 * meanwhile, so a steady stream of events for many customers costs one catalog query every few
 * seconds instead of one per request. Edits made in another process therefore show within
 * CUSTOMER_TTL_MS plus the background reload; a customer not seen for CUSTOMER_STALE_MS, or
 * asked for after the end of the billing period its entry was priced for, is reloaded before use;
 * an unknown customer or metric is looked up again after at most MISS_TTL_MS.
 */
const CUSTOMER_TTL_MS = 5_000;
const CUSTOMER_STALE_MS = 60_000;
const MISS_TTL_MS = 1_000;
const METRIC_TTL_MS = 5_000;
/** Customers reloaded per background query, and how long stale ones are gathered before it runs. */
const REFRESH_BATCH = 1_000;
const REFRESH_GATHER_MS = 250;

type Entry = { info: CustomerInfo | null; until: number; staleUntil: number };
type CatalogCache = {
  customers: Map<string, Entry>;
  /** Stale customers to reload in the background (with the latest time they were asked for at), and whether a reload is running. */
  refresh: Map<string, number>;
  refreshing: boolean;
  refreshTimer?: ReturnType<typeof setTimeout>;
  /** Bumped by invalidateCatalog: a load that started before it does not fill the cache. */
  generation: number;
  metrics: Map<string, BillableMetric>;
  metricsById: Map<number, BillableMetric>;
  metricsUntil: number;
  metricsLoading?: Promise<void>;
};
const state = globalThis as unknown as { meterlineCatalog?: CatalogCache };
const cache = (): CatalogCache =>
  (state.meterlineCatalog ??= { customers: new Map(), refresh: new Map(), refreshing: false, generation: 0, metrics: new Map(), metricsById: new Map(), metricsUntil: 0 });

/**
 * The version that prices a period: 'now' versions from the period in which they were published,
 * 'next_period' versions from the first period that starts after publication.
 */
export function versionForPeriod<V extends Pick<PlanVersionSummary, "effective" | "effectiveFrom">>(versionsNewestFirst: V[], period: Period): V | undefined {
  return versionsNewestFirst.find((v) => {
    const from = v.effectiveFrom === "-infinity" ? -Infinity : Date.parse(v.effectiveFrom);
    return v.effective === "now" ? from < period.end.getTime() : from <= period.start.getTime();
  });
}

type CustomerRow = Awaited<ReturnType<typeof findCustomers>>[number];

/** Customer rows with their plans' versions (one query for all the plans involved). */
async function toCustomerInfos(rows: CustomerRow[], now: number): Promise<CustomerInfo[]> {
  const planIds = [...new Set(rows.flatMap((row) => subscriptionPlanIds(row)))];
  const versionsByPlan = new Map<number, PlanVersionSummary[]>();
  for (const version of await findPlanVersions(db(), { planIds })) {
    const list = versionsByPlan.get(version.planId) ?? [];
    list.push(version);
    versionsByPlan.set(version.planId, list);
  }
  return rows.map((row) => toCustomerInfo(row, versionsByPlan, now));
}

function toCustomerInfo(row: CustomerRow, versionsByPlan: Map<number, PlanVersionSummary[]>, now: number): CustomerInfo {
  // Without a plan, usage is still counted in calendar months.
  const rule: PeriodRule = { interval: row.interval ?? "month", anchor: row.billingAnchor };
  const period = periodContaining(new Date(now), rule);
  const planNow = planIdForPeriod(row, period);
  const versions = planNow === null ? [] : (versionsByPlan.get(planNow) ?? []);
  const current = versionForPeriod(versions, period);
  const pricing = current ? versionPricing(current.id, current.pricing) : null;
  return {
    id: row.id,
    externalId: row.externalId,
    name: row.name,
    email: row.email,
    createdAt: row.createdAt,
    planId: row.planId,
    previousPlanId: row.previousPlanId,
    planChangesAt: row.planChangesAt,
    planCode: planNow === row.planId ? row.planCode : row.previousPlanCode,
    alertPercentages: row.alertPercentages,
    alertSpend: row.alertSpend,
    limits: new Map(
      Object.entries(((typeof row.limits === "string" ? JSON.parse(row.limits) : row.limits) ?? {}) as Record<string, { quantity: string | null; spend: string | null }>).map(
        ([metricId, limit]) => [Number(metricId), limit.spend !== null ? { kind: "spend" as const, value: limit.spend } : { kind: "quantity" as const, value: limit.quantity! }],
      ),
    ),
    planVersionId: current?.id ?? null,
    pricing,
    rule,
    closedPeriodStarts: new Set((row.closedPeriodStarts ?? []).map(Number)),
  };
}

/** Loads customers by external id (one query for them, one for their plans) into the cache. */
async function loadCustomers(externalIds: string[], now: number): Promise<Map<string, CustomerInfo>> {
  const c = cache();
  const generation = c.generation;
  const infos = await toCustomerInfos(await findCustomers(db(), { externalIds }), now);
  const byId = new Map(infos.map((info) => [info.externalId, info]));
  // Loaded before an edit in this process: right for this request, not to be remembered.
  if (generation !== c.generation) return byId;
  const { customers } = c;
  if (customers.size > 100_000) customers.clear();
  for (const externalId of externalIds) {
    const info = byId.get(externalId) ?? null;
    // Plan, pricing and limits are those of the period under way: never used past its end.
    const periodEnd = info ? periodContaining(new Date(now), info.rule).end.getTime() : Infinity;
    const until = Math.min(now + (info ? CUSTOMER_TTL_MS : MISS_TTL_MS), periodEnd);
    customers.set(externalId, { info, until, staleUntil: info ? Math.min(now + CUSTOMER_STALE_MS, periodEnd) : until });
  }
  return byId;
}

/**
 * Reloads the stale customers asked for meanwhile, a batch per query. Stale entries are gathered
 * for a moment first (unless a full batch is already waiting), so that customers going stale one
 * request after another share a query.
 */
function refreshInBackground() {
  const c = cache();
  if (c.refreshing || c.refresh.size === 0) return;
  c.refreshing = true;
  const run = () => {
    c.refreshTimer = undefined;
    let now = 0;
    const batch: string[] = [];
    for (const [externalId, askedAt] of c.refresh) {
      c.refresh.delete(externalId);
      const entry = c.customers.get(externalId);
      if (entry && entry.until > askedAt) continue; // reloaded meanwhile
      batch.push(externalId);
      now = Math.max(now, askedAt);
      if (batch.length === REFRESH_BATCH) break;
    }
    const done = () => {
      c.refreshing = false;
      refreshInBackground();
    };
    if (batch.length === 0) return done();
    loadCustomers(batch, now)
      .catch((error) => logger.warn({ err: error }, "customer catalog refresh failed; cached entries are used until they expire"))
      .finally(done);
  };
  c.refreshTimer = setTimeout(run, c.refresh.size >= REFRESH_BATCH ? 0 : REFRESH_GATHER_MS).unref();
}

export async function customersByExternalId(externalIds: Iterable<string>, now = Date.now()): Promise<Map<string, CustomerInfo>> {
  const c = cache();
  const found = new Map<string, CustomerInfo>();
  const missing: string[] = [];
  for (const externalId of new Set(externalIds)) {
    const entry = c.customers.get(externalId);
    if (entry && entry.staleUntil > now) {
      if (entry.info) found.set(externalId, entry.info);
      if (entry.until <= now) c.refresh.set(externalId, Math.max(c.refresh.get(externalId) ?? 0, now));
    } else {
      missing.push(externalId);
    }
  }
  if (c.refresh.size > 0) refreshInBackground();
  if (missing.length > 0) {
    for (const [externalId, info] of await loadCustomers(missing, now)) found.set(externalId, info);
  }
  return found;
}

/** Uncached, for rebuilds. */
export async function loadCustomersById(ids: number[], at = new Date()): Promise<CustomerInfo[]> {
  return toCustomerInfos(await findCustomers(db(), { ids }), at.getTime());
}

export async function customerByExternalId(externalId: string): Promise<CustomerInfo | undefined> {
  return (await customersByExternalId([externalId])).get(externalId);
}

async function reloadMetrics() {
  const c = cache();
  c.metricsLoading ??= listMetrics(db())
    .then((rows) => {
      c.metrics = new Map(rows.map((row) => [row.code, row]));
      c.metricsById = new Map(rows.map((row) => [row.id, row]));
      c.metricsUntil = Date.now() + METRIC_TTL_MS;
    })
    .finally(() => {
      c.metricsLoading = undefined;
    });
  await c.metricsLoading;
}

/** All metrics by code; reloads when stale or when asked for codes it does not know. */
export async function metricsByCode(wanted: Iterable<string> = []): Promise<Map<string, BillableMetric>> {
  const c = cache();
  let stale = c.metricsUntil <= Date.now();
  // Unknown codes reload at most once a second, so junk metric codes cannot hammer Postgres.
  if (!stale && c.metricsUntil - METRIC_TTL_MS < Date.now() - MISS_TTL_MS) {
    for (const code of wanted) if (!c.metrics.has(code)) stale = true;
  }
  if (stale) await reloadMetrics();
  return c.metrics;
}

export async function metricsById(): Promise<Map<number, BillableMetric>> {
  await metricsByCode();
  return cache().metricsById;
}

/** Call after writing customers, plans or metrics in this process. */
export function invalidateCatalog() {
  const c = cache();
  c.customers.clear();
  c.refresh.clear();
  c.generation += 1;
  if (c.refreshTimer) {
    clearTimeout(c.refreshTimer);
    c.refreshTimer = undefined;
    c.refreshing = false;
  }
  c.metricsUntil = 0;
}

/** The customer's billing period containing `timestampMs` (cached: most events share one). */
export function customerPeriod(customer: CustomerInfo, timestampMs: number): Period {
  const last = customer.lastPeriod;
  if (last && timestampMs >= last.startMs && timestampMs < last.endMs) return last.period;
  const period = periodContaining(new Date(timestampMs), customer.rule);
  customer.lastPeriod = { startMs: period.start.getTime(), endMs: period.end.getTime(), period };
  return period;
}

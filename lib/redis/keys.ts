/**
 * Every key of a customer carries the customer in a hash tag, so each script touches one slot
 * and the same code runs on Redis Cluster.
 */
const tag = (customerId: number) => `ml:{c:${customerId}}`;

/** Scalar aggregates of one metric in one period (hash). */
export const counterKey = (customerId: number, metricId: number, periodStart: Date) =>
  `${tag(customerId)}:m:${metricId}:${periodStart.getTime()}`;

/** Distinct values of a unique_count metric in one period (set). */
export const uniqueKey = (customerId: number, metricId: number, periodStart: Date) =>
  `${tag(customerId)}:u:${metricId}:${periodStart.getTime()}`;

/** Set when a group commit's counter changes have been applied for this customer. */
export const appliedMarkerKey = (customerId: number, outboxId: number) => `${tag(customerId)}:ob:${outboxId}`;

/** Present once counters were rebuilt from Postgres; gone after Redis restarts empty. */
export const COUNTERS_READY_KEY = "ml:counters:ready";
export const COUNTERS_EPOCH_KEY = "ml:counters:epoch";

/** How long applied markers live: far longer than any repair delay. */
export const MARKER_TTL_SECONDS = 86_400;

import type { Sql } from "postgres";
import type { BillableMetric } from "@/lib/db/schema";
import { emptyState, stateValue } from "@/lib/metering/counters";
import { aggregateUsage, rowToState } from "@/lib/metering/reconcile";
import type { Period } from "./periods";

/**
 * Usage per metric code for each (customer, period), from Postgres, with the same definitions
 * as the live counters (so invoices and counters agree). Keyed "customerId:periodStartMs".
 */
export async function usageFromEventLog(connection: Sql, windows: { customerId: number; period: Period }[], metrics: BillableMetric[]) {
  const rows = await aggregateUsage(connection, windows);
  const byKey = new Map(rows.map((row) => [`${row.customer_id}:${row.metric_id}:${row.period_start_ms}`, row]));
  return new Map(
    windows.map(({ customerId, period }) => [
      `${customerId}:${period.start.getTime()}`,
      new Map(
        metrics.map((metric) => {
          const row = byKey.get(`${customerId}:${metric.id}:${period.start.getTime()}`);
          return [metric.code, stateValue(row ? rowToState(row, metric, period) : emptyState(metric, period))] as const;
        }),
      ),
    ]),
  );
}

import type { Sql } from "postgres";
import type { BillableMetric } from "@/lib/db/schema";
import { emptyState, stateValue } from "@/lib/metering/counters";
import { aggregateUsage, rowToState } from "@/lib/metering/reconcile";
import type { Period } from "./periods";


/**
 * A customer's usage of one period per metric code, from the durable event log in Postgres,
 * with the same definitions as the live counters (so invoices and counters agree).
 */
export async function usageFromEventLog(connection: Sql, customerId: number, period: Period, metrics: BillableMetric[]) {
  const rows = await aggregateUsage(connection, [{ customerId, period }]);
  const byMetric = new Map(rows.map((row) => [row.metric_id, row]));
  return new Map(
    metrics.map((metric) => {
      const row = byMetric.get(metric.id);
      return [metric.code, stateValue(row ? rowToState(row, metric, period) : emptyState(metric, period))];
    }),
  );
}

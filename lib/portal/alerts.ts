import { sqlClient } from "@/lib/db/client";

export type AlertView = { id: number; kind: "usage_percent" | "spend" | "limit_exceeded"; metric: string | null; threshold: string; observed: string; periodStart: string; firedAt: string };

/** The alerts fired for one customer, newest first. */
export async function listAlerts(customerId: number, limit = 100): Promise<AlertView[]> {
  const rows = await sqlClient()<{ id: string; kind: AlertView["kind"]; metric: string | null; threshold: string; observed: string; period_start: string; fired_at: string }[]>`
    select a.id, a.kind, m.code as metric, a.threshold, a.observed,
      to_json(a.period_start) #>> '{}' as period_start, to_json(a.fired_at) #>> '{}' as fired_at
    from usage_alerts a left join billable_metrics m on m.id = a.metric_id
    where a.customer_id = ${customerId}
    order by a.fired_at desc, a.id desc limit ${limit}`;
  return rows.map((r) => ({ id: Number(r.id), kind: r.kind, metric: r.metric, threshold: r.threshold, observed: r.observed, periodStart: new Date(r.period_start).toISOString(), firedAt: new Date(r.fired_at).toISOString() }));
}

import postgres from "postgres";
import Redis from "ioredis";
import { TEST_DATABASE_URL, TEST_REDIS_URL } from "./env";
import type { ApiClient } from "./api";

export const testSql = () => postgres(TEST_DATABASE_URL, { max: 4, onnotice: () => {} });

/** Empties every table and the test Redis: each test file starts from nothing. */
export async function resetState() {
  const sql = testSql();
  try {
    // Test triggers a failed or interrupted test may have left behind (withAuditRefused, plan-change).
    await sql`drop trigger if exists test_refuse_audit on audit_log`;
    await sql`drop function if exists test_refuse_audit()`;
    await sql`drop trigger if exists test_refuse_name on customers`;
    await sql`drop function if exists test_refuse_name()`;
    await sql`truncate usage_events, usage_period_totals, counter_outbox, invoices, invoice_runs, invoice_sequences, customers, plan_versions, plans,
      billable_metrics, usage_alerts, usage_limits, webhook_endpoints, webhook_deliveries, webhook_attempts, audit_log, api_keys,
      users, sessions, accounts, verifications restart identity cascade`;
  } finally {
    await sql.end();
  }
  const redis = new Redis(TEST_REDIS_URL);
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

export const STANDARD_METRICS = [
  { code: "api_calls", name: "API calls", unit: "call", aggregation: "sum", property: null, decimals: 6 },
  { code: "requests", name: "Requests", unit: "request", aggregation: "count", property: null, decimals: 0 },
  { code: "peak_rps", name: "Peak RPS", unit: "rps", aggregation: "max", property: null, decimals: 3 },
  { code: "storage_gb", name: "Storage", unit: "GB", aggregation: "latest", property: null, decimals: 6 },
  { code: "seats", name: "Seats", unit: "seat", aggregation: "unique_count", property: "user_id", decimals: 0 },
] as const;

/** Creates the standard metrics and some customers through the API. */
export async function createFixtures(api: ApiClient, customers: string[]) {
  for (const metric of STANDARD_METRICS) {
    const res = await api.post("/metrics", metric);
    if (res.status !== 201) throw new Error(`metric ${metric.code}: ${res.status} ${res.text}`);
  }
  for (const externalId of customers) {
    const res = await api.post("/customers", { externalId, name: externalId, email: `${externalId}@example.test` });
    if (res.status !== 201) throw new Error(`customer ${externalId}: ${res.status} ${res.text}`);
  }
}

/** Waits until `check` returns true, polling; fails with `message` after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, message: string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Runs work while the audit log refuses every insert ("audit log unavailable"), as a full disk or
 * a lost permission would: for showing that a change and its entry commit together or not at all.
 */
export async function withAuditRefused<T>(sql: postgres.Sql, work: () => Promise<T>): Promise<T> {
  await sql`create or replace function test_refuse_audit() returns trigger language plpgsql as $$ begin raise exception 'audit log unavailable'; end $$`;
  await sql`create trigger test_refuse_audit before insert on audit_log for each row execute function test_refuse_audit()`;
  try {
    return await work();
  } finally {
    await sql`drop trigger if exists test_refuse_audit on audit_log`;
    await sql`drop function if exists test_refuse_audit()`;
  }
}

/** A webhook delivery as recording an event makes one, without its job: pending, or as given. */
export async function insertDelivery(sql: postgres.Sql, endpointId: number | string, messageId: string, state: { status?: "pending" | "failed"; attempts?: number } = {}): Promise<number> {
  const [row] = await sql<{ id: string }[]>`
    insert into webhook_deliveries (endpoint_id, event_type, message_id, payload, status, attempts)
    values (${endpointId}, 'invoice.voided', ${messageId}, '{"type":"invoice.voided","timestamp":"2026-01-01T00:00:00Z","data":{}}', ${state.status ?? "pending"}, ${state.attempts ?? 0})
    returning id`;
  return Number(row.id);
}

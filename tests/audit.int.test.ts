import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { createApiKey, revokeApiKey } from "@/lib/admin/api-keys";
import { createCustomer } from "@/lib/billing/customers";
import { createInvoiceRun } from "@/lib/billing/invoice-runs";
import { createPlan } from "@/lib/billing/plans";
import { pricingSchema } from "@/lib/billing/pricing-schema";
import { closeDb } from "@/lib/db/client";
import { closeWebhookQueue } from "@/lib/jobs/webhook-queue";
import { setUsageLimit } from "@/lib/metering/limits";
import { defineMetric } from "@/lib/metering/metrics";
import { closeRedis } from "@/lib/redis/client";
import { createEndpoint, retryDelivery, setEndpointEnabled } from "@/lib/webhooks/endpoints";
import { insertDelivery, resetState, testSql, withAuditRefused } from "./helpers/fixtures";

const PRICING = pricingSchema.parse({ currency: "USD", interval: "month", charges: [{ metric: "api_calls", model: "per_unit", unitPrice: "0.01" }] });

describe("the audit log: every change commits with its entry", () => {
  const sql = testSql();
  const admin = { id: "user_auditor", email: "auditor@example.test" };

  beforeAll(async () => {
    await resetState();
    await defineMetric({ code: "api_calls", name: "API calls", unit: "call", aggregation: "sum", property: null, decimals: 0 });
    await createPlan({ code: "basic", name: "Basic", pricing: PRICING });
    await createCustomer({ externalId: "cus_base", name: "Base", email: "base@example.test", planCode: "basic" });
  });

  afterAll(async () => {
    await sql.end();
    await closeWebhookQueue();
    await closeDb();
    await closeRedis();
  });

  it("makes none of the console's changes whose entry cannot be written, and records each one once it can", async () => {
    // What the changes below act on, made without an actor (nothing recorded).
    const key = await createApiKey("to revoke");
    const endpoint = await createEndpoint({ url: "https://hooks.example.com/a", eventTypes: ["invoice.paid"] });
    const delivery = await insertDelivery(sql, endpoint.id, "msg_audit", { status: "failed", attempts: 8 });
    const [{ customer, metric }] = await sql<{ customer: number; metric: number }[]>`
      select (select id::int from customers where external_id = 'cus_base') as customer, (select id::int from billable_metrics where code = 'api_calls') as metric`;
    const limit = { kind: "quantity" as const, value: "10" };
    const changes: [string, () => Promise<unknown>][] = [
      ["api_key.created", () => createApiKey("new key", admin)],
      ["api_key.revoked", () => revokeApiKey(key.id, admin)],
      ["webhook_endpoint.created", () => createEndpoint({ url: "https://hooks.example.com/b", eventTypes: ["invoice.voided"] }, { actor: admin })],
      ["webhook_endpoint.disabled", () => setEndpointEnabled(endpoint.id, false, admin)],
      ["webhook_delivery.retried", () => retryDelivery(delivery, admin)],
      ["customer.limit_set", () => setUsageLimit({ id: customer, externalId: "cus_base" }, { id: metric, code: "api_calls" }, limit, admin)],
      ["metric.created", () => defineMetric({ code: "seats", name: "Seats", unit: "seat", aggregation: "max", property: null, decimals: 0 }, admin)],
      ["customer.created", () => createCustomer({ externalId: "cus_new", name: "New", email: "new@example.test", planCode: "basic" }, admin)],
      ["plan.created", () => createPlan({ code: "pro", name: "Pro", pricing: PRICING }, admin)],
      ["invoice_run.started", () => createInvoiceRun({ customer: "cus_base" }, { actor: admin })],
    ];
    const state = async () => (await sql<{ state: unknown }[]>`select json_build_object(
      'keys', (select json_agg(json_build_object('name', name, 'revoked', revoked_at is not null) order by id) from api_keys),
      'endpoints', (select json_agg(json_build_object('url', url, 'enabled', enabled) order by id) from webhook_endpoints),
      'delivery', (select status from webhook_deliveries where id = ${delivery}),
      'limits', (select count(*) from usage_limits),
      'metrics', (select count(*) from billable_metrics), 'customers', (select count(*) from customers),
      'plans', (select count(*) from plans), 'runs', (select count(*) from invoice_runs), 'audit', (select count(*) from audit_log)) as state`)[0].state;

    const before = await state();
    await withAuditRefused(sql, async () => {
      for (const [action, change] of changes) await expect(change(), action).rejects.toThrow(/^Not saved: the audit log could not be written, so nothing was changed/);
    });
    expect(await state()).toEqual(before);

    for (const [, change] of changes) await change();
    const entries = await sql<{ actor_id: string; actor_email: string; action: string; entity_id: string; before: unknown; after: unknown }[]>`
      select actor_id, actor_email, action, entity_id, before, after from audit_log order by id`;
    expect(entries.map((e) => e.action)).toEqual(changes.map(([action]) => action));
    expect(new Set(entries.map((e) => `${e.actor_id} ${e.actor_email}`))).toEqual(new Set(["user_auditor auditor@example.test"]));
    const byAction = new Map(entries.map((e) => [e.action, e]));
    expect(byAction.get("api_key.revoked")).toMatchObject({ entity_id: String(key.id), after: { revoked: true } });
    expect(byAction.get("webhook_endpoint.created")).toMatchObject({ after: { url: "https://hooks.example.com/b", eventTypes: ["invoice.voided"] } });
    expect(byAction.get("webhook_endpoint.disabled")).toMatchObject({ entity_id: String(endpoint.id), after: { enabled: false } });
    expect(byAction.get("customer.limit_set")).toMatchObject({ entity_id: "cus_base", before: { metric: "api_calls", limit: null }, after: { metric: "api_calls", limit } });
    expect(byAction.get("customer.created")).toMatchObject({ entity_id: "cus_new", after: { name: "New", email: "new@example.test", plan: "basic" } });
    expect(byAction.get("plan.created")).toMatchObject({ entity_id: "pro", after: { name: "Pro", interval: "month", version: { version: 1 } } });
    expect(byAction.get("metric.created")).toMatchObject({ entity_id: "seats", after: { code: "seats", aggregation: "max" } });
  });
});

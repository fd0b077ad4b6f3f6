import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { closeRedis } from "@/lib/redis/client";
import { apiClient, type ApiClient } from "./helpers/api";
import { resetState, testSql, withAuditRefused } from "./helpers/fixtures";
import { startServer, type TestServer } from "./helpers/server";

const METRIC = { code: "api_calls", name: "API calls", unit: "call", aggregation: "sum", property: null, decimals: 6 };
const CUSTOMER = { externalId: "cus_acme", name: "Acme", email: "billing@acme.test" };

/** The error shape of every non-2xx answer; `path` must appear among the details when given. */
function expectError(res: { status: number; json: any }, status: number, code: string, path?: string) {
  expect(res.status).toBe(status);
  expect(res.json).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
  expect(res.json.error.message.length).toBeGreaterThan(0);
  if (path) expect(res.json.error.details.map((d: { path?: string }) => d.path)).toContain(path);
}

describe("public API v1: metrics, customers, usage", () => {
  let server: TestServer;
  let api: ApiClient;
  let anonymous: ApiClient;
  const sql = testSql();

  beforeAll(async () => {
    await resetState();
    server = await startServer();
    api = apiClient(server.url);
    anonymous = apiClient(server.url, null);
  });

  afterAll(async () => {
    await server?.stop();
    await sql.end();
    await closeRedis();
  });

  describe("metrics", () => {
    it("creates a metric (201 with the object) and lists it", async () => {
      const res = await api.post("/metrics", METRIC);
      expect(res.status).toBe(201);
      expect(res.json).toEqual({ ...METRIC, createdAt: expect.any(String) });
      expect(Number.isNaN(Date.parse(res.json.createdAt))).toBe(false);

      const seats = { code: "seats", name: "Seats", unit: "seat", aggregation: "unique_count", property: "user_id" };
      const created = await api.post("/metrics", seats);
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ ...seats, decimals: 6 }); // decimals defaults to 6

      const list = await api.get("/metrics");
      expect(list.status).toBe(200);
      expect(list.json.metrics.map((m: { code: string }) => m.code)).toEqual(["api_calls", "seats"]);
      expect(list.json.metrics[0]).toEqual(res.json);
    });

    it("answers 409 for a duplicate code and keeps the original", async () => {
      expectError(await api.post("/metrics", { ...METRIC, name: "Other" }), 409, "conflict", "code");
      const list = await api.get("/metrics");
      expect(list.json.metrics.filter((m: { code: string }) => m.code === "api_calls")).toEqual([expect.objectContaining({ name: "API calls" })]);
    });

    it.each([
      { name: 'aggregation "median"', body: { ...METRIC, code: "m1", aggregation: "median" }, path: "aggregation" },
      { name: "unique_count without property", body: { ...METRIC, code: "m2", aggregation: "unique_count", property: null }, path: "property" },
      { name: "code not snake_case", body: { ...METRIC, code: "Api Calls" }, path: "code" },
      { name: "decimals 13", body: { ...METRIC, code: "m3", decimals: 13 }, path: "decimals" },
      { name: "missing name", body: { ...METRIC, code: "m4", name: undefined }, path: "name" },
    ])("answers 422 naming the path for $name", async ({ body, path }) => {
      expectError(await api.post("/metrics", body), 422, "validation_failed", path);
      const [{ n }] = await sql<{ n: string }[]>`select count(*)::text as n from billable_metrics`;
      expect(n).toBe("2");
    });
  });

  describe("customers", () => {
    it("creates a customer (201 with the object) and reads it back", async () => {
      const res = await api.post("/customers", CUSTOMER);
      expect(res.status).toBe(201);
      expect(res.json).toEqual({ ...CUSTOMER, planCode: null, billingAnchor: null, createdAt: expect.any(String) });
      const read = await api.get(`/customers/${CUSTOMER.externalId}`);
      expect(read.status).toBe(200);
      expect(read.json).toEqual(res.json);
    });

    it("stores a billing anchor", async () => {
      const res = await api.post("/customers", { externalId: "cus_anchored", name: "Anchored", email: "a@b.test", billingAnchor: "2026-01-15T00:00:00Z" });
      expect(res.status).toBe(201);
      expect(res.json.billingAnchor).toBe("2026-01-15T00:00:00.000Z");
    });

    it("answers 409 for a duplicate externalId", async () => {
      expectError(await api.post("/customers", { ...CUSTOMER, name: "Impostor" }), 409, "conflict", "externalId");
      expect((await api.get(`/customers/${CUSTOMER.externalId}`)).json.name).toBe("Acme");
    });

    it.each([
      { name: "a bad email", body: { externalId: "cus_x1", name: "X", email: "not-an-email" }, path: "email" },
      { name: "an unknown planCode", body: { externalId: "cus_x2", name: "X", email: "x@y.test", planCode: "nope" }, path: "planCode" },
      { name: "a bad externalId", body: { externalId: "has space", name: "X", email: "x@y.test" }, path: "externalId" },
      { name: "a bad billingAnchor", body: { externalId: "cus_x3", name: "X", email: "x@y.test", billingAnchor: "the 15th" }, path: "billingAnchor" },
      // Passes an ISO 8601 check, but no database stores a year 0000: refused, never a 500.
      { name: "a billingAnchor in year 0000", body: { externalId: "cus_x4", name: "X", email: "x@y.test", billingAnchor: "0000-06-15T00:00:00Z" }, path: "billingAnchor" },
    ])("answers 422 for $name and creates nothing", async ({ body, path }) => {
      expectError(await api.post("/customers", body), 422, "validation_failed", path);
      expectError(await api.get(`/customers/${encodeURIComponent(body.externalId)}`), 404, "not_found");
    });

    it("answers 404 with the error shape for an unknown customer", async () => {
      expectError(await api.get("/customers/cus_missing"), 404, "not_found");
      expectError(await api.get("/customers/cus_missing/usage"), 404, "not_found");
    });
  });

  it("records each change made over the API in the audit log, with the key that made it", async () => {
    const audit = await sql<{ actor_id: string; actor_email: string; action: string; entity_id: string }[]>`
      select actor_id, actor_email, action, entity_id from audit_log order by id`;
    const changes = audit.map((a) => `${a.action} ${a.entity_id}`);
    expect(changes).toEqual(expect.arrayContaining(["metric.created api_calls", "metric.created seats", `customer.created ${CUSTOMER.externalId}`, "customer.created cus_anchored"]));
    // Refused requests changed nothing and recorded nothing.
    expect(changes.filter((c) => c === "metric.created api_calls")).toHaveLength(1);
    expect(changes.some((c) => /cus_x\d/.test(c))).toBe(false);
    for (const entry of audit) {
      expect(entry.actor_id).toMatch(/^api_key:\d+$/);
      expect(entry.actor_email).toMatch(/^API key mk_live_\S+… \(bootstrap\)$/);
    }
  });

  it("makes no change over the API whose audit entry cannot be written: each answers 503 and nothing is created", async () => {
    const counts = async () => (await sql<{ n: number[] }[]>`
      select array[(select count(*) from billable_metrics), (select count(*) from customers), (select count(*) from plans), (select count(*) from invoice_runs)]::int[] as n`)[0].n;
    const before = await counts();
    const answers = await withAuditRefused(sql, () => Promise.all([
      api.post("/metrics", { ...METRIC, code: "unaudited_metric" }),
      api.post("/customers", { externalId: "cus_unaudited", name: "Unaudited", email: "u@acme.test" }),
      api.post("/plans", { code: "unaudited", name: "Unaudited", pricing: { currency: "USD", interval: "month", charges: [{ metric: "api_calls", model: "per_unit", unitPrice: "0.01" }] } }),
      api.post("/invoice-runs", { customer: CUSTOMER.externalId }),
    ]));
    expect(answers.map((a) => [a.status, a.json.error?.code])).toEqual(Array.from({ length: 4 }, () => [503, "service_unavailable"]));
    expect(answers[0].json.error.message).toMatch(/^Not saved: the audit log could not be written, so nothing was changed/);
    expect(await counts()).toEqual(before);
    // Once the log takes entries again, the same requests go through.
    expect((await api.post("/customers", { externalId: "cus_unaudited", name: "Unaudited", email: "u@acme.test" })).status).toBe(201);
  });

  it("answers 401 on every route without a key (and with a wrong one), with the error shape", async () => {
    const wrong = apiClient(server.url, `mk_live_${"q".repeat(43)}`);
    const calls = (client: ApiClient) => [
      client.get("/metrics"),
      client.post("/metrics", { ...METRIC, code: "sneaky" }),
      client.post("/customers", { externalId: "cus_sneaky", name: "S", email: "s@s.test" }),
      client.get(`/customers/${CUSTOMER.externalId}`),
      client.get(`/customers/${CUSTOMER.externalId}/usage`),
      client.post("/events", { id: "sneaky-1", customer: CUSTOMER.externalId, metric: "api_calls" }),
      client.get("/plans/startup"),
      client.post("/plans", { code: "sneaky", name: "S", pricing: {} }),
      client.post("/plans/startup/versions", { pricing: {} }),
    ];
    const responses = await Promise.all([...calls(anonymous), ...calls(wrong)]);
    expect(responses).toHaveLength(18);
    for (const res of responses) expectError(res, 401, "unauthorized");
    const [{ n }] = await sql<{ n: string }[]>`
      select ((select count(*) from billable_metrics where code = 'sneaky') + (select count(*) from customers where external_id = 'cus_sneaky')
        + (select count(*) from usage_events))::text as n`;
    expect(n).toBe("0");
  });

  it("accepts events for a metric created over the API at once and reports it in usage", async () => {
    // Warm the server's catalog first, so the new metric has to invalidate it.
    const warm = await api.post("/events", { id: "warm-1", customer: CUSTOMER.externalId, metric: "api_calls", quantity: "3" });
    expect(warm.json.receipts).toEqual([{ id: "warm-1", status: "accepted" }]);
    const before = await api.get(`/customers/${CUSTOMER.externalId}/usage`);
    expect(before.json.metrics.map((m: { metric: string }) => m.metric)).not.toContain("gpu_seconds");

    const gpu = { code: "gpu_seconds", name: "GPU seconds", unit: "s", aggregation: "sum", property: null, decimals: 3 };
    expect((await api.post("/metrics", gpu)).status).toBe(201);
    const res = await api.post("/events", {
      events: [
        { id: "gpu-1", customer: CUSTOMER.externalId, metric: "gpu_seconds", quantity: "1.25" },
        { id: "gpu-2", customer: CUSTOMER.externalId, metric: "gpu_seconds", quantity: 2 },
        { id: "gpu-3", customer: CUSTOMER.externalId, metric: "gpu_seconds", quantity: "0.0005" },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.json.receipts).toEqual([
      { id: "gpu-1", status: "accepted" },
      { id: "gpu-2", status: "accepted" },
      { id: "gpu-3", status: "rejected", error: expect.objectContaining({ code: "too_many_decimals", field: "quantity" }) },
    ]);

    const usage = await api.get(`/customers/${CUSTOMER.externalId}/usage`);
    expect(usage.status).toBe(200);
    expect(usage.json.customer).toBe(CUSTOMER.externalId);
    const used = Object.fromEntries(usage.json.metrics.map((m: { metric: string; used: string }) => [m.metric, m.used]));
    expect(used).toEqual({ api_calls: "3", seats: "0", gpu_seconds: "3.25" });
    expect(usage.json.metrics.find((m: { metric: string }) => m.metric === "gpu_seconds")).toMatchObject({
      name: "GPU seconds",
      unit: "s",
      included: "0",
      billable: "3.25",
    });
  });
});

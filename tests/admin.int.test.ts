import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { previewImpact } from "@/lib/admin/impact";
import { revenueAnalytics } from "@/lib/admin/analytics";
import { createUser } from "@/lib/auth/users";
import { createCustomer } from "@/lib/billing/customers";
import { draftInvoices, finalizeInvoice, payInvoice } from "@/lib/billing/invoices";
import { displayMoney } from "@/lib/billing/money";
import { periodContaining, previousPeriod } from "@/lib/billing/periods";
import { createPlan } from "@/lib/billing/plans";
import { pricingSchema } from "@/lib/billing/pricing-schema";
import { rate } from "@/lib/billing/rate";
import { closeDb } from "@/lib/db/client";
import { loadCustomersById } from "@/lib/metering/catalog";
import { ingestEvents } from "@/lib/metering/ingest";
import { defineMetric } from "@/lib/metering/metrics";
import { closeRedis } from "@/lib/redis/client";
import { insertDelivery, resetState, testSql } from "./helpers/fixtures";
import { callServerAction, getPage, serverActionId, signIn } from "./helpers/portal";
import { startServer, type TestServer } from "./helpers/server";

const PASSWORD = "admin-test-password";
const LIVE = pricingSchema.parse({
  currency: "USD", interval: "month", taxRate: "0.10",
  charges: [
    { metric: "api_calls", model: "graduated", included: "1000", tiers: [{ upTo: "10000", unitPrice: "0.01" }, { upTo: null, unitPrice: "0.005" }] },
    { metric: "storage_gb", model: "per_unit", included: "5", unitPrice: "0.25" },
  ],
});
const DRAFT = pricingSchema.parse({ ...LIVE, baseFee: "9", charges: [{ ...LIVE.charges[0], included: "500" }, LIVE.charges[1]] });
const rule = { interval: "month" as const, anchor: null };
const current = periodContaining(new Date(), rule);
const previous = previousPeriod(current, rule);
const CUSTOMERS = ["cus_one", "cus_two", "cus_three", "cus_four"];

describe("admin console", () => {
  const sql = testSql();
  let server: TestServer;
  let adminCookie: string;
  let customerCookie: string;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    await resetState();
    await sql`insert into webhook_endpoints (url, secret, event_types) values ('https://hooks.example.test/a', 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=', '{invoice.paid}')`;
    await defineMetric({ code: "api_calls", name: "API calls", unit: "call", aggregation: "sum", property: null, decimals: 0 });
    await defineMetric({ code: "storage_gb", name: "Storage", unit: "GB", aggregation: "latest", property: null, decimals: 3 });
    await createPlan({ code: "scale", name: "Scale", pricing: LIVE });
    for (const [i, externalId] of CUSTOMERS.entries()) {
      ids[externalId] = (await createCustomer({ externalId, name: `Customer ${i}`, email: `${externalId}@example.test`, planCode: "scale" })).id;
    }
    await sql`update customers set created_at = now() - interval '120 days'`;
    const events = CUSTOMERS.flatMap((customer, i) => [
      { id: `${customer}-prev`, customer, metric: "api_calls", quantity: 2500 * (i + 1) + 7, timestamp: new Date(previous.start.getTime() + 86_400_000).toISOString() },
      { id: `${customer}-prev-gb`, customer, metric: "storage_gb", quantity: `${3 + i * 2}.125`, timestamp: new Date(previous.start.getTime() + 2 * 86_400_000).toISOString() },
      { id: `${customer}-now`, customer, metric: "api_calls", quantity: 700 * (i + 1) * (i + 1) },
      ...(i % 2 ? [{ id: `${customer}-now-gb`, customer, metric: "storage_gb", quantity: `${6 + i}.5` }] : []),
    ]);
    expect((await ingestEvents(events)).every((r) => r.status === "accepted")).toBe(true);
    // Last period's invoices: finalized, one paid.
    for (const customer of await loadCustomersById(Object.values(ids))) {
      const [id] = await draftInvoices([{ customer, period: previous }]);
      await finalizeInvoice(id);
      if (customer.externalId === "cus_one") await payInvoice(id);
    }
    await createUser(sql, { email: "boss@example.test", name: "Boss", password: PASSWORD, role: "admin" });
    await createUser(sql, { email: "user@one.test", name: "One", password: PASSWORD, role: "customer", customerId: ids.cus_one });
    server = await startServer();
    adminCookie = await signIn(server.url, "boss@example.test", PASSWORD);
    customerCookie = await signIn(server.url, "user@one.test", PASSWORD);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await sql.end();
    await closeDb();
    await closeRedis();
  });

  /** Everything an admin action could change. */
  const snapshot = async () => ({
    versions: await sql`select plan_id, version from plan_versions order by 1, 2`,
    metrics: await sql`select code from billable_metrics order by 1`,
    customers: await sql`select external_id, name, email, plan_id from customers order by 1`,
    runs: await sql`select id from invoice_runs order by 1`,
    invoices: await sql`select id, status, number, total from invoices order by 1`,
    keys: await sql`select id, revoked_at from api_keys order by 1`,
    endpoints: await sql`select id, url, enabled from webhook_endpoints order by 1`,
    deliveries: await sql`select id, status, attempts from webhook_deliveries order by 1`,
    limits: await sql`select customer_id, metric_id, quantity from usage_limits order by 1, 2`,
    audit: await sql`select id from audit_log order by 1`,
  });

  it("refuses every admin server action to a customer's session, to no session and to a foreign origin, changing nothing", async () => {
    const [draft] = await sql<{ id: string }[]>`select id from invoices where status = 'finalized' limit 1`;
    const [key] = await sql<{ id: string }[]>`select id from api_keys where revoked_at is null limit 1`;
    const calls: [string, unknown[]][] = [
      ["publishVersionAction", ["scale", DRAFT, "now"]],
      ["previewImpactAction", ["scale", DRAFT]],
      ["createMetricAction", [{ code: "sneaky", name: "Sneaky", unit: "x", aggregation: "sum", property: null, decimals: 0 }]],
      ["createCustomerAction", [{ externalId: "cus_sneaky", name: "Sneaky", email: "s@example.test", planCode: "scale" }]],
      ["updateCustomerAction", ["cus_two", { name: "Renamed", email: "renamed@example.test", planCode: "scale" }]],
      ["startInvoiceRunAction", [previous.end.toISOString().slice(0, 10)]],
      ["finalizeInvoiceAction", [Number(draft.id)]],
      ["payInvoiceAction", [Number(draft.id)]],
      ["voidInvoiceAction", [Number(draft.id), "because"]],
      ["createApiKeyAction", ["sneaky key"]],
      ["revokeApiKeyAction", [Number(key.id)]],
      ["createWebhookEndpointAction", [{ url: "https://hooks.example.test/in", eventTypes: ["invoice.paid"] }]],
      ["setWebhookEndpointEnabledAction", [1, false]],
      ["retryWebhookDeliveryAction", [1]],
      ["setUsageLimitAction", ["cus_two", "api_calls", "quantity", "5"]],
    ];
    const before = await snapshot();
    for (const [name, args] of calls) {
      const id = serverActionId("app/admin/actions.ts", name);
      for (const [who, cookie, origin] of [["customer", customerCookie, undefined], ["anonymous", undefined, undefined], ["foreign origin", adminCookie, "http://evil.example"]] as const) {
        const res = await callServerAction(server.url, "/admin", id, args, cookie, origin);
        expect(res.body, `${name} as ${who}`).not.toContain('"ok":true');
        expect(res.body, `${name} as ${who}`).not.toContain("Customer 1");
        // A customer: the action answers not-found (notFound() travels in the action's reply);
        // nobody signed in: sent to sign-in; another origin: refused before the action runs.
        if (who === "customer") expect(res.body).toContain("NEXT_HTTP_ERROR_FALLBACK;404");
        else if (who === "anonymous") expect(`${res.status} ${res.location} ${res.redirect}`).toContain("/sign-in");
        else expect(res.status).toBeGreaterThanOrEqual(400);
      }
    }
    expect(await snapshot()).toEqual(before);
    // The same call with the admin's session works: the refusals above are about who asks.
    const keyName = `made by the admin ${Date.now()}`;
    const ok = await callServerAction(server.url, "/admin", serverActionId("app/admin/actions.ts", "createApiKeyAction"), [keyName], adminCookie);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('"ok":true');
    expect((await sql`select id from api_keys where name = ${keyName}`).length).toBe(1);
    expect((await sql`select action from audit_log where action = 'api_key.created'`).length).toBe(1);
  });

  it("gives a customer 404 and an anonymous visitor the sign-in page for every admin page and route", async () => {
    const [run] = await sql<{ id: string }[]>`insert into invoice_runs (period_end) values (${previous.end.toISOString()}::timestamptz) returning id`;
    const paths = ["/admin", "/admin/plans", "/admin/plans/scale", "/admin/metrics", "/admin/customers", "/admin/customers/cus_two", "/admin/invoices", "/admin/api-keys", "/admin/webhooks", "/admin/audit", `/admin/invoice-runs/${run.id}`];
    for (const path of paths) {
      const asCustomer = await getPage(server.url, path, { cookie: customerCookie });
      expect(asCustomer.status, path).toBe(404);
      expect(asCustomer.body).not.toContain("Customer 2");
      const anonymous = await getPage(server.url, path, { headers: { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" } });
      expect([302, 303, 307], path).toContain(anonymous.status);
      expect(anonymous.location).toContain("/sign-in");
      const asAdmin = await getPage(server.url, path, { cookie: adminCookie });
      expect(asAdmin.status, path).toBe(200);
    }
  });

  it("shows people's changes in the audit log by default, the period close's on their own, a page at a time", async () => {
    await sql`insert into audit_log (actor_id, actor_email, action, entity_type, entity_id)
              select 'system:period_close', 'Period close (automatic)', 'invoice.finalized', 'invoice', 'closed-' || g from generate_series(1, 120) g`;
    await sql`insert into audit_log (actor_id, actor_email, action, entity_type, entity_id) values ('user_page', 'pager@example.test', 'metric.created', 'metric', 'paged_metric')`;
    const rows = (body: string, who: string) => body.split(`<td>${who}</td>`).length - 1;
    const olderLink = (body: string) => /href="\/admin\/audit\?who=automatic&amp;before=(\d+)"/.exec(body)?.[1];

    const people = (await getPage(server.url, "/admin/audit", { cookie: adminCookie })).body;
    expect(rows(people, "pager@example.test")).toBe(1);
    expect(rows(people, "Period close (automatic)")).toBe(0);

    const first = (await getPage(server.url, "/admin/audit?who=automatic", { cookie: adminCookie })).body;
    expect([rows(first, "Period close (automatic)"), rows(first, "pager@example.test")]).toEqual([100, 0]);
    expect(first).toContain("closed-120");
    const before = olderLink(first);
    expect(before).toBeDefined();
    const second = (await getPage(server.url, `/admin/audit?who=automatic&before=${before}`, { cookie: adminCookie })).body;
    expect(rows(second, "Period close (automatic)")).toBe(20);
    expect(second).toContain("closed-1<");
    expect(second).not.toContain("closed-120");
    expect(olderLink(second)).toBeUndefined();
    // A cursor that is no id is ignored, not an error.
    expect((await getPage(server.url, "/admin/audit?who=nobody&before=0x10", { cookie: adminCookie })).status).toBe(200);
  });

  it("answers an admin 404, not an error, for a customer or run path no id could have", async () => {
    const [run] = await sql<{ id: string }[]>`insert into invoice_runs (period_end) values (${previous.end.toISOString()}::timestamptz) returning id`;
    expect((await getPage(server.url, `/admin/invoice-runs/${run.id}`, { cookie: adminCookie })).status).toBe(200);
    for (const path of ["/admin/customers/%25", "/admin/customers/%25E0%25A4%25A", `/admin/invoice-runs/0x${Number(run.id).toString(16)}`, `/admin/invoice-runs/${run.id}.0`]) {
      const res = await getPage(server.url, path, { cookie: adminCookie });
      expect(res.status, path).toBe(404);
    }
  });

  it("previews a draft's impact with exactly what rate() gives for each customer's usage, under the live version and the draft", async () => {
    const impact = await previewImpact("scale", DRAFT);
    expect(impact.customers).toBe(CUSTOMERS.length);
    for (const externalId of CUSTOMERS) {
      const row = impact.rows.find((r) => r.customer === externalId)!;
      for (const [period, side] of [[current, row.current], [previous, row.last!]] as const) {
        const totals = await sql<{ code: string; value: string }[]>`
          select m.code, case m.aggregation when 'sum' then sum(e.quantity)::text
            else (array_agg(e.quantity order by e."timestamp" desc, e.event_id desc))[1]::text end as value
          from usage_events e join billable_metrics m on m.id = e.metric_id
          where e.customer_id = ${ids[externalId]} and e."timestamp" >= ${period.start.toISOString()}::timestamptz and e."timestamp" < ${period.end.toISOString()}::timestamptz
          group by m.code, m.aggregation`;
        const usage = new Map(totals.map((t) => [t.code, t.value]));
        expect(side.live, `${externalId} live`).toBe(rate(LIVE, usage, period).total);
        expect(side.draft, `${externalId} draft`).toBe(rate(DRAFT, usage, period).total);
        expect(side.delta).toBe(side.draft - side.live);
      }
    }
    expect(impact.rising).toBe(impact.rows.filter((r) => r.current.draft > r.current.live).length);
    expect(impact.rising).toBeGreaterThan(0);
  });

  it("renders revenue analytics whose figures equal SQL totals over the invoices", async () => {
    const invoices = await sql<{ total: string; subtotal: string; lines: { kind: string; metric: string | null; amount: number }[]; period_start: string }[]>`
      select total::text, subtotal::text, lines, to_char(period_start at time zone 'UTC', 'YYYY-MM') as period_start from invoices where status in ('finalized', 'paid')`;
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const invoiced = sum(invoices.map((i) => Number(i.total)));
    expect(invoiced).toBeGreaterThan(0);
    const analytics = await revenueAnalytics("USD");
    expect(analytics.byMonth).toEqual([{ month: previous.start.toISOString().slice(0, 7), total: invoiced }]);
    expect(analytics.byPlan).toEqual([{ plan: "scale", total: invoiced }]);
    const byMetric = new Map<string, number>();
    for (const line of invoices.flatMap((i) => i.lines).filter((l) => l.kind === "usage")) byMetric.set(line.metric!, (byMetric.get(line.metric!) ?? 0) + line.amount);
    expect(new Map(analytics.byMetric.map((m) => [m.metric, m.amount]))).toEqual(byMetric);
    expect(analytics.topCustomers[0].total).toBe(Math.max(...invoices.map((i) => Number(i.total))));
    const usageShare = (sum([...byMetric.values()]) * 100) / sum(invoices.map((i) => Number(i.subtotal)));
    expect(Number(analytics.overageShare)).toBeCloseTo(usageShare, 1);

    const page = await getPage(server.url, "/admin", { cookie: adminCookie });
    expect(page.body).toContain(`data-testid="kpi-invoiced">${displayMoney(invoiced, "USD")}<`);
    expect(page.body).toContain('data-testid="chart-month"');
    expect(page.body).toContain('data-testid="chart-plan"');
    expect(page.body).toContain('data-testid="chart-metric"');
  });

  it("records every change an admin makes in the console, each once, as that admin", async () => {
    // What the changes act on: a draft of an older period, a failed delivery.
    const [customer] = await loadCustomersById([ids.cus_three]);
    const [draft] = await draftInvoices([{ customer, period: previousPeriod(previous, rule) }]);
    const [finalized] = await sql<{ id: string }[]>`select id from invoices where customer_id = ${ids.cus_two} and status = 'finalized'`;
    const [endpoint0] = await sql<{ id: string }[]>`select min(id) as id from webhook_endpoints`;
    const deliveryId = await insertDelivery(sql, endpoint0.id, "msg_console", { status: "failed", attempts: 8 });
    const [{ last }] = await sql<{ last: number }[]>`select coalesce(max(id), 0)::int as last from audit_log`;
    const keyName = `console key ${Date.now()}`;
    const call = async (name: string, args: unknown[]) => {
      const res = await callServerAction(server.url, "/admin", serverActionId("app/admin/actions.ts", name), args, adminCookie);
      expect(res.body, name).toContain('"ok":true');
    };
    await call("publishVersionAction", ["scale", DRAFT, "next_period"]);
    await call("createMetricAction", [{ code: "console_metric", name: "Console", unit: "x", aggregation: "sum", property: null, decimals: 0 }]);
    await call("createCustomerAction", [{ externalId: "cus_console", name: "Console", email: "console@example.test", planCode: "scale" }]);
    await call("updateCustomerAction", ["cus_four", { name: "Customer 3 Ltd", email: "cus_four@example.test", planCode: "scale" }]);
    await call("startInvoiceRunAction", [previous.end.toISOString().slice(0, 10)]);
    await call("finalizeInvoiceAction", [draft]);
    await call("payInvoiceAction", [draft]);
    await call("voidInvoiceAction", [Number(finalized.id), "billed twice"]);
    await call("createApiKeyAction", [keyName]);
    const [key] = await sql<{ id: string }[]>`select id from api_keys where name = ${keyName}`;
    await call("revokeApiKeyAction", [Number(key.id)]);
    await call("createWebhookEndpointAction", [{ url: "https://hooks.example.test/console", eventTypes: ["invoice.paid"] }]);
    const [endpoint] = await sql<{ id: string }[]>`select id from webhook_endpoints where url = 'https://hooks.example.test/console'`;
    await call("setWebhookEndpointEnabledAction", [Number(endpoint.id), false]);
    await call("retryWebhookDeliveryAction", [deliveryId]);
    await call("setUsageLimitAction", ["cus_four", "api_calls", "quantity", "5"]);

    const entries = await sql<{ actor_email: string; action: string; entity_id: string }[]>`
      select actor_email, action, entity_id from audit_log where id > ${last} order by id`;
    expect(entries.map((e) => `${e.action} ${e.entity_id}`)).toEqual([
      "plan.version_published scale", "metric.created console_metric", "customer.created cus_console", "customer.updated cus_four",
      expect.stringMatching(/^invoice_run.started \d+$/), `invoice.finalized ${draft}`, `invoice.paid ${draft}`, `invoice.voided ${finalized.id}`,
      `api_key.created ${key.id}`, `api_key.revoked ${key.id}`, `webhook_endpoint.created ${endpoint.id}`, `webhook_endpoint.disabled ${endpoint.id}`,
      `webhook_delivery.retried ${deliveryId}`, "customer.limit_set cus_four",
    ]);
    expect(new Set(entries.map((e) => e.actor_email))).toEqual(new Set(["boss@example.test"]));
  });
});

import { describe, expect, it } from "vitest";
import "./helpers/env";
import { rate } from "@/lib/billing/rate";
import { pricingSchema } from "@/lib/billing/pricing-schema";
import { serverSuite } from "./helpers/suite";
import { withAuditRefused } from "./helpers/fixtures";

const STARTUP = {
  currency: "USD", interval: "month", baseFee: "0", minimumCommitment: "0", taxRate: "0.10",
  charges: [
    { metric: "api_calls", model: "graduated", included: "10000", tiers: [{ upTo: "100000", unitPrice: "0.01" }, { upTo: null, unitPrice: "0.005" }] },
    { metric: "seats", model: "package", packageSize: "10", packagePrice: "5.00" },
  ],
};

describe("plans over the API and priced live usage", () => {
  const suite = serverSuite({ customers: [] });
  const sql = suite.sql;

  it.each([
    ["a gap between tiers", { upTo: "100", unitPrice: "1" }, { from: "200", upTo: null, unitPrice: "1" }, "pricing.charges.0.tiers.1.from"],
    ["unsorted tiers", { upTo: "100", unitPrice: "1" }, { upTo: "50", unitPrice: "1" }, "pricing.charges.0.tiers.1.upTo"],
    ["no unlimited last tier", { upTo: "100", unitPrice: "1" }, { upTo: "200", unitPrice: "1" }, "pricing.charges.0.tiers.1.upTo"],
    ["a price of 1e3", { upTo: "100", unitPrice: "1e3" }, { upTo: null, unitPrice: "1" }, "pricing.charges.0.tiers.0.unitPrice"],
  ])("refuses %s, naming the path, and saves nothing", async (_, first, second, path) => {
    const pricing = { ...STARTUP, charges: [{ metric: "api_calls", model: "graduated", tiers: [first, second] }] };
    const res = await suite.api.post("/plans", { code: "broken", name: "Broken", pricing });
    expect(res.status).toBe(422);
    expect(res.json.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect((await suite.api.get("/plans/broken")).status).toBe(404);
  });

  it("refuses a charge for an unknown metric, naming the path", async () => {
    const pricing = { ...STARTUP, charges: [{ metric: "teleports", model: "per_unit", unitPrice: "1" }] };
    const res = await suite.api.post("/plans", { code: "broken", name: "Broken", pricing });
    expect(res.status).toBe(422);
    expect(res.json.error.details).toContainEqual(expect.objectContaining({ path: "pricing.charges.0.metric" }));
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from plans`;
    expect(n).toBe(0);
  });

  it("prices live usage with rate(): 150,000 calls on the startup plan cost $1,150.00 plus 10 % tax", async () => {
    expect((await suite.api.post("/plans", { code: "startup", name: "Startup", pricing: STARTUP })).status).toBe(201);
    expect((await suite.api.post("/customers", { externalId: "cus_priced", name: "Priced", email: "p@example.test", planCode: "startup" })).status).toBe(201);
    const now = Date.now();
    const events = [
      ...Array.from({ length: 150 }, (_, i) => ({ id: `calls-${i}`, customer: "cus_priced", metric: "api_calls", quantity: 1000, timestamp: new Date(now - i * 10).toISOString() })),
      ...Array.from({ length: 23 }, (_, i) => ({ id: `seat-${i}`, customer: "cus_priced", metric: "seats", properties: { user_id: `u${i}` }, timestamp: new Date(now - i).toISOString() })),
    ];
    expect((await suite.api.post("/events", { events })).status).toBe(200);

    const usage = await suite.api.get("/customers/cus_priced/usage");
    expect(usage.status).toBe(200);
    const line = (code: string) => usage.json.metrics.find((m: { metric: string }) => m.metric === code);
    expect(line("api_calls")).toMatchObject({ used: "150000", included: "10000", billable: "140000", amount: 115_000 });
    expect(line("seats")).toMatchObject({ used: "23", amount: 1500 }); // 3 packages of 10 at $5
    expect(usage.json.subtotal).toBe(116_500);
    expect(usage.json.estimatedTotal).toBe(128_150);
    expect(usage.json.projectedTotal).toBeGreaterThanOrEqual(usage.json.estimatedTotal);

    // The same usage through rate() gives the same total, to the cent.
    const used = new Map<string, string>(usage.json.metrics.map((m: { metric: string; used: string }) => [m.metric, m.used]));
    expect(rate(pricingSchema.parse(STARTUP), used).total).toBe(usage.json.estimatedTotal);
  });

  it("refuses a version that would change the plan's billing interval", async () => {
    const res = await suite.api.post("/plans/startup/versions", { pricing: { ...STARTUP, interval: "year" } });
    expect(res.status).toBe(422);
    expect(res.json.error.details).toContainEqual(expect.objectContaining({ path: "pricing.interval" }));
    expect((await suite.api.get("/plans/startup")).json.versions).toHaveLength(1);
    // The interval is the plan's, fixed when it was created.
    expect((await suite.api.get("/plans/startup")).json.interval).toBe("month");
    const [row] = await suite.sql<{ interval: string }[]>`select interval from plans where code = 'startup'`;
    expect(row.interval).toBe("month");
  });

  it("records plans and versions published over the API in the audit log, before and after", async () => {
    const pricing = { ...STARTUP, baseFee: "49.00" };
    expect((await suite.api.post("/plans/startup/versions", { pricing })).status).toBe(201);
    const audit = await sql<{ action: string; entity_id: string; actor_id: string; before: { version: number } | null; after: { version?: number; pricing?: { baseFee: string } } }[]>`
      select action, entity_id, actor_id, before, after from audit_log where entity_type = 'plan' and entity_id = 'startup' order by id`;
    expect(audit.map((a) => a.action)).toEqual(["plan.created", "plan.version_published"]);
    expect(audit[1].before?.version).toBe(1);
    expect(audit[1].after.version).toBe(2);
    expect(audit[1].after.pricing?.baseFee).toBe("49.00");
    expect(audit.every((a) => /^api_key:\d+$/.test(a.actor_id))).toBe(true);
  });

  it("writes a version and its audit entry together, each naming the version it follows, however many are published at once", async () => {
    const versions = async () => (await suite.api.get("/plans/startup")).json.versions.length as number;
    const published = await versions();
    const refused = await withAuditRefused(sql, () => suite.api.post("/plans/startup/versions", { pricing: { ...STARTUP, baseFee: "50.00" } }));
    expect([refused.status, refused.json.error.code]).toEqual([503, "service_unavailable"]);
    expect(await versions()).toBe(published);

    const results = await Promise.all(["51.00", "52.00", "53.00", "54.00"].map((baseFee) => suite.api.post("/plans/startup/versions", { pricing: { ...STARTUP, baseFee } })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const entries = await sql<{ before: { version: number }; after: { version: number; pricing: { baseFee: string } } }[]>`
      select before, after from audit_log where action = 'plan.version_published' and entity_id = 'startup' order by (after ->> 'version')::int`;
    // Every version from the second on has exactly one entry, whose "before" is the version just under it.
    expect(entries.map((e) => [e.before.version, e.after.version])).toEqual(Array.from({ length: published + 3 }, (_, i) => [i + 1, i + 2]));
    expect(entries.slice(-4).map((e) => e.after.pricing.baseFee).sort()).toEqual(["51.00", "52.00", "53.00", "54.00"]);
  });

  it("a published version cannot be changed or removed in SQL", async () => {
    const [version] = await sql<{ id: string }[]>`select v.id from plan_versions v join plans p on p.id = v.plan_id where p.code = 'startup' and v.version = 1`;
    await expect(sql`update plan_versions set pricing = '{}'::jsonb where id = ${version.id}`).rejects.toThrow(/publish a new version/);
    await expect(sql`delete from plan_versions where id = ${version.id}`).rejects.toThrow(/publish a new version/);
    expect((await suite.api.get("/plans/startup")).json.versions[0].pricing.currency).toBe("USD");
  });

  it("a yearly plan counts its customers' usage in calendar years", async () => {
    const yearly = await suite.api.post("/plans", { code: "annual", name: "Annual", pricing: { ...STARTUP, interval: "year" } });
    expect(yearly.status).toBe(201);
    expect(yearly.json.interval).toBe("year");
    const customer = await suite.api.post("/customers", { externalId: "cus_annual", name: "Annual", email: "annual@example.test", planCode: "annual" });
    expect(customer.status).toBe(201);
    await suite.sql`update customers set created_at = now() - interval '3 years' where external_id = 'cus_annual'`;
    const usage = await suite.api.get("/customers/cus_annual/usage");
    const year = new Date().getUTCFullYear();
    expect(usage.json.period).toEqual({ start: `${year}-01-01T00:00:00.000Z`, end: `${year + 1}-01-01T00:00:00.000Z` });
  });
});

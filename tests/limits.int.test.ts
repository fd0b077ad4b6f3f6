import { describe, expect, it, beforeAll } from "vitest";
import "./helpers/env";
import { setUsageLimit } from "@/lib/metering/limits";
import { eventually } from "./helpers/fixtures";
import { serverSuite } from "./helpers/suite";

describe("hard limits and entitlements", () => {
  const suite = serverSuite({ customers: ["cus_capped", "cus_free"] });
  const entitlement = async (customer: string, metric = "requests") => (await suite.api.get(`/customers/${customer}/entitlements/${metric}`)).json;
  const send = async (ids: string[]) =>
    (await suite.api.post("/events", { events: ids.map((id) => ({ id, customer: "cus_capped", metric: "requests" })) })).json.receipts as { id: string; status: string; limitExceeded?: boolean }[];

  beforeAll(async () => {
    const [{ customer_id, metric_id }] = await suite.sql<{ customer_id: string; metric_id: number }[]>`
      select c.id as customer_id, m.id as metric_id from customers c, billable_metrics m where c.external_id = 'cus_capped' and m.code = 'requests'`;
    await setUsageLimit({ id: Number(customer_id), externalId: "cus_capped" }, { id: metric_id, code: "requests" }, { kind: "quantity", value: "100" });
  });

  it("turns allowed false exactly when usage reaches the limit, and marks the receipts of events beyond it", async () => {
    // The server caches customers for up to 5 s; wait until it sees the limit.
    await eventually(async () => (await entitlement("cus_capped")).limit === "100", 10_000, "the server never saw the limit");
    const first = await send(Array.from({ length: 99 }, (_, i) => `r-${i}`));
    expect(first.every((r) => r.status === "accepted" && !r.limitExceeded)).toBe(true);
    expect(await entitlement("cus_capped")).toMatchObject({ allowed: true, used: "99", limit: "100", remaining: "1" });

    const reaching = await send(["r-99"]);
    expect(reaching).toEqual([{ id: "r-99", status: "accepted" }]);
    expect(await entitlement("cus_capped")).toMatchObject({ allowed: false, used: "100", remaining: "0" });

    const beyond = await send(["r-100", "r-101"]);
    expect(beyond).toEqual([{ id: "r-100", status: "accepted", limitExceeded: true }, { id: "r-101", status: "accepted", limitExceeded: true }]);
    expect(await entitlement("cus_capped")).toMatchObject({ allowed: false, used: "102", remaining: "0" });
    // Usage is a fact: every event is stored.
    const [{ n }] = await suite.sql<{ n: number }[]>`select count(*)::int as n from usage_events e join customers c on c.id = e.customer_id where c.external_id = 'cus_capped'`;
    expect(n).toBe(102);
    // The limit being passed is recorded once for the period.
    const alerts = await suite.sql`select threshold, observed from usage_alerts where kind = 'limit_exceeded'`;
    expect(alerts.map((a) => a.threshold)).toEqual(["100"]);
    // Duplicates are not new usage and are not marked.
    expect(await send(["r-100"])).toEqual([{ id: "r-100", status: "duplicate" }]);
  });

  it("once the limit is passed, later events are still marked but do not offer its alert to Postgres again", async () => {
    // Counts every limit alert row offered to usage_alerts, including those "on conflict do nothing" skips.
    await suite.sql`create table if not exists test_limit_offers (n int not null)`;
    await suite.sql`create or replace function test_count_limit_offer() returns trigger language plpgsql as $$ begin
      if new.kind = 'limit_exceeded' then insert into test_limit_offers values (1); end if; return new; end $$`;
    await suite.sql`create trigger test_count_limit_offer before insert on usage_alerts for each row execute function test_count_limit_offer()`;
    try {
      for (const id of ["r-200", "r-201", "r-202"]) expect(await send([id])).toEqual([{ id, status: "accepted", limitExceeded: true }]);
      const [{ n }] = await suite.sql<{ n: number }[]>`select count(*)::int as n from test_limit_offers`;
      expect(n).toBe(0);
      expect((await suite.sql`select threshold from usage_alerts where kind = 'limit_exceeded'`).map((a) => a.threshold)).toEqual(["100"]);
    } finally {
      await suite.sql`drop trigger if exists test_count_limit_offer on usage_alerts`;
      await suite.sql`drop function if exists test_count_limit_offer()`;
      await suite.sql`drop table if exists test_limit_offers`;
    }
  });

  it("limits spend: allowed turns false when the metric's charge reaches the amount, and receipts mark events beyond it", async () => {
    const pricing = { currency: "USD", interval: "month", charges: [{ metric: "api_calls", model: "per_unit", unitPrice: "0.01" }] };
    expect((await suite.api.post("/plans", { code: "penny", name: "Penny", pricing })).status).toBe(201);
    expect((await suite.api.post("/customers", { externalId: "cus_spend", name: "Spend", email: "s@example.test", planCode: "penny" })).status).toBe(201);
    const [{ customer_id, metric_id }] = await suite.sql<{ customer_id: string; metric_id: number }[]>`
      select c.id as customer_id, m.id as metric_id from customers c, billable_metrics m where c.external_id = 'cus_spend' and m.code = 'api_calls'`;
    await setUsageLimit({ id: Number(customer_id), externalId: "cus_spend" }, { id: metric_id, code: "api_calls" }, { kind: "spend", value: "1.00" });
    const check = async () => (await suite.api.get("/customers/cus_spend/entitlements/api_calls")).json;
    await eventually(async () => (await check()).limitKind === "spend", 10_000, "the server never saw the spend limit");
    const post = async (id: string, quantity: number) =>
      (await suite.api.post("/events", { events: [{ id, customer: "cus_spend", metric: "api_calls", quantity }] })).json.receipts[0];
    expect(await post("s-1", 99)).toEqual({ id: "s-1", status: "accepted" });
    expect(await check()).toMatchObject({ allowed: true, limitKind: "spend", used: "0.99", limit: "1.00", remaining: "0.01" });
    expect(await post("s-2", 1)).toEqual({ id: "s-2", status: "accepted" });
    expect(await check()).toMatchObject({ allowed: false, used: "1.00", remaining: "0.00" });
    expect(await post("s-3", 1)).toEqual({ id: "s-3", status: "accepted", limitExceeded: true });
  });

  it("always allows a customer without a limit, and refuses unknown metrics and customers", async () => {
    expect(await entitlement("cus_free")).toMatchObject({ allowed: true, used: "0", limit: null, limitKind: null, remaining: null });
    expect((await suite.api.get("/customers/cus_free/entitlements/nope")).status).toBe(404);
    expect((await suite.api.get("/customers/cus_nobody/entitlements/requests")).status).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_API_KEY } from "./helpers/env";
import { periodContaining, previousPeriod } from "@/lib/billing/periods";
import { apiClient, type ApiClient } from "./helpers/api";
import { eventually, resetState, testSql } from "./helpers/fixtures";
import { startServer, startWorker, type TestServer } from "./helpers/server";

const CUSTOMERS = 6000;
const rule = { interval: "month" as const, anchor: null };
const previous = previousPeriod(periodContaining(new Date(), rule), rule);
const PRICING = {
  currency: "USD", interval: "month", baseFee: "1", taxRate: "0.20",
  charges: [{ metric: "api_calls", model: "volume", tiers: [{ upTo: "100", unitPrice: "0.10" }, { upTo: null, unitPrice: "0.05" }] }],
};

describe("invoice runs as jobs, and the invoice API", () => {
  let server: TestServer;
  let api: ApiClient;
  let worker: ReturnType<typeof startWorker>;
  const sql = testSql();

  beforeAll(async () => {
    await resetState();
    server = await startServer();
    api = apiClient(server.url);
    expect((await api.post("/metrics", { code: "api_calls", name: "API calls", unit: "call", aggregation: "sum", decimals: 0 })).status).toBe(201);
    expect((await api.post("/plans", { code: "basic", name: "Basic", pricing: PRICING })).status).toBe(201);
    await sql`insert into customers (external_id, name, email, plan_id, created_at)
              select 'cus_run_' || g, 'Customer ' || g, 'c' || g || '@example.test', (select id from plans where code = 'basic'), now() - interval '120 days'
              from generate_series(1, ${CUSTOMERS}) g`;
    const events = Array.from({ length: 600 }, (_, i) => ({
      id: `run-${i}`, customer: `cus_run_${1 + (i % 30)}`, metric: "api_calls", quantity: 7, timestamp: new Date(previous.start.getTime() + 60_000 * (i + 1)).toISOString(),
    }));
    expect((await api.post("/events", { events })).status).toBe(200);
    worker = startWorker();
  });

  afterAll(async () => {
    await worker?.stop();
    await server?.stop();
    await sql.end();
  });

  it("a run killed half-way and started again ends with exactly one invoice per customer", async () => {
    // An open transaction holds the last customer's invoice for the period, so the run drafts the
    // chunks before it and then waits on that row: the kill lands half-way however fast the run is.
    const holder = await sql.reserve();
    try {
      await holder`begin`;
      const [{ pid }] = await holder<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await holder`insert into invoices (customer_id, period_start, period_end, plan_version_id, currency, lines, usage, subtotal, tax, total, status)
                    select (select max(id) from customers), ${previous.start}, ${previous.end}, (select max(id) from plan_versions), 'USD', '[]', '{}', 0, 0, 0, 'draft'`;
      const started = await api.post("/invoice-runs", { periodEnd: previous.end.toISOString() });
      expect(started.status).toBe(202);
      const id = started.json.id;
      const blocked = async () => {
        const [{ waiting }] = await sql<{ waiting: number }[]>`
          select count(*)::int as waiting from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))`;
        return waiting > 0 && (await api.get(`/invoice-runs/${id}`)).json.progress.done > 0;
      };
      await eventually(blocked, 60_000, "the run never reached the held invoice");
      await worker.kill();
      const halfway = (await api.get(`/invoice-runs/${id}`)).json;
      expect(halfway.status).toBe("running");
      expect(halfway.progress.done).toBeGreaterThan(0);
      expect(halfway.progress.done).toBeLessThan(CUSTOMERS);
      // The worker is really gone: nothing moves the run on until a new one starts.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect((await api.get(`/invoice-runs/${id}`)).json.progress).toEqual(halfway.progress);
      await holder`rollback`;

      worker = startWorker();
      await eventually(async () => (await api.get(`/invoice-runs/${id}`)).json.status === "completed", 90_000, "the run did not complete after the restart");
      const done = (await api.get(`/invoice-runs/${id}`)).json;
      expect(done.progress).toEqual({ total: CUSTOMERS, done: CUSTOMERS, failed: 0 });
      const [{ n, distinct }] = await sql<{ n: number; distinct: number }[]>`
        select count(*)::int as n, count(distinct customer_id)::int as distinct from invoices`;
      expect([n, distinct]).toEqual([CUSTOMERS, CUSTOMERS]);
    } finally {
      await holder`rollback`.catch(() => undefined);
      holder.release();
    }
  });

  it("pages through every invoice exactly once, most recently created first, and refuses a bad page request", async () => {
    const seen: number[] = [];
    let cursor: number | null = null;
    let pages = 0;
    do {
      const res = await api.get(`/invoices?limit=500${cursor === null ? "" : `&startingAfter=${cursor}`}`);
      expect(res.status).toBe(200);
      seen.push(...res.json.invoices.map((i: { id: number }) => i.id));
      expect(res.json.nextStartingAfter).toBe(res.json.hasMore ? seen[seen.length - 1] : null);
      cursor = res.json.nextStartingAfter;
      pages++;
    } while (cursor !== null && pages < 50);
    expect(pages).toBe(CUSTOMERS / 500);
    expect(seen).toHaveLength(CUSTOMERS);
    expect(new Set(seen).size).toBe(CUSTOMERS);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    // Without a limit: 500, as before paging; an empty customer means every customer.
    const all = await api.get("/invoices?customer=");
    expect([all.status, all.json.invoices.length, all.json.invoices[0].id]).toEqual([200, 500, seen[0]]);
    const one = await api.get("/invoices?customer=cus_run_7&limit=1");
    expect(one.json.invoices.map((i: { customer: string }) => i.customer)).toEqual(["cus_run_7"]);
    expect([one.json.hasMore, one.json.nextStartingAfter]).toEqual([false, null]);

    for (const query of ["limit=0", "limit=501", "limit=ten", "startingAfter=999999", `customer=cus_run_7&startingAfter=${seen[0]}`]) {
      const res = await api.get(`/invoices?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.json.error.details.map((d: { path: string }) => d.path), query).toContain(query.includes("startingAfter") ? "startingAfter" : "limit");
    }
  });

  it("lists, reads, finalizes, pays and voids invoices over the API", async () => {
    const list = await api.get("/invoices?customer=cus_run_1");
    expect(list.status).toBe(200);
    expect(list.json.invoices).toHaveLength(1);
    const invoice = list.json.invoices[0];
    // 20 events x 7 calls = 140 calls -> volume tier 2 at $0.05 = $7.00, + $1 base, + 20 % tax
    expect(invoice).toMatchObject({ customer: "cus_run_1", status: "draft", number: null, subtotal: 800, tax: 160, total: 960 });

    const finalized = await api.post(`/invoices/${invoice.id}/finalize`);
    expect(finalized.status).toBe(200);
    expect(finalized.json).toMatchObject({ status: "finalized", total: 960, number: expect.stringMatching(/^INV-\d{4}-000001$/) });
    expect((await api.post(`/invoices/${invoice.id}/finalize`)).status).toBe(409);
    expect((await api.get(`/invoices/${invoice.id}`)).json).toEqual(finalized.json);

    expect((await api.post(`/invoices/${invoice.id}/pay`)).json.status).toBe("paid");
    expect((await api.post(`/invoices/${invoice.id}/void`, { reason: "duplicate" })).status).toBe(409);

    const other = (await api.get("/invoices?customer=cus_run_2")).json.invoices[0];
    await api.post(`/invoices/${other.id}/finalize`);
    expect((await api.post(`/invoices/${other.id}/void`, {})).status).toBe(422);
    const voided = await api.post(`/invoices/${other.id}/void`, { reason: "billed in error" });
    expect(voided.json).toMatchObject({ status: "void", voidReason: "billed in error", number: expect.stringMatching(/000002$/) });

    // Each change over the API is in the audit log with the key that made it.
    const audit = await sql<{ actor_id: string; actor_email: string; action: string; entity_id: string; after: { status: string } }[]>`
      select actor_id, actor_email, action, entity_id, after from audit_log where entity_type = 'invoice' order by id`;
    expect(audit.map((a) => [a.action, a.entity_id, a.after.status])).toEqual([
      ["invoice.finalized", String(invoice.id), "finalized"],
      ["invoice.paid", String(invoice.id), "paid"],
      ["invoice.finalized", String(other.id), "finalized"],
      ["invoice.voided", String(other.id), "void"],
    ]);
    for (const entry of audit) {
      expect(entry.actor_id).toMatch(/^api_key:\d+$/);
      expect(entry.actor_email).toMatch(/^API key mk_live_\S+… \(bootstrap\)$/);
    }

    const pdf = await fetch(`${server.url}/api/v1/invoices/${invoice.id}/pdf`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(bytes.length).toBeGreaterThan(1000);

    await sql`update customers set name = '=cmd|calc' where external_id = 'cus_run_2'`;
    const csv = await api.get("/invoices/export");
    expect(csv.status).toBe(200);
    const rows = csv.text.trim().split("\r\n");
    expect(rows[0]).toBe("number,customer,customer_name,period_start,period_end,status,currency,subtotal_minor,tax_minor,total_minor,total,due_at");
    expect(rows).toHaveLength(CUSTOMERS + 1);
    expect(csv.text).toContain(",'=cmd|calc,");
    expect(csv.text).not.toContain(",=cmd|calc,");

    expect((await api.get("/invoices/999999")).status).toBe(404);
    expect((await api.get("/invoices/not-a-number")).status).toBe(404);
    // Only decimal digits name a row: a hex or exponent spelling of an existing id names nothing.
    for (const spelling of [`0x${invoice.id.toString(16)}`, `${invoice.id}.0`, `+${invoice.id}`]) {
      expect((await api.get(`/invoices/${encodeURIComponent(spelling)}`)).status, spelling).toBe(404);
    }
    const runMissing = await api.get("/invoice-runs/not-a-run");
    expect(runMissing.status).toBe(404);
    expect(runMissing.json.error.message).toBe("No invoice run not-a-run.");
    expect((await api.post("/invoice-runs", { periodEnd: "2999-01-01" })).status).toBe(422);
    // A year 0000 passes an ISO 8601 check but cannot be stored: refused up front, never a 500.
    for (const periodEnd of ["0000-01-01", "0001-01-01T00:30:00+01:00", "1999-12-31"]) {
      const refused = await api.post("/invoice-runs", { periodEnd });
      expect(refused.status, periodEnd).toBe(422);
      expect(refused.json.error.details[0].path).toBe("periodEnd");
    }
  });
});

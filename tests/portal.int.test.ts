import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { createUser } from "@/lib/auth/users";
import { createCustomer } from "@/lib/billing/customers";
import { draftInvoices, finalizeInvoice } from "@/lib/billing/invoices";
import { displayMoney } from "@/lib/billing/money";
import { periodContaining, previousPeriod } from "@/lib/billing/periods";
import { createPlan } from "@/lib/billing/plans";
import { pricingSchema } from "@/lib/billing/pricing-schema";
import { closeDb } from "@/lib/db/client";
import { loadCustomersById } from "@/lib/metering/catalog";
import { ingestEvents } from "@/lib/metering/ingest";
import { defineMetric } from "@/lib/metering/metrics";
import { closeRedis } from "@/lib/redis/client";
import { apiClient } from "./helpers/api";
import { resetState, testSql } from "./helpers/fixtures";
import { callServerAction, getPage, serverActionId, signIn } from "./helpers/portal";
import { startServer, type TestServer } from "./helpers/server";

const PASSWORD = "correct-horse-battery";
const BYPASS = { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" };
const PRICING = {
  currency: "USD", interval: "month", baseFee: "0", minimumCommitment: "0", taxRate: "0.10",
  charges: [{ metric: "api_calls", model: "graduated", included: "100", tiers: [{ upTo: "1000", unitPrice: "0.01" }, { upTo: null, unitPrice: "0.005" }] }],
};
const rule = { interval: "month" as const, anchor: null };
const current = periodContaining(new Date(), rule);
const previous = previousPeriod(current, rule);

type Account = { externalId: string; name: string; email: string; id: number; invoiceId: number; number: string; cookie: string };

describe("customer portal: who sees what", () => {
  const sql = testSql();
  let server: TestServer;
  const a = { externalId: "cus_alpha", name: "Alpha Analytics", email: "ops@alpha.test" } as Account;
  const b = { externalId: "cus_beta", name: "Beta Biotech", email: "money@beta.test" } as Account;

  beforeAll(async () => {
    await resetState();
    await defineMetric({ code: "api_calls", name: "API calls", unit: "call", aggregation: "sum", property: null, decimals: 0 });
    await createPlan({ code: "startup", name: "Startup", pricing: pricingSchema.parse(PRICING) });
    for (const account of [a, b]) {
      const created = await createCustomer({ externalId: account.externalId, name: account.name, email: account.email, planCode: "startup" });
      account.id = created.id;
      await createUser(sql, { email: account.email, name: account.name, password: PASSWORD, role: "customer", customerId: account.id });
    }
    await sql`update customers set created_at = now() - interval '120 days'`;
    // Last period: a finalized invoice each. This period: distinctive usage each.
    const receipts = await ingestEvents([
      { id: "a-prev", customer: a.externalId, metric: "api_calls", quantity: 4321, timestamp: new Date(previous.start.getTime() + 3_600_000).toISOString() },
      { id: "b-prev", customer: b.externalId, metric: "api_calls", quantity: 8765, timestamp: new Date(previous.start.getTime() + 3_600_000).toISOString() },
      { id: "a-now", customer: a.externalId, metric: "api_calls", quantity: 1234 },
      { id: "b-now", customer: b.externalId, metric: "api_calls", quantity: 987654 },
    ]);
    expect(receipts.map((r) => r.status)).toEqual(["accepted", "accepted", "accepted", "accepted"]);
    for (const account of [a, b]) {
      const [customer] = await loadCustomersById([account.id]);
      [account.invoiceId] = await draftInvoices([{ customer, period: previous }]);
      await finalizeInvoice(account.invoiceId);
      [{ number: account.number }] = await sql<{ number: string }[]>`select number from invoices where id = ${account.invoiceId}`;
    }
    server = await startServer();
    a.cookie = await signIn(server.url, a.email, PASSWORD);
    b.cookie = await signIn(server.url, b.email, PASSWORD);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await sql.end();
    await closeDb();
    await closeRedis();
  });

  const leaksB = (body: string) => [b.name, b.number, "987,654", "987654", "8,765", "8765"].filter((s) => body.includes(s));

  it("sends anonymous requests for portal pages and routes to sign-in, with or without the middleware-bypass header", async () => {
    const paths = ["/overview", "/usage", "/invoices", "/alerts", `/invoices/${a.invoiceId}`, `/invoices/${a.invoiceId}/pdf`, "/invoices/export", "/admin"];
    for (const path of paths) {
      for (const headers of [{}, BYPASS]) {
        const res = await getPage(server.url, path, { headers });
        expect([302, 303, 307], `${path} ${JSON.stringify(headers)}`).toContain(res.status);
        expect(res.location).toContain("/sign-in");
        expect(res.body).not.toContain(a.number);
      }
    }
  });

  it("refuses a wrong password and a session cookie that was never issued", async () => {
    const wrong = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email: a.email, password: "not-the-password" }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie().some((c) => c.includes("session_token=") && !c.includes("Max-Age=0"))).toBe(false);
    const forged = await getPage(server.url, "/overview", { cookie: "__Secure-meterline.session_token=forged.signature; meterline.session_token=forged.signature" });
    expect(forged.status).toBe(307);
  });

  it("shows a customer their own usage, invoice, PDF and CSV", async () => {
    const overview = await getPage(server.url, "/overview", { cookie: a.cookie });
    expect(overview.status).toBe(200);
    expect(overview.body).toContain(a.name);
    expect(overview.body).toContain("1234");
    const invoice = await getPage(server.url, `/invoices/${a.invoiceId}`, { cookie: a.cookie });
    expect(invoice.status).toBe(200);
    expect(invoice.body).toContain(a.number);
    const pdf = await getPage(server.url, `/invoices/${a.invoiceId}/pdf`, { cookie: a.cookie });
    expect(pdf.status).toBe(200);
    expect(pdf.contentType).toBe("application/pdf");
    const csv = await getPage(server.url, "/invoices/export", { cookie: a.cookie });
    expect(csv.status).toBe(200);
    expect(csv.body).toContain(a.number);
    for (const page of [overview, invoice, csv]) expect(leaksB(page.body)).toEqual([]);
  });

  it("answers 404 when customer A names B's invoice, PDF or an unknown id, also with the middleware-bypass header", async () => {
    for (const headers of [{}, BYPASS]) {
      for (const path of [`/invoices/${b.invoiceId}`, `/invoices/${b.invoiceId}/pdf`, "/invoices/999999", "/invoices/not-a-number"]) {
        const res = await getPage(server.url, path, { cookie: a.cookie, headers });
        expect(res.status, path).toBe(404);
        expect(leaksB(res.body), path).toEqual([]);
      }
    }
    // B, signed in, does see it: the 404 above is about ownership, not a broken page.
    const own = await getPage(server.url, `/invoices/${b.invoiceId}`, { cookie: b.cookie });
    expect(own.status).toBe(200);
    expect(own.body).toContain(b.number);
  });

  it("scopes usage pages to the session whatever the query string names", async () => {
    for (const query of ["", `?customer=${b.externalId}`, `?customerId=${b.id}`, `?period=${previous.start.toISOString().slice(0, 10)}&customer=${b.externalId}`]) {
      const usage = await getPage(server.url, `/usage${query}`, { cookie: a.cookie });
      expect(usage.status).toBe(200);
      expect(leaksB(usage.body), query).toEqual([]);
    }
    const last = await getPage(server.url, `/usage?period=${previous.start.toISOString().slice(0, 10)}`, { cookie: a.cookie });
    expect(last.body).toContain("4321");
  });

  it("runs the overview's server action for the session's customer only: B's ids in the arguments change nothing, no session gets nothing", async () => {
    const action = serverActionId("app/(portal)/overview/actions.ts", "refreshOverview");
    const forged = await callServerAction(server.url, "/overview", action, [{ customerId: b.id, customer: b.externalId }], a.cookie);
    expect(forged.status).toBe(200);
    expect(forged.body).toContain(a.name);
    expect(leaksB(forged.body)).toEqual([]);
    const anonymous = await callServerAction(server.url, "/overview", action, [{ customerId: b.id }]);
    expect(anonymous.body).not.toContain(a.name);
    expect(leaksB(anonymous.body)).toEqual([]);
    expect(anonymous.status === 303 || anonymous.status === 307 || anonymous.redirect !== null || anonymous.location !== null).toBe(true);
  });

  it("shows an estimated spend on the overview equal to the total of the invoice drafted for the same usage", async () => {
    const overview = await getPage(server.url, "/overview", { cookie: a.cookie });
    const shown = overview.body.match(/data-testid="estimated-total">([^<]+)</)?.[1];
    const api = await apiClient(server.url).get(`/customers/${a.externalId}/usage`);
    const [customer] = await loadCustomersById([a.id]);
    const [draftId] = await draftInvoices([{ customer, period: current }]);
    try {
      const [{ total }] = await sql<{ total: string }[]>`select total::text from invoices where id = ${draftId}`;
      expect(Number(total)).toBeGreaterThan(0);
      expect(api.json.estimatedTotal).toBe(Number(total));
      expect(shown).toBe(displayMoney(Number(total), "USD"));
    } finally {
      await sql`delete from invoices where id = ${draftId}`;
    }
  });
});

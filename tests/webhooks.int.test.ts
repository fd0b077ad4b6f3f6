import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { createCustomer } from "@/lib/billing/customers";
import { draftInvoices, finalizeInvoice, payInvoice } from "@/lib/billing/invoices";
import { periodContaining, previousPeriod } from "@/lib/billing/periods";
import { createPlan } from "@/lib/billing/plans";
import { pricingSchema } from "@/lib/billing/pricing-schema";
import { closeDb } from "@/lib/db/client";
import { addDeliveryJobs, closeWebhookQueue } from "@/lib/jobs/webhook-queue";
import { loadCustomersById } from "@/lib/metering/catalog";
import { ingestEvents } from "@/lib/metering/ingest";
import { defineMetric } from "@/lib/metering/metrics";
import { closeRedis } from "@/lib/redis/client";
import { attemptDelivery } from "@/lib/webhooks/deliver";
import { createEndpoint, listDeliveries, retryDelivery, setEndpointEnabled } from "@/lib/webhooks/endpoints";
import { eventually, insertDelivery, resetState, testSql } from "./helpers/fixtures";
import { startWorker } from "./helpers/server";

const MAX_ATTEMPTS = 4;
// Jobs carry their attempts and backoff from the process that queues them (this one, for the
// events it records) and the worker: the same settings in both, as in a deployment.
process.env.WEBHOOK_BACKOFF_MS = "50";
process.env.WEBHOOK_MAX_ATTEMPTS = String(MAX_ATTEMPTS);
type Received = { path: string; headers: IncomingHttpHeaders; body: string };

/**
 * A receiver on loopback: /ok answers 200, /flaky 500 twice then 200, /down always 500; /odd 200
 * with a NUL and 8 MiB after it; /stalls 200 and a few bytes, then nothing; /silent nothing at all.
 */
function startReceiver() {
  const received: Received[] = [];
  const flakyCalls = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body });
      const id = String(req.headers["webhook-id"]);
      if (req.url === "/ok") return void res.writeHead(200).end("thanks");
      if (req.url === "/stalls") return void res.writeHead(200).write("partial");
      if (req.url === "/silent") return;
      if (req.url === "/odd") return void res.writeHead(200).end(`ok\u0000${"x".repeat(8 * 1024 * 1024)}`);
      if (req.url === "/flaky") {
        const n = (flakyCalls.get(id) ?? 0) + 1;
        flakyCalls.set(id, n);
        return void res.writeHead(n <= 2 ? 500 : 200).end(n <= 2 ? "try later" : "ok now");
      }
      res.writeHead(500).end("always broken");
    });
  });
  return new Promise<{ server: Server; url: string; received: Received[] }>((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${address.port}`, received });
    }),
  );
}

const rule = { interval: "month" as const, anchor: null };
const previous = previousPeriod(periodContaining(new Date(), rule), rule);

describe("signed webhooks", () => {
  const sql = testSql();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let worker: ReturnType<typeof startWorker>;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    await resetState();
    receiver = await startReceiver();
    await defineMetric({ code: "api_calls", name: "API calls", unit: "call", aggregation: "sum", property: null, decimals: 0 });
    await createPlan({ code: "metered", name: "Metered", pricing: pricingSchema.parse({ currency: "USD", interval: "month", charges: [{ metric: "api_calls", model: "per_unit", included: "1000", unitPrice: "0.01" }] }) });
    await createCustomer({ externalId: "cus_hooked", name: "Hooked", email: "h@example.test", planCode: "metered" });
    await sql`update customers set created_at = now() - interval '120 days'`;
    for (const [path, types] of [["/ok", ["usage.threshold_reached", "invoice.drafted"]], ["/flaky", ["invoice.finalized"]], ["/down", ["invoice.paid"]]] as const) {
      secrets[path] = (await createEndpoint({ url: `${receiver.url}${path}`, eventTypes: [...types] })).secret;
    }
    worker = startWorker({ WEBHOOK_BACKOFF_MS: "50", WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS) });
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    receiver?.server.close();
    await closeWebhookQueue();
    await sql.end();
    await closeDb();
    await closeRedis();
  });

  const verified = (r: Received) => new Webhook(secrets[r.path]).verify(r.body, r.headers as Record<string, string>) as { type: string; timestamp: string; data: Record<string, unknown> };

  it("delivers exactly three signed threshold webhooks for 2,000 concurrent events crossing 80, 95 and 100 %, and none for their duplicates", async () => {
    const events = Array.from({ length: 2000 }, (_, i) => ({ id: `w-${i}`, customer: "cus_hooked", metric: "api_calls", quantity: 1 }));
    const send = () => Promise.all(Array.from({ length: 8 }, (_, b) => ingestEvents(events.filter((_, i) => i % 8 === b))));
    await send();
    await eventually(async () => receiver.received.filter((r) => r.path === "/ok").length >= 3, 20_000, `threshold webhooks did not arrive:\n${worker.output()}`);
    await send(); // duplicates: no new alert, no new delivery
    await new Promise((r) => setTimeout(r, 1500));
    const hooks = receiver.received.filter((r) => r.path === "/ok").map(verified);
    expect(hooks.map((h) => h.type)).toEqual(["usage.threshold_reached", "usage.threshold_reached", "usage.threshold_reached"]);
    expect(hooks.map((h) => h.data.threshold).sort()).toEqual(["100", "80", "95"]);
    expect(hooks.every((h) => h.data.customer === "cus_hooked" && h.data.metric === "api_calls")).toBe(true);
    // Times are written as everywhere else in the API (toISOString), whether an event is built in SQL or in code.
    const current = periodContaining(new Date(), rule);
    for (const h of hooks) {
      expect(h.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(h.data.periodStart).toBe(current.start.toISOString());
    }
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from webhook_deliveries where event_type = 'usage.threshold_reached'`;
    expect(n).toBe(3);
  });

  it("retries a receiver that answers 500 twice and succeeds on the third attempt; gives up on one that never answers 2xx, after the bound; retries by hand", async () => {
    await ingestEvents([{ id: "last-month", customer: "cus_hooked", metric: "api_calls", quantity: 5000, timestamp: new Date(previous.start.getTime() + 3_600_000).toISOString() }]);
    const [customer] = await loadCustomersById([Number((await sql`select id from customers where external_id = 'cus_hooked'`)[0].id)]);
    const [invoiceId] = await draftInvoices([{ customer, period: previous }]);
    await finalizeInvoice(invoiceId);
    await payInvoice(invoiceId);

    const byType = async (type: string) => (await listDeliveries()).find((d) => d.eventType === type)!;
    await eventually(async () => (await byType("invoice.finalized"))?.status === "succeeded", 20_000, "invoice.finalized never succeeded");
    const finalized = await byType("invoice.finalized");
    expect(finalized.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    expect(finalized.attempts.every((a) => a.latencyMs >= 0)).toBe(true);
    expect(finalized.attempts[2].responseExcerpt).toBe("ok now");

    await eventually(async () => (await byType("invoice.paid"))?.status === "failed", 20_000, `invoice.paid never gave up: ${JSON.stringify(await listDeliveries())}\n${worker.output()}`);
    const paid = await byType("invoice.paid");
    expect(paid.attempts.map((a) => a.statusCode)).toEqual(Array(MAX_ATTEMPTS).fill(500));

    // Every delivery carried a valid signature, and one webhook-id for all attempts of a delivery.
    for (const r of receiver.received) expect(() => verified(r)).not.toThrow();
    const flakyIds = new Set(receiver.received.filter((r) => r.path === "/flaky").map((r) => r.headers["webhook-id"]));
    expect(flakyIds.size).toBe(1);
    const drafted = receiver.received.filter((r) => r.path === "/ok").map(verified).filter((h) => h.type === "invoice.drafted");
    expect(drafted).toHaveLength(1);
    expect((drafted[0].data.invoice as { id: number }).id).toBe(invoiceId);
    expect((drafted[0].data.invoice as { period: unknown }).period).toEqual({ start: previous.start.toISOString(), end: previous.end.toISOString() });
    expect(drafted[0].timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    await retryDelivery(paid.id);
    await eventually(async () => (await byType("invoice.paid")).attempts.length === MAX_ATTEMPTS + 1, 20_000, "the manual retry did not run");
    expect((await byType("invoice.paid")).status).toBe("failed");
  });

  it("resumes a delivery whose queued job was lost (Redis keeps nothing across restarts) from its next attempt", async () => {
    const [endpoint] = await sql<{ id: string }[]>`select id from webhook_endpoints where url like '%/ok'`;
    const [delivery] = await sql<{ id: string }[]>`
      insert into webhook_deliveries (endpoint_id, event_type, message_id, payload, attempts, created_at)
      values (${endpoint.id}, 'invoice.drafted', 'msg_lostjob', '{"type":"invoice.drafted","timestamp":"2026-01-01T00:00:00Z","data":{}}', 1, now() - interval '10 minutes')
      returning id`;
    await sql`insert into webhook_attempts (delivery_id, attempt, status_code, latency_ms, response_excerpt, created_at)
              values (${delivery.id}, 1, 503, 3, 'down for a moment', now() - interval '10 minutes')`;
    // Nothing is queued for it: only the worker's sweep (every 15 s) can pick it up.
    await eventually(async () => (await listDeliveries()).find((d) => d.id === Number(delivery.id))?.status === "succeeded", 40_000, "the sweep did not resume the delivery");
    const resumed = (await listDeliveries()).find((d) => d.id === Number(delivery.id))!;
    expect(resumed.attempts.map((a) => [a.attempt, a.statusCode])).toEqual([[1, 503], [2, 200]]);
    expect(receiver.received.filter((r) => r.headers["webhook-id"] === "msg_lostjob")).toHaveLength(1);
  }, 60_000);

  it("sends nothing more to an endpoint once it is disabled", async () => {
    const { id } = await createEndpoint({ url: `${receiver.url}/ok`, eventTypes: ["invoice.voided"] });
    const deliveryId = await insertDelivery(sql, id, "msg_disabled");
    await setEndpointEnabled(id, false);
    await addDeliveryJobs([deliveryId]);
    await eventually(async () => (await listDeliveries()).find((d) => d.id === deliveryId)?.status === "failed", 20_000, "the delivery to a disabled endpoint was not stopped");
    expect((await listDeliveries()).find((d) => d.id === deliveryId)!.attempts).toEqual([]);
    expect(receiver.received.filter((r) => r.headers["webhook-id"] === "msg_disabled")).toHaveLength(0);
  });

  it("logs the attempt whatever the receiver answers: a NUL, then megabytes", async () => {
    const attempts: { excerpt: string; status: string }[] = [];
    for (const [path, message] of [["/odd", "msg_odd"]] as const) {
      const { id: endpointId } = await createEndpoint({ url: `${receiver.url}${path}`, eventTypes: ["invoice.voided"] });
      const deliveryId = await insertDelivery(sql, endpointId, message);
      expect(await attemptDelivery(deliveryId, 1)).toBe("succeeded");
      const [row] = await sql<{ response_excerpt: string; status: string; attempts: number }[]>`
        select a.response_excerpt, d.status, d.attempts from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id where d.id = ${deliveryId}`;
      expect(row.attempts).toBe(1);
      attempts.push({ excerpt: row.response_excerpt, status: row.status });
    }
    expect(attempts.map((a) => a.status)).toEqual(["succeeded"]);
    // The NUL is replaced and only the start of the 8 MiB is kept.
    expect(attempts[0].excerpt).toBe(`ok\uFFFD${"x".repeat(497)}`);
  });

  it("gives up on a receiver that does not answer within the timeout, keeping what came", async () => {
    const TIMEOUT_MS = 600;
    const outcomes: [string, number | null, string, number][] = [];
    for (const path of ["/stalls", "/silent"]) {
      const { id: endpointId } = await createEndpoint({ url: `${receiver.url}${path}`, eventTypes: ["invoice.voided"] });
      const deliveryId = await insertDelivery(sql, endpointId, `msg${path.replace("/", "_")}`);
      const outcome = await attemptDelivery(deliveryId, 1, { timeoutMs: TIMEOUT_MS });
      const [attempt] = await sql<{ status_code: number | null; response_excerpt: string; latency_ms: number }[]>`
        select status_code, response_excerpt, latency_ms from webhook_attempts where delivery_id = ${deliveryId}`;
      outcomes.push([outcome, attempt.status_code, attempt.response_excerpt, attempt.latency_ms]);
    }
    // A 2xx whose body stalls counts (the receiver took it); no answer at all is retried.
    expect(outcomes.map(([outcome, status, excerpt]) => [outcome, status, excerpt])).toEqual([
      ["succeeded", 200, "partial"],
      ["retry", null, `no answer: timed out after ${TIMEOUT_MS} ms`],
    ]);
    for (const [, , , latency] of outcomes) expect(latency).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    for (const [, , , latency] of outcomes) expect(latency).toBeLessThan(TIMEOUT_MS + 10_000);
  });

  it("refuses private addresses unless they are allowed: an address when the endpoint is saved, a name when it resolves at delivery", async () => {
    let received = receiver.received.length;
    const [{ endpoints }] = await sql<{ endpoints: number }[]>`select count(*)::int as endpoints from webhook_endpoints`;
    for (const url of [`${receiver.url}/ok`, "http://[::1]:9/x", "http://169.254.169.254/latest/meta-data", "http://0x7f.1/", "http://localhost:9/x"]) {
      const saving = createEndpoint({ url, eventTypes: ["invoice.voided"] }, { allowPrivate: false });
      await expect(saving, url).rejects.toMatchObject({ code: "validation_failed", details: [{ path: "url" }] });
      await expect(saving, url).rejects.toThrow(/private, loopback or reserved address; set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true/);
    }
    expect((await sql<{ endpoints: number }[]>`select count(*)::int as endpoints from webhook_endpoints`)[0].endpoints).toBe(endpoints);

    // Saved while allowed (or a name that resolves to loopback only now): refused at connection,
    // logged like any failed attempt and retried; delivered once allowed.
    const port = new URL(receiver.url).port;
    for (const [url, message] of [[`${receiver.url}/ok`, "msg_private_ip"], [`http://localhost:${port}/ok`, "msg_private_name"]] as const) {
      const { id: endpointId } = await createEndpoint({ url, eventTypes: ["invoice.voided"] });
      const deliveryId = await insertDelivery(sql, endpointId, message);
      expect(await attemptDelivery(deliveryId, 1, { allowPrivate: false }), url).toBe("retry");
      const [attempt] = await sql<{ status_code: number | null; response_excerpt: string }[]>`
        select status_code, response_excerpt from webhook_attempts where delivery_id = ${deliveryId}`;
      expect(attempt.status_code).toBeNull();
      expect(attempt.response_excerpt).toMatch(/^no answer: .*(127\.0\.0\.1|::1)\)? is a private, loopback or reserved address/);
      expect(receiver.received.length, url).toBe(received);
      expect(await attemptDelivery(deliveryId, 2, { allowPrivate: true }), url).toBe("succeeded");
      received++;
      expect(receiver.received.at(-1)?.headers["webhook-id"]).toBe(message);
    }
  });
});

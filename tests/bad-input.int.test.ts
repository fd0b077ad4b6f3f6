import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { closeRedis } from "@/lib/redis/client";
import { apiClient, type ApiClient } from "./helpers/api";
import { TEST_API_KEY } from "./helpers/env";
import { createFixtures, resetState, testSql } from "./helpers/fixtures";
import { startServer, type TestServer } from "./helpers/server";

const CUSTOMER = "cus_bad";
const MIB = 1024 * 1024;
const NOW = Date.now();

/** A valid event; each bad case breaks exactly one thing, so a missed check would store it. */
const event = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  customer: CUSTOMER,
  metric: "api_calls",
  quantity: "1",
  timestamp: new Date(NOW - 60_000).toISOString(),
  ...overrides,
});
const many = (n: number, prefix: string, extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => event(`${prefix}-${i}`, extra));

type Case = {
  name: string;
  body: unknown; // a string is sent as the raw body
  key?: string | null;
  status: number;
  code: string;
  path?: string | RegExp; // a details[].path that must be present
  detailCode?: string;
  message?: RegExp; // when no path: the message must name the problem
};

// 1000 valid events with a 1 KiB property each: only the size limit keeps them out.
const HUGE = JSON.stringify({ events: many(1000, "huge", { properties: { note: "x".repeat(1024) } }) });

const CASES: Case[] = [
  { name: "body that is not JSON", body: '{"id": "x", ', status: 400, code: "invalid_json", path: "(body)" },
  { name: "empty body", body: "", status: 400, code: "invalid_json", path: "(body)" },
  { name: "JSON array instead of an object", body: [event("arr-1")], status: 422, code: "validation_failed", path: "(body)" },
  { name: "batch of 0 events", body: { events: [] }, status: 422, code: "invalid_batch_size", path: "events" },
  { name: "batch of 1001 events", body: { events: many(1001, "big") }, status: 422, code: "invalid_batch_size", path: "events" },
  { name: "body over 1 MiB", body: HUGE, status: 413, code: "payload_too_large", message: /larger than 1048576 bytes/ },
  { name: "missing API key", body: event("nokey-1"), key: null, status: 401, code: "unauthorized", message: /API key/ },
  { name: "unknown API key", body: event("badkey-1"), key: `mk_live_${"z".repeat(43)}`, status: 401, code: "unauthorized", message: /API key/ },
  { name: "malformed API key", body: event("badkey-2"), key: "not-a-key", status: 401, code: "unauthorized", message: /API key/ },
  { name: 'quantity "NaN"', body: event("q-nan", { quantity: "NaN" }), status: 422, code: "validation_failed", path: "quantity", detailCode: "invalid_quantity" },
  { name: 'quantity "Infinity"', body: event("q-inf", { quantity: "Infinity" }), status: 422, code: "validation_failed", path: "quantity", detailCode: "invalid_quantity" },
  {
    name: "quantity 1e309 (parses to Infinity)",
    body: JSON.stringify(event("q-1e309", { quantity: 0 })).replace('"quantity":0', '"quantity":1e309'),
    status: 422,
    code: "validation_failed",
    path: "quantity",
    detailCode: "invalid_quantity",
  },
  { name: "quantity -5", body: event("q-neg", { quantity: -5 }), status: 422, code: "validation_failed", path: "quantity", detailCode: "negative_quantity" },
  { name: 'quantity "-5"', body: event("q-neg-s", { quantity: "-5" }), status: 422, code: "validation_failed", path: "quantity", detailCode: "negative_quantity" },
  { name: 'quantity "abc"', body: event("q-abc", { quantity: "abc" }), status: 422, code: "validation_failed", path: "quantity", detailCode: "invalid_quantity" },
  { name: "batch whose only event has a bad quantity", body: { events: [event("q-b", { quantity: "abc" })] }, status: 422, code: "validation_failed", path: "events.0.quantity" },
  { name: 'timestamp "2026-11-26 08:00"', body: event("t-space", { timestamp: "2026-11-26 08:00" }), status: 422, code: "validation_failed", path: "timestamp", detailCode: "invalid_timestamp" },
  { name: 'timestamp "yesterday"', body: event("t-word", { timestamp: "yesterday" }), status: 422, code: "validation_failed", path: "timestamp", detailCode: "invalid_timestamp" },
  {
    name: "timestamp 10 minutes in the future",
    body: event("t-future", { timestamp: new Date(NOW + 10 * 60_000).toISOString() }),
    status: 422,
    code: "validation_failed",
    path: "timestamp",
    detailCode: "timestamp_in_future",
  },
  { name: "timestamp before 2000", body: event("t-old", { timestamp: "1999-12-31T23:59:59Z" }), status: 422, code: "validation_failed", path: "timestamp", detailCode: "timestamp_out_of_range" },
  { name: "id of 129 characters", body: event("i".repeat(129)), status: 422, code: "validation_failed", path: "id", detailCode: "invalid_id" },
  { name: "id with a NUL character", body: event("nul\u0000id"), status: 422, code: "validation_failed", path: "id", detailCode: "invalid_id" },
  { name: "id with an unpaired surrogate", body: event("lone\ud800"), status: 422, code: "validation_failed", path: "id", detailCode: "invalid_id" },
  { name: "property value with a NUL character", body: event("p-nul", { properties: { note: "a\u0000b" } }), status: 422, code: "validation_failed", path: /^properties/ },
  { name: 'quantity with 16 whole digits "1000000000000000"', body: event("q-big", { quantity: "1000000000000000" }), status: 422, code: "validation_failed", path: "quantity", detailCode: "invalid_quantity" },
  {
    name: "33 properties",
    body: event("p-33", { properties: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])) }),
    status: 422,
    code: "validation_failed",
    path: /^properties/,
    detailCode: "invalid_properties",
  },
  { name: "nested property value", body: event("p-nested", { properties: { a: { b: 1 } } }), status: 422, code: "validation_failed", path: /^properties/, detailCode: "invalid_properties" },
];

/** Two stack-trace shapes: "\n    at fn (file:1:2)" in text or JSON-escaped, and "at file.js:10:5". */
const STACK = /(\n|\\n)\s*at \S|\bat [^"\s]*:\d+:\d+/;

describe("bad input to POST /api/v1/events", () => {
  let server: TestServer;
  let api: ApiClient;
  const sql = testSql();
  const seen: { status: number; text: string }[] = [];

  const post = async (body: unknown, key: string | null = TEST_API_KEY) => {
    const res = await apiClient(server.url, key).post("/events", body);
    seen.push(res);
    return res;
  };
  const storedCount = async () => Number((await sql<{ n: string }[]>`select count(*)::text as n from usage_events`)[0].n);

  beforeAll(async () => {
    await resetState();
    server = await startServer();
    api = apiClient(server.url);
    await createFixtures(api, [CUSTOMER]);
  });

  afterAll(async () => {
    await server?.stop();
    await sql.end();
    await closeRedis();
  });

  it("sends a body over 1 MiB for the size case", () => {
    expect(Buffer.byteLength(HUGE)).toBeGreaterThan(MIB);
  });

  it.each(CASES)("$name → $status $code, nothing stored", async ({ body, key, status, code, path, detailCode, message }) => {
    const before = await storedCount();
    const res = await post(body, key === undefined ? TEST_API_KEY : key);
    expect(res.status).toBe(status);
    expect(res.json).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
    const details: { path?: string; code?: string; message: string }[] = res.json.error.details;
    if (path !== undefined) {
      const match = details.find((d) => (typeof path === "string" ? d.path === path : path.test(d.path ?? "")));
      expect(match, `details ${JSON.stringify(details)} should name ${path}`).toBeDefined();
      if (detailCode) expect(match!.code).toBe(detailCode);
    }
    if (message) expect(res.json.error.message).toMatch(message);
    expect(await storedCount()).toBe(before);
  });

  it("refuses a streamed (chunked, no content-length) body over 1 MiB", async () => {
    const before = await storedCount();
    const bytes = new TextEncoder().encode(HUGE);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
        controller.close();
      },
    });
    const res = await fetch(`${server.url}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const text = await res.text();
    seen.push({ status: res.status, text });
    expect(res.status).toBe(413);
    expect(JSON.parse(text).error.code).toBe("payload_too_large");
    expect(await storedCount()).toBe(before);
  });

  it.each([
    { metric: "no_such_metric", customer: CUSTOMER, expected: "unknown_metric", field: "metric" },
    { metric: "api_calls", customer: "cus_nobody", expected: "unknown_customer", field: "customer" },
  ])("answers 200 with a rejected receipt for $expected, storing nothing", async ({ metric, customer, expected, field }) => {
    const before = await storedCount();
    const res = await post(event(`lookup-${expected}`, { metric, customer }));
    expect(res.status).toBe(200);
    expect(res.json.receipts).toEqual([
      { id: `lookup-${expected}`, status: "rejected", error: { code: expected, message: expect.any(String), field } },
    ]);
    expect(await storedCount()).toBe(before);
  });

  it("stores the valid events of a mixed batch and rejects the others, receipts in input order", async () => {
    const before = await storedCount();
    const batch = [
      event("mix-ok-1", { quantity: "2.5" }),
      event("mix-bad-quantity", { quantity: "NaN" }),
      event("mix-unknown-metric", { metric: "nope" }),
      event("mix-ok-2"),
      event("mix-bad-ts", { timestamp: "yesterday" }),
      event("mix-unknown-customer", { customer: "cus_ghost" }),
      event("mix-ok-3", { quantity: 4 }),
    ];
    const res = await post({ events: batch });
    expect(res.status).toBe(200);
    const receipts: { id: string; status: string; error?: { code: string } }[] = res.json.receipts;
    expect(receipts.map((r) => r.id)).toEqual(batch.map((e) => e.id));
    expect(receipts.map((r) => [r.status, r.error?.code])).toEqual([
      ["accepted", undefined],
      ["rejected", "invalid_quantity"],
      ["rejected", "unknown_metric"],
      ["accepted", undefined],
      ["rejected", "invalid_timestamp"],
      ["rejected", "unknown_customer"],
      ["accepted", undefined],
    ]);
    expect(await storedCount()).toBe(before + 3);
    const rows = await sql<{ event_id: string; quantity: string }[]>`
      select event_id, quantity::text as quantity from usage_events where event_id like 'mix-%' order by event_id`;
    expect(rows).toEqual([
      { event_id: "mix-ok-1", quantity: "2.5" },
      { event_id: "mix-ok-2", quantity: "1" },
      { event_id: "mix-ok-3", quantity: "4" },
    ]);
  });

  it("never answered 500 and never leaked a stack trace", () => {
    expect(seen.length).toBe(CASES.length + 4);
    for (const res of seen) {
      expect(res.status).toBeLessThan(500);
      expect(res.text).not.toMatch(STACK);
    }
  });
});

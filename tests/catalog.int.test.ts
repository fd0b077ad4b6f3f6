import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { createCustomer } from "@/lib/billing/customers";
import { closeDb } from "@/lib/db/client";
import { periodContaining } from "@/lib/billing/periods";
import { customersByExternalId, invalidateCatalog } from "@/lib/metering/catalog";
import { closeRedis } from "@/lib/redis/client";
import { eventually, resetState, testSql } from "./helpers/fixtures";

/**
 * The customer cache ingestion reads: edits made elsewhere (another process, SQL) are picked up
 * without a request ever waiting on Postgres for a customer it has seen recently.
 */
describe("customer catalog cache", () => {
  const sql = testSql();
  const names = async (ids: string[], now: number) => {
    const found = await customersByExternalId(ids, now);
    return ids.map((id) => found.get(id)?.name ?? null);
  };

  beforeAll(async () => {
    await resetState();
    invalidateCatalog();
    for (const id of ["cus_a", "cus_b", "cus_c"]) await createCustomer({ externalId: id, name: `${id} v1`, email: `${id}@example.test` });
  });

  afterAll(async () => {
    invalidateCatalog(); // stops a background reload that may still be waiting
    await sql.end();
    await closeDb();
    await closeRedis();
  });

  it("serves a stale entry at once, reloads every stale customer in the background, and reloads one unseen for long before use", async () => {
    const start = Date.now();
    expect(await names(["cus_a", "cus_b", "cus_c"], start)).toEqual(["cus_a v1", "cus_b v1", "cus_c v1"]);
    // Changed behind the cache's back, as another process would.
    await sql`update customers set name = replace(name, 'v1', 'v2')`;

    // Still fresh: the cached entry, no query.
    expect(await names(["cus_a", "cus_b"], start + 1_000)).toEqual(["cus_a v1", "cus_b v1"]);

    // Stale (past 5 s): answered from the cache without waiting, while a reload starts.
    const staleAt = start + 6_000;
    expect(await names(["cus_a", "cus_b"], staleAt)).toEqual(["cus_a v1", "cus_b v1"]);
    await eventually(async () => (await names(["cus_a", "cus_b"], staleAt)).every((n) => n?.endsWith("v2")), 5_000, "stale customers were not reloaded");

    // Not asked for in over a minute: reloaded before it is used, never served that old.
    expect(await names(["cus_c"], start + 61_000)).toEqual(["cus_c v2"]);
  });

  it("looks up many customers in one query, ids holding quotes, commas, braces and backslashes matched exactly", async () => {
    const odd = ['cus_"q"', "cus_a,cus_b", "{cus_a}", "cus_\\x", "NULL", "cus_ü"];
    for (const id of odd) await sql`insert into customers (external_id, name, email) values (${id}, ${`odd ${id}`}, 'odd@example.test')`;
    const unknown = Array.from({ length: 300 }, (_, i) => `cus_unknown_${i}`);
    const now = Date.now() + 120_000; // past every cached entry: all are loaded now, in one batch
    const found = await customersByExternalId([...odd, "cus_a", ...unknown], now);
    expect(odd.map((id) => found.get(id)?.name)).toEqual(odd.map((id) => `odd ${id}`));
    expect(found.get("cus_a")?.externalId).toBe("cus_a");
    expect(found.size).toBe(odd.length + 1);
  });

  it("finds a customer created elsewhere within a second of asking for it in vain", async () => {
    const now = Date.now();
    expect(await names(["cus_new"], now)).toEqual([null]);
    // Created by another process: this one's cache is not told.
    await sql`insert into customers (external_id, name, email) values ('cus_new', 'New', 'new@example.test')`;
    expect(await names(["cus_new"], now + 500)).toEqual([null]);
    // A miss is remembered for at most a second.
    expect(await names(["cus_new"], now + 1_500)).toEqual(["New"]);
  });

  it("never uses an entry after the end of the billing period it was priced for", async () => {
    await sql`update customers set name = 'cus_b v3' where external_id = 'cus_b'`;
    invalidateCatalog();
    const end = periodContaining(new Date(), { interval: "month", anchor: null }).end.getTime();
    expect(await names(["cus_b"], end - 1_000)).toEqual(["cus_b v3"]);
    await sql`update customers set name = 'cus_b v4' where external_id = 'cus_b'`;
    // A second later it would still be fresh, but that second is in the next period.
    expect(await names(["cus_b"], end + 1_000)).toEqual(["cus_b v4"]);
  });
});

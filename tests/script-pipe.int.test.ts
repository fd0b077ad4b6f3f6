import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "./helpers/env";
import { serverPort } from "../scripts/lib/ports";
import { startRedis } from "../scripts/lib/services";
import { RedisReplyError, ScriptPipe } from "@/lib/redis/script-pipe";

// A Redis of this file's own: the tests flush its scripts, pause it and restart it.
const PORT = serverPort();
const URL_ = `redis://127.0.0.1:${PORT}`;
const dir = mkdtempSync(path.join(os.tmpdir(), "meterline-pipe-"));
const cli = (...args: string[]) => spawnSync("redis-cli", ["-p", String(PORT), ...args], { encoding: "utf8" }).stdout.trim();

const INCR_BY = "return redis.call('INCRBY', KEYS[1], ARGV[1])";

describe("the counter connection (ScriptPipe) against a real Redis", () => {
  let stop: () => void;
  const pipes: ScriptPipe[] = [];
  const pipe = (options?: ConstructorParameters<typeof ScriptPipe>[1]) => {
    const created = new ScriptPipe(URL_, options);
    pipes.push(created);
    return created;
  };

  beforeAll(async () => {
    stop = await startRedis(PORT, dir);
  });

  afterAll(() => {
    for (const p of pipes) p.close();
    stop?.();
  });

  it("answers a batch of many script calls in order, errors as values, in one round trip", async () => {
    const p = pipe();
    const sha = p.script(INCR_BY);
    const commands = Array.from({ length: 2_000 }, (_, i) => ["EVALSHA", sha, "1", `{c:${i % 10}}:n`, String(i)]);
    commands.splice(5, 0, ["EVALSHA", sha, "1", "{c:0}:n", "not a number"]);
    const replies = await p.exec(commands);
    expect(replies).toHaveLength(2_001);
    expect(replies[5]).toBeInstanceOf(RedisReplyError);
    // Each reply is the running total of its key: i's reply counts every earlier j with the same key.
    const totals = new Map<string, number>();
    const expected = commands.map(([, , , key, by]) => {
      if (by === "not a number") return "error";
      totals.set(key, (totals.get(key) ?? 0) + Number(by));
      return totals.get(key);
    });
    expect(replies.map((r) => (r instanceof RedisReplyError ? "error" : r))).toEqual(expected);
    expect(Number(cli("GET", "{c:3}:n"))).toBe(totals.get("{c:3}:n"));
  });

  it("after SCRIPT FLUSH the batch gets NOSCRIPT (nothing ran) and the next batch loads the scripts again", async () => {
    const p = pipe();
    const sha = p.script(INCR_BY);
    cli("DEL", "{flush}:n");
    expect(await p.exec([["EVALSHA", sha, "1", "{flush}:n", "1"]])).toEqual([1]);
    cli("SCRIPT", "FLUSH");
    const [refused] = await p.exec([["EVALSHA", sha, "1", "{flush}:n", "1"]]);
    expect(refused).toBeInstanceOf(RedisReplyError);
    expect((refused as Error).message).toMatch(/^NOSCRIPT/);
    expect(await p.exec([["EVALSHA", sha, "1", "{flush}:n", "1"]])).toEqual([2]);
  });

  it("a batch not answered in time fails for its caller but keeps its place: it still runs before the next batch, whose replies stay its own", async () => {
    const p = pipe({ replyTimeoutMs: 300, retryDelayMs: 50 });
    const sha = p.script(INCR_BY);
    cli("DEL", "{slow}:n");
    expect(await p.exec([["EVALSHA", sha, "1", "{slow}:n", "1"]])).toEqual([1]);
    const [connectionId] = await p.exec([["CLIENT", "ID"]]);
    cli("CLIENT", "PAUSE", "700", "ALL");
    const started = Date.now();
    await expect(p.exec([["EVALSHA", sha, "1", "{slow}:n", "10"]])).rejects.toThrow(/did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(650);
    await new Promise((r) => setTimeout(r, 600));
    // The abandoned batch ran first (same connection, same order), then this one.
    expect(await p.exec([["EVALSHA", sha, "1", "{slow}:n", "100"], ["GET", "{slow}:n"], ["CLIENT", "ID"]])).toEqual([111, "111", connectionId]);
  });

  it("gives up a connection that answers nothing for deadAfterMs, and opens a new one", async () => {
    const p = pipe({ replyTimeoutMs: 200, retryDelayMs: 50, deadAfterMs: 500 });
    const [before] = await p.exec([["CLIENT", "ID"]]);
    cli("CLIENT", "PAUSE", "1500", "ALL");
    await expect(p.exec([["PING"]])).rejects.toThrow(/did not answer/);
    await new Promise((r) => setTimeout(r, 400));
    // Past deadAfterMs with nothing answered: this batch's timeout drops the connection.
    await expect(p.exec([["PING"]])).rejects.toThrow(/did not answer|answered nothing/);
    await new Promise((r) => setTimeout(r, 1_200));
    const [after] = await p.exec([["CLIENT", "ID"]]);
    expect(typeof after).toBe("number");
    expect(after).not.toBe(before);
  });

  it("loads a script registered after the connection opened before the batch that calls it", async () => {
    const p = pipe();
    expect(await p.exec([["PING"]])).toEqual(["PONG"]);
    const sha = p.script("return 'late ' .. ARGV[1]");
    expect(await p.exec([["EVALSHA", sha, "0", "script"]])).toEqual(["late script"]);
  });

  it("refuses an empty command (Redis would answer nothing and shift every later reply) and URLs it cannot use", async () => {
    await expect(pipe().exec([["PING"], []])).rejects.toThrow(/at least its name/);
    expect(() => new ScriptPipe("unix:///tmp/redis.sock")).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => new ScriptPipe(`redis://127.0.0.1:${PORT}/abc`)).toThrow(/database must be a number/);
  });

  it("works with a URL that carries a password Redis does not require, and selects its database", async () => {
    const p = pipe();
    const withDb = new ScriptPipe(`redis://:secret@127.0.0.1:${PORT}/3`);
    pipes.push(withDb);
    expect(await withDb.exec([["SET", "db3-key", "x"], ["GET", "db3-key"]])).toEqual(["OK", "x"]);
    expect(await p.exec([["EXISTS", "db3-key"]])).toEqual([0]); // not in database 0
    expect(cli("-n", "3", "GET", "db3-key")).toBe("x");
  });

  it("fails fast while Redis is down and works again once it is back, loading the scripts", async () => {
    const p = pipe({ connectTimeoutMs: 1_000, replyTimeoutMs: 2_000, retryDelayMs: 100 });
    const sha = p.script(INCR_BY);
    expect(await p.exec([["PING"]])).toEqual(["PONG"]);
    stop();
    await new Promise((r) => setTimeout(r, 300));
    await expect(p.exec([["EVALSHA", sha, "1", "{down}:n", "1"]])).rejects.toThrow();
    const started = Date.now();
    await expect(p.exec([["EVALSHA", sha, "1", "{down}:n", "1"]])).rejects.toThrow(/unavailable|ECONNREFUSED|closed/);
    expect(Date.now() - started).toBeLessThan(500);
    stop = await startRedis(PORT, dir); // empty: no scripts loaded
    await new Promise((r) => setTimeout(r, 150));
    expect(await p.exec([["EVALSHA", sha, "1", "{down}:n", "5"]])).toEqual([5]);
  });
});

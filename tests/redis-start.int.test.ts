import { mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serverPort } from "../scripts/lib/ports";
import { portOpen, startRedis } from "../scripts/lib/services";

describe("startRedis (the Redis servers npm start, npm test and the benchmark start)", () => {
  const stops: Array<() => void> = [];
  afterAll(() => stops.forEach((stop) => stop()));

  it("stops the server a crashed run left on the same folder before starting the new one", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "meterline-redis-start-"));
    const first = serverPort();
    const second = serverPort();
    stops.push(await startRedis(first, dir));
    expect(await portOpen(first)).toBe(true);
    stops.push(await startRedis(second, dir)); // the first one is never stopped by its owner
    expect(await portOpen(second)).toBe(true);
    expect(await portOpen(first)).toBe(false);
  });

  it("refuses to take a port something else listens on for the Redis it started", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "meterline-redis-start-"));
    const port = serverPort();
    const squatter = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", resolve));
    try {
      await expect(startRedis(port, dir)).rejects.toThrow(/did not start/);
    } finally {
      squatter.close();
    }
  });
});

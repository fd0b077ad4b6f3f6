import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { serverPort, serverPortIntervals } from "./ports";

const inside = (port: number, parts: Array<[number, number]>) => parts.some(([a, b]) => port >= a && port <= b);

describe("serverPort", () => {
  it("gives distinct ports, none in the kernel's range for outgoing connections nor listed as in use", () => {
    process.env.METERLINE_PORTS_IN_USE = "";
    const parts = serverPortIntervals();
    const first = serverPort();
    process.env.METERLINE_PORTS_IN_USE = String(first + 1);
    const ports = [first, ...Array.from({ length: 300 }, () => serverPort())];
    delete process.env.METERLINE_PORTS_IN_USE;
    expect(new Set(ports).size).toBe(ports.length);
    expect(ports).not.toContain(first + 1);
    for (const port of ports) expect(inside(port, parts)).toBe(true);
    const file = "/proc/sys/net/ipv4/ip_local_port_range";
    if (existsSync(file)) {
      const [low, high] = readFileSync(file, "utf8").trim().split(/\s+/).map(Number);
      if (low > 12_000 || high < 63_000) expect(ports.filter((port) => port >= low && port <= high)).toEqual([]);
    }
  });

  it("picks outside the outgoing range whatever its width, above 1024", () => {
    expect(serverPortIntervals([32768, 60999])).toEqual([[10_000, 32767], [61000, 65_535]]);
    expect(serverPortIntervals([1024, 65000])).toEqual([[10_000, 65_535]]);
    expect(serverPortIntervals([1024, 63000])).toEqual([[63001, 65_535]]);
    expect(serverPortIntervals([10_000, 65_000])).toEqual([[1_024, 9_999], [65001, 65_535]]);
    expect(serverPortIntervals([49152, 65535])).toEqual([[10_000, 49151]]);
  });
});

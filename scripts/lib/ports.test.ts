import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { serverPort } from "./ports";

describe("serverPort", () => {
  it("gives distinct ports outside the kernel's range for outgoing connections", () => {
    const ports = Array.from({ length: 300 }, () => serverPort());
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) {
      expect(Number.isInteger(port)).toBe(true);
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThanOrEqual(65_535);
    }
    const file = "/proc/sys/net/ipv4/ip_local_port_range";
    if (existsSync(file)) {
      const [low, high] = readFileSync(file, "utf8").trim().split(/\s+/).map(Number);
      const coversAll = low <= 10_000 && high >= 65_535;
      if (!coversAll) expect(ports.filter((port) => port >= low && port <= high)).toEqual([]);
    }
  });
});

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * The local ports the kernel hands to outgoing connections: Linux's setting, the BSDs' and macOS's
 * sysctl, else each system's default.
 */
function outgoingPortRange(): [number, number] {
  const valid = (low: number, high: number) => Number.isInteger(low) && Number.isInteger(high) && low > 0 && high >= low;
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (valid(low, high)) return [low, high];
  } catch {
    /* not Linux, or /proc is not readable */
  }
  if (process.platform !== "linux") {
    const sysctl = spawnSync("sysctl", ["-n", "net.inet.ip.portrange.first", "net.inet.ip.portrange.last"], { encoding: "utf8" });
    const [low, high] = (sysctl.stdout ?? "").trim().split(/\s+/).map(Number);
    if (sysctl.status === 0 && valid(low, high)) return [low, high];
  }
  return process.platform === "linux" ? [32768, 60999] : [49152, 65535];
}

/** Inclusive port intervals within [first, last] that lie outside [low, high]. */
function outside(first: number, last: number, [low, high]: [number, number]): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  if (first < low) parts.push([first, Math.min(last, low - 1)]);
  if (last > high) parts.push([Math.max(first, high + 1), last]);
  return parts.filter(([a, b]) => b >= a);
}

const size = (parts: Array<[number, number]>) => parts.reduce((sum, [a, b]) => sum + b - a + 1, 0);

/** Where serverPort() picks from: above 10000 and outside the outgoing range, widened to 1024 if that leaves too few. */
export function serverPortIntervals(range = outgoingPortRange()): Array<[number, number]> {
  const preferred = outside(10_000, 65_535, range);
  if (size(preferred) >= 2_000) return preferred;
  const wider = outside(1_024, 65_535, range);
  // An outgoing range covering (almost) every port leaves no safe choice: any port is as good as another.
  return size(wider) >= 2_000 ? wider : [[10_000, 65_535]];
}

const given = new Set<number>();

/**
 * A random loopback port for a server that a test run or the benchmark starts for itself. It lies outside
 * the range the kernel picks outgoing connections' local ports from: a run opens thousands of client
 * connections, and a fixed port inside that range can be held by one of them (EADDRINUSE) just when the
 * server starts. A port is not given twice by one process, nor one listed in METERLINE_PORTS_IN_USE
 * (set by the test runner for the servers it started, so its child processes keep off them).
 */
export function serverPort(): number {
  const parts = serverPortIntervals();
  const total = size(parts);
  const inUse = new Set((process.env.METERLINE_PORTS_IN_USE ?? "").split(",").filter(Boolean).map(Number));
  for (;;) {
    let offset = Math.floor(Math.random() * total);
    let port = 0;
    for (const [a, b] of parts) {
      if (offset <= b - a) {
        port = a + offset;
        break;
      }
      offset -= b - a + 1;
    }
    if (!given.has(port) && !inUse.has(port)) {
      given.add(port);
      return port;
    }
  }
}

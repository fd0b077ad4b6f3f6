import { readFileSync } from "node:fs";

/** The local ports the kernel hands to outgoing connections: Linux's setting, else the IANA dynamic range. */
function outgoingPortRange(): [number, number] {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high) && low > 0 && high >= low) return [low, high];
  } catch {
    /* not Linux */
  }
  return [49152, 65535];
}

const FIRST = 10_000;
const LAST = 65_535;
const given = new Set<number>();

/**
 * A random loopback port for a server that a test run or the benchmark starts for itself. It lies outside
 * the range the kernel picks outgoing connections' local ports from: a run opens thousands of client
 * connections, and a fixed port inside that range can be held by one of them (EADDRINUSE) just when the
 * server starts. Ports already given out by this process are not given again.
 */
export function serverPort(): number {
  const [low, high] = outgoingPortRange();
  const outside = (port: number) => port < low || port > high;
  const span = LAST - FIRST + 1;
  for (let attempt = 0; attempt < 1_000; attempt++) {
    const port = FIRST + Math.floor(Math.random() * span);
    if (outside(port) && !given.has(port)) {
      given.add(port);
      return port;
    }
  }
  // The outgoing range covers (almost) everything: any port is as good as another.
  const port = FIRST + Math.floor(Math.random() * span);
  given.add(port);
  return port;
}

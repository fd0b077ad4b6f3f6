import { lookup, type LookupAddress, type LookupOptions } from "node:dns";
import { BlockList, isIP } from "node:net";

/**
 * Addresses a webhook may not reach unless WEBHOOK_ALLOW_PRIVATE_NETWORKS is on: loopback,
 * private, link-local (cloud metadata services live at 169.254.169.254), shared, multicast,
 * reserved and documentation ranges. An admin's endpoint URL must not become a way to reach the
 * services beside Meterline, whose answers the console shows.
 */
const IPV4_BLOCKED: [string, number][] = [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24],
  ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
];
const IPV6_BLOCKED: [string, number][] = [
  ["::", 96], ["64:ff9b:1::", 48], ["100::", 64], ["2001:db8::", 32], ["fc00::", 7], ["fe80::", 10], ["fec0::", 10], ["ff00::", 8],
];

/** An IPv4 network as the two 16-bit groups of an IPv6 address that embeds it. */
const groups = (ipv4: string) => {
  const [a, b, c, d] = ipv4.split(".").map(Number);
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
};

const BLOCKED = new BlockList();
for (const [network, prefix] of IPV4_BLOCKED) {
  // IPv4-mapped addresses (::ffff:127.0.0.1) are checked against these by BlockList itself. The
  // ones that carry an IPv4 address through a translator or tunnel are blocked only where that
  // address is: NAT64 (64:ff9b::/96, the way an IPv6-only host reaches every IPv4 receiver) and 6to4.
  BLOCKED.addSubnet(network, prefix, "ipv4");
  BLOCKED.addSubnet(`64:ff9b::${groups(network)}`, 96 + prefix, "ipv6");
  BLOCKED.addSubnet(`2002:${groups(network)}::`, 16 + prefix, "ipv6");
}
for (const [network, prefix] of IPV6_BLOCKED) BLOCKED.addSubnet(network, prefix, "ipv6");

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) throw new Error(`not an IP address: ${address}`);
  return BLOCKED.check(address, family === 4 ? "ipv4" : "ipv6");
}

export class PrivateAddressError extends Error {
  readonly code = "EPRIVATEADDRESS";
  constructor(host: string, address: string) {
    super(`${host === address ? address : `${host} (${address})`} is a private, loopback or reserved address; set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to deliver there`);
  }
}

/** The URL's host when it is an IP address literal (brackets of IPv6 removed), else null. */
function literalAddress(url: URL): string | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return isIP(host) === 0 ? null : host;
}

/**
 * The refusal for a URL whose host is a private IP literal, or localhost (which is never looked
 * up elsewhere); null for any other host, whose names are checked when they are looked up.
 */
export function privateUrlProblem(url: URL): PrivateAddressError | null {
  const literal = literalAddress(url);
  if (literal !== null) return isPrivateAddress(literal) ? new PrivateAddressError(literal, literal) : null;
  return /^localhost\.?$|\.localhost\.?$/i.test(url.hostname) ? new PrivateAddressError(url.hostname, "127.0.0.1") : null;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A dns.lookup for the connection itself: a name is checked against the addresses it resolves
 * to at connect time, so a name that pointed elsewhere when the endpoint was saved (or that
 * answers differently each time) cannot reach a private address either.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback) {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.find((a) => isPrivateAddress(a.address));
    if (refused) return callback(new PrivateAddressError(hostname, refused.address), []);
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}

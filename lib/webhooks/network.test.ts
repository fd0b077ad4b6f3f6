import { describe, expect, it } from "vitest";
import { isPrivateAddress, privateUrlProblem, publicOnlyLookup } from "./network";

describe("webhook address guard", () => {
  it("tells private, loopback and reserved addresses from public ones, IPv4 and IPv6", () => {
    const blocked = [
      "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
      "0.0.0.0", "224.0.0.1", "255.255.255.255", "192.0.2.10", "::", "::1", "fd00::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1",
      "::ffff:10.0.0.1", "::ffff:a9fe:a9fe", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::8.8.8.8", "2002:7f00:1::1",
      "2002:c0a8:101::", "2001:db8::1",
    ];
    // NAT64 and 6to4 addresses of public IPv4 receivers stay deliverable (an IPv6-only host reaches every IPv4 receiver that way).
    const allowed = ["8.8.8.8", "1.1.1.1", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "64:ff9b::8.8.4.4", "2002:808:808::1"];
    expect(blocked.filter((a) => !isPrivateAddress(a))).toEqual([]);
    expect(allowed.filter((a) => isPrivateAddress(a))).toEqual([]);
    expect(() => isPrivateAddress("example.com")).toThrow(/not an IP address/);
  });

  it("refuses a URL whose host is a private address in any spelling, or localhost; names are left to delivery", () => {
    for (const url of ["http://127.0.0.1:9/x", "http://2130706433/", "http://0x7f.1/", "http://[::1]/", "http://[::ffff:169.254.169.254]/", "https://10.0.0.5/hook", "http://localhost:3000/", "http://api.localhost/", "http://LOCALHOST./"]) {
      expect(privateUrlProblem(new URL(url))?.message, url).toMatch(/is a private, loopback or reserved address/);
    }
    for (const url of ["https://hooks.example.com/in", "http://8.8.8.8/", "https://[2606:4700::1111]/", "https://localhost.example.com/"]) {
      expect(privateUrlProblem(new URL(url)), url).toBeNull();
    }
  });

  it("fails the connection's lookup of a name that resolves to loopback, in both callback forms", async () => {
    for (const all of [true, false]) {
      const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => publicOnlyLookup("localhost", { all }, (e) => resolve(e)));
      expect(error?.code).toBe("EPRIVATEADDRESS");
      expect(error?.message).toMatch(/^localhost \((127\.0\.0\.1|::1)\) is a private, loopback or reserved address/);
    }
  });
});

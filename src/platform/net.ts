// Which network addresses the server may call on a partner's behalf. A webhook URL is checked when it
// is registered, but a name can later resolve anywhere, so outbound requests check the address they
// actually connect to as well (DNS rebinding, names pointing into the internal network).
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";

const blocked = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const)
  blocked.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  blocked.addSubnet(net, bits, "ipv6");

/** True for a globally routable unicast address; false for loopback, private, link-local, reserved. */
export function isPublicAddress(address: string): boolean {
  const v = isIP(address);
  if (v === 0) return false;
  // IPv4-mapped and NAT64 forms reach an IPv4 host: judge that host (BlockList would match them
  // against every IPv4 rule at once if listed as subnets).
  const embedded = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (embedded) return isPublicAddress(embedded);
  if (v === 6 && /^(?:::ffff:|64:ff9b::)/i.test(address)) return false;
  return !blocked.check(address, v === 4 ? "ipv4" : "ipv6");
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for node:http(s) requests that refuses to connect to anything but public addresses.
 *
 * @example httpsRequest(url, { lookup: publicOnlyLookup })
 */
export function publicOnlyLookup(hostname: string, options: object, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, "");
    const list = addresses as LookupAddress[];
    const bad = list.find((a) => !isPublicAddress(a.address));
    if (bad) {
      const e: NodeJS.ErrnoException = new Error(
        `${hostname} resolves to ${bad.address}, which is not a public address; refusing to connect`,
      );
      e.code = "ENOTPUBLIC";
      return callback(e, "");
    }
    if ((options as { all?: boolean }).all) return callback(null, list);
    const first = list[0];
    if (!first) return callback(new Error(`${hostname} has no address`), "");
    callback(null, first.address, first.family);
  });
}

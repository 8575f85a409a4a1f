// Which network addresses the server may call on a partner's behalf. A webhook URL is checked when it
// is registered, but a name can later resolve anywhere, so outbound requests check every address they
// actually connect to as well (DNS rebinding, names pointing into the internal network), and an
// IP-literal URL, which Node connects to without any lookup, is checked before the request starts.
// Ranges come from ipaddr.js (a maintained classifier): only `unicast` is dialable, after unwrapping
// IPv4-mapped IPv6; a lab (FOREWARN_WEBHOOKS_ALLOW_PRIVATE) may add loopback and private networks.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

export type DialPolicy = {
  /** Labs and tests: loopback and private networks too (never unspecified, broadcast, link-local ...). */
  allowPrivate?: boolean | undefined;
};

/** What a lab may dial besides `unicast`: loopback, RFC 1918 and IPv6 unique-local addresses. */
const PRIVATE_RANGES: ReadonlySet<string> = new Set(["loopback", "private", "uniqueLocal"]);

/**
 * Special-use domain names (RFC 6761, 6762, 7686, 8375, 9476 and ICANN's .internal): never a public
 * host, whatever a resolver says about them.
 */
export const SPECIAL_USE_NAMES = [
  "localhost",
  "internal",
  "local",
  "home.arpa",
  "onion",
  "test",
  "invalid",
] as const;

/** The range that keeps the server from connecting to this IP address, or null when it may. */
function refusedRange(address: string, policy: DialPolicy): string | null {
  const bare = address.replace(/^\[|\]$/g, "");
  if (isIP(bare) === 0 || !ipaddr.isValid(bare)) return "not an IP address";
  const ip = ipaddr.process(bare);
  // IPv4-compatible IPv6 (::a.b.c.d, deprecated by RFC 4291) reaches an IPv4 host on some stacks, and
  // ipaddr.js calls it unicast: refuse it (:: and ::1 are classified on their own below).
  if (ip.kind() === "ipv6") {
    const parts = (ip as ipaddr.IPv6).parts;
    if (parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || (parts[7] ?? 0) > 1))
      return "IPv4-compatible IPv6";
  }
  const range = ip.range();
  if (range === "unicast") return null;
  if (policy.allowPrivate && PRIVATE_RANGES.has(range)) return null;
  return range;
}

/** Why the server must not connect to this IP address, or null when it may. */
export function addressProblem(address: string, policy: DialPolicy = {}): string | null {
  const range = refusedRange(address, policy);
  return range === null ? null : `address ${address} is ${range}, not a public address`;
}

/** True for a globally routable unicast address; false for loopback, private, link-local, reserved. */
export function isPublicAddress(address: string): boolean {
  return addressProblem(address) === null;
}

/**
 * Why a host name must not be called, or null. Refuses trailing-dot names (they dodge suffix rules),
 * and special-use and single-label names unless the lab policy allows private networks (a lab's
 * receiver may well be `localhost`; the addresses it resolves to are checked all the same). IP
 * literals go to `addressProblem`.
 */
export function hostnameProblem(hostname: string, policy: DialPolicy = {}): string | null {
  const host = hostname.toLowerCase();
  if (host.endsWith(".")) return `host ${hostname} ends with a dot; write the name without it`;
  if (policy.allowPrivate) return null;
  const special = SPECIAL_USE_NAMES.find((s) => host === s || host.endsWith(`.${s}`));
  if (special) return `host ${hostname} is a special-use name (.${special}), not a public host`;
  if (!host.includes(".")) return `host ${hostname} is not a public domain name`;
  return null;
}

/** Why a URL's host must not be called: its literal address or its name. */
export function hostProblem(url: URL, policy: DialPolicy = {}): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return isIP(host) ? addressProblem(host, policy) : hostnameProblem(host, policy);
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;
export type LookupFn = (hostname: string, options: object, callback: LookupCallback) => void;
/** Resolves a name to every address (dns.lookup with `all`); injected by tests. */
export type Resolver = (hostname: string, options: object) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname, options) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses as LookupAddress[]),
    ),
  );

function refused(message: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${message}; refusing to connect`);
  e.code = "ENOTPUBLIC";
  return e;
}

/**
 * A `lookup` for node:http(s) that resolves the name and refuses unless every address is dialable
 * under the policy.
 */
export function checkedLookup(policy: DialPolicy = {}, resolve: Resolver = systemResolver): LookupFn {
  return (hostname, options, callback) => {
    resolve(hostname, options).then(
      (list) => {
        for (const a of list) {
          const range = refusedRange(a.address, policy);
          if (range !== null)
            return callback(
              refused(`${hostname} resolves to ${a.address}, which is ${range}, not a public address`),
              "",
            );
        }
        if ((options as { all?: boolean }).all) return callback(null, list);
        const first = list[0];
        if (!first) return callback(new Error(`${hostname} has no address`), "");
        callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ""),
    );
  };
}

/**
 * A `lookup` that refuses to connect to anything but public addresses.
 *
 * @example httpsRequest(url, { lookup: publicOnlyLookup })
 */
export const publicOnlyLookup: LookupFn = checkedLookup();

/**
 * The request options that make an outbound call safe: throws (code ENOTPUBLIC) for a literal address
 * or a name that is refused outright, and otherwise checks every address the name resolves to, on a
 * fresh connection each time (no pooled socket skips the check).
 *
 * @example send(u, { method: "POST", ...dialOptions(u, { allowPrivate: false }) })
 */
export function dialOptions(
  url: URL,
  policy: DialPolicy = {},
  resolve: Resolver = systemResolver,
): { lookup: LookupFn; agent: false } {
  const problem = hostProblem(url, policy);
  if (problem) throw refused(problem);
  return { lookup: checkedLookup(policy, resolve), agent: false };
}

// The canary DNS server: authoritative for FOREWARN_CANARY_DOMAIN over UDP and TCP, built on
// dns-packet. A lookup of `<token>.<domain>` (or any name under it) is a hit: it is reported to the
// hit recorder and answered with FOREWARN_CANARY_ANSWER; names in the zone that carry no known token
// answer NXDOMAIN, the apex answers SOA and NS (`ns.<domain>`, with the same addresses as glue),
// anything outside the zone REFUSED. Malformed packets get FORMERR when their header can be read and
// are dropped otherwise; sizes, connections and work in flight are bounded, so no packet can crash
// or exhaust the server.
import dgram from "node:dgram";
import net, { isIP } from "node:net";
import dnsPacket, { type Answer, type Packet, type Question } from "dns-packet";

/** Largest query accepted (UDP datagram or TCP message); queries are a few dozen bytes. */
export const MAX_QUERY_BYTES = 4096;
/** Largest UDP answer without EDNS (RFC 1035); ours are far smaller, larger ones are truncated. */
const UDP_PLAIN_MAX = 512;
const UDP_EDNS_MAX = 1232;
/** Queries being answered at once over UDP; more are dropped (a client retries). */
const MAX_IN_FLIGHT = 256;
const TCP_MAX_CONNECTIONS = 128;
const TCP_IDLE_MS = 10_000;
const TCP_MAX_QUERIES = 64;
/** Bytes a TCP client may send ahead of the answers (a few pipelined queries). */
const TCP_MAX_BUFFER = 4 * (2 + MAX_QUERY_BYTES);
/** Token answers live one second: a later lookup reaches this server again. */
const TOKEN_TTL = 1;
const ZONE_TTL = 3600;
/** Negative answers are cached this long (the SOA minimum). */
const NEGATIVE_TTL = 60;

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type Rcode = keyof typeof RCODE;

export type CanaryZone = {
  /** Lower case, without a trailing dot, e.g. `canary.example.org`. */
  domain: string;
  /** The addresses token names (and `ns.<domain>`) resolve to. */
  answers: string[];
};

/**
 * Told about every lookup of a name under the zone that could be a token (the label right under the
 * domain): whether it is a known token. `detail` is the query name with that label replaced, and type.
 */
export type DnsLookupSink = (hit: { token: string; source: string; detail: string }) => Promise<boolean>;

/** The answer to one decoded query; `lookup` is called for names that may carry a token. */
export async function answerQuery(
  zone: CanaryZone,
  query: Packet,
  source: string,
  lookup: DnsLookupSink,
): Promise<Packet> {
  const questions = query.questions ?? [];
  const wantsEdns = (query.additionals ?? []).some((a) => a.type === "OPT");
  const opt = (): Answer[] =>
    wantsEdns
      ? [
          {
            type: "OPT",
            name: ".",
            udpPayloadSize: UDP_EDNS_MAX,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: 0,
            flag_do: false,
            options: [],
          },
        ]
      : [];
  const reply = (rcode: Rcode, p: Partial<Packet> = {}, authoritative = true): Packet => ({
    id: query.id ?? 0,
    type: "response",
    flags:
      (authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) |
      ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) |
      RCODE[rcode],
    questions: questions.slice(0, 1),
    answers: [],
    authorities: [],
    additionals: opt(),
    ...p,
  });
  const opcode = (query as { opcode?: string }).opcode;
  if (opcode !== undefined && opcode !== "QUERY") return reply("NOTIMP", {}, false);
  const q: Question | undefined = questions[0];
  if (questions.length !== 1 || !q) return reply("FORMERR", { questions: [] }, false);
  if ((q.class ?? "IN") !== "IN") return reply("REFUSED", {}, false);

  const domain = zone.domain;
  const name = q.name.toLowerCase().replace(/\.$/, "");
  if (name !== domain && !name.endsWith(`.${domain}`)) return reply("REFUSED", {}, false);

  const soa: Answer = {
    type: "SOA",
    name: domain,
    ttl: ZONE_TTL,
    data: {
      mname: `ns.${domain}`,
      rname: `hostmaster.${domain}`,
      serial: 1,
      refresh: 3600,
      retry: 600,
      expire: 604800,
      minimum: NEGATIVE_TTL,
    },
  };
  const ns: Answer = { type: "NS", name: domain, ttl: ZONE_TTL, data: `ns.${domain}` };
  const addresses = (owner: string, type: string, ttl: number): Answer[] =>
    zone.answers
      .filter((a) => (type === "A" ? isIP(a) === 4 : type === "AAAA" ? isIP(a) === 6 : false))
      .map((a) => ({ type: type as "A", name: owner, ttl, data: a }));
  const noData = () => reply("NOERROR", { authorities: [{ ...soa, ttl: NEGATIVE_TTL }] });

  if (name === domain) {
    if (q.type === "SOA") return reply("NOERROR", { answers: [soa], authorities: [ns] });
    if (q.type === "NS")
      return reply("NOERROR", {
        answers: [ns],
        additionals: [
          ...addresses(`ns.${domain}`, "A", ZONE_TTL),
          ...addresses(`ns.${domain}`, "AAAA", ZONE_TTL),
          ...opt(),
        ],
      });
    if ((q.type as string) === "ANY") return reply("NOERROR", { answers: [soa, ns] });
    return noData();
  }

  const labels = name.slice(0, -(domain.length + 1)).split(".");
  const label = labels[labels.length - 1] ?? "";
  if (labels.length === 1 && label === "ns") {
    const answers = addresses(q.name, q.type, ZONE_TTL);
    return answers.length ? reply("NOERROR", { answers }) : noData();
  }
  const detail = `${[...labels.slice(0, -1), "[token]", domain].join(".")} ${q.type}`;
  const known = await lookup({ token: label, source, detail });
  if (!known) return reply("NXDOMAIN", { authorities: [{ ...soa, ttl: NEGATIVE_TTL }] });
  const answers = addresses(q.name, q.type, TOKEN_TTL);
  return answers.length ? reply("NOERROR", { answers }) : noData();
}

/** A reply that needs no decoding: the query's ID and opcode, the rcode, nothing else. */
function headerOnly(query: Buffer, rcode: Rcode): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt16BE(query.readUInt16BE(0), 0);
  const opcode = query.readUInt16BE(2) & 0x7800;
  out.writeUInt16BE(0x8000 | opcode | RCODE[rcode], 2);
  return out;
}

/**
 * The reply bytes for one query message, or null to stay silent (no header, or a response: answering
 * responses would let two servers bounce packets forever).
 */
export async function handleMessage(
  zone: CanaryZone,
  msg: Buffer,
  source: string,
  lookup: DnsLookupSink,
  maxReply: number | null,
): Promise<Buffer | null> {
  if (msg.length < 12 || msg.length > MAX_QUERY_BYTES) return null;
  if (msg.readUInt16BE(2) & 0x8000) return null;
  let query: Packet;
  try {
    query = dnsPacket.decode(msg);
  } catch {
    return headerOnly(msg, "FORMERR");
  }
  let answer: Packet;
  try {
    answer = await answerQuery(zone, query, source, lookup);
  } catch {
    return headerOnly(msg, "SERVFAIL");
  }
  let out = dnsPacket.encode(answer);
  if (maxReply !== null) {
    const edns = (query.additionals ?? []).find((a) => a.type === "OPT") as
      | { udpPayloadSize?: number }
      | undefined;
    const limit = edns
      ? Math.min(Math.max(edns.udpPayloadSize ?? UDP_PLAIN_MAX, UDP_PLAIN_MAX), maxReply)
      : UDP_PLAIN_MAX;
    if (out.length > limit) {
      out = dnsPacket.encode({
        ...answer,
        flags: (answer.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE,
        answers: [],
        authorities: [],
        additionals: [],
      });
    }
  }
  return out;
}

export type CanaryDnsServer = {
  /** The port both UDP and TCP listen on. */
  port: number;
  host: string;
  close(): Promise<void>;
};

/** `127.0.0.1:5353` or `[::1]:5353` → host and port. */
export function parseListen(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(":");
  const host = listen.slice(0, i).replace(/^\[|\]$/g, "");
  const port = Number(listen.slice(i + 1));
  if (isIP(host) === 0 || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`canary DNS address must be IP:PORT, not ${listen}`);
  return { host, port };
}

/**
 * Starts the server on UDP and TCP at the same port (port 0 picks one free for both). `onError` hears
 * about socket errors after the start (none stop the server).
 */
export async function startCanaryDns(opts: StartOptions): Promise<CanaryDnsServer> {
  const { host, port } = parseListen(opts.listen);
  if (port !== 0) return startOn(opts, host, port);
  // Port 0: the UDP port picked may be taken for TCP; try a few.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(opts, host, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE" || attempt >= 8) throw e;
    }
  }
}

type StartOptions = {
  listen: string;
  zone: CanaryZone;
  lookup: DnsLookupSink;
  onError?: (e: Error) => void;
};

async function startOn(opts: StartOptions, host: string, port: number): Promise<CanaryDnsServer> {
  const onError = opts.onError ?? (() => {});
  const pending = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>) => {
    pending.add(p);
    p.finally(() => pending.delete(p)).catch(() => {});
    return p;
  };

  const udp = dgram.createSocket({ type: isIP(host) === 6 ? "udp6" : "udp4" });
  udp.on("message", (msg, rinfo) => {
    if (pending.size >= MAX_IN_FLIGHT) return;
    track(
      handleMessage(opts.zone, msg, rinfo.address, opts.lookup, UDP_EDNS_MAX).then((out) => {
        if (out) udp.send(out, rinfo.port, rinfo.address, (e) => e && onError(e));
      }),
    ).catch(onError);
  });
  await new Promise<void>((resolve, reject) => {
    udp.once("error", reject);
    udp.bind(port, host, () => {
      udp.off("error", reject);
      resolve();
    });
  });
  udp.on("error", onError);
  const bound = udp.address().port;

  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    let buffered = Buffer.alloc(0);
    let answered = 0;
    let busy = false;
    const drain = async () => {
      if (busy) return;
      busy = true;
      try {
        while (buffered.length >= 2 && !socket.destroyed) {
          const len = buffered.readUInt16BE(0);
          if (len < 12 || len > MAX_QUERY_BYTES) return void socket.destroy();
          if (buffered.length < 2 + len) break;
          const msg = buffered.subarray(2, 2 + len);
          buffered = buffered.subarray(2 + len);
          const out = await track(
            handleMessage(opts.zone, msg, socket.remoteAddress ?? "", opts.lookup, null),
          );
          if (out && !socket.destroyed) {
            const head = Buffer.alloc(2);
            head.writeUInt16BE(out.length, 0);
            socket.write(Buffer.concat([head, out]));
          }
          if (++answered >= TCP_MAX_QUERIES) return void socket.end();
        }
      } catch (e) {
        onError(e as Error);
        socket.destroy();
      } finally {
        busy = false;
      }
    };
    socket.on("data", (chunk: Buffer) => {
      if (buffered.length + chunk.length > TCP_MAX_BUFFER) return void socket.destroy();
      buffered = Buffer.concat([buffered, chunk]);
      void drain();
    });
  });
  tcp.maxConnections = TCP_MAX_CONNECTIONS;
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once("error", reject);
      tcp.listen(bound, host, () => {
        tcp.off("error", reject);
        resolve();
      });
    });
  } catch (e) {
    udp.close();
    throw e;
  }
  tcp.on("error", onError);

  return {
    port: bound,
    host,
    async close() {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      await Promise.allSettled([...pending]);
    },
  };
}

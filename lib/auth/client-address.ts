import { BlockList, isIP } from "node:net";

/**
 * Who is on the other end of a request, for the sign-in limit. X-Forwarded-For and
 * X-Real-IP are written by whoever sends the request, so they are believed only when the
 * direct peer (the socket's address) is one of CUSTODIAN_TRUSTED_PROXIES: otherwise
 * anyone could name a fresh address per attempt and never meet the limit.
 */

/** The header the HTTP server (lib/auth/client-address-stamp.ts) sets on every request it hands to the app; a client's own copy is dropped. */
export const CLIENT_ADDRESS_HEADER = "x-custodian-client-address";

export class TrustedProxiesError extends Error {}

/** CUSTODIAN_TRUSTED_PROXIES: a comma list of IPs and CIDRs ("10.0.0.1, 10.1.0.0/16, ::1"). Empty: trust none. */
export function trustedProxies(env: Record<string, string | undefined> = process.env): BlockList {
  const list = new BlockList();
  for (const raw of (env.CUSTODIAN_TRUSTED_PROXIES ?? "").split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address, bits, extra] = entry.split("/");
    const family = isIP(address);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (!family || extra !== undefined || !/^\d+$/.test(bits ?? "0") || prefix > (family === 6 ? 128 : 32)) {
      throw new TrustedProxiesError(`CUSTODIAN_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR (like 10.0.0.1 or 10.0.0.0/8)`);
    }
    list.addSubnet(address, prefix, family === 6 ? "ipv6" : "ipv4");
  }
  return list;
}

/** "::ffff:10.0.0.1" (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
export function normalizeAddress(address: string): string {
  const a = address.trim().replace(/^\[(.*)\]$/, "$1");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return (mapped ? mapped[1] : a).toLowerCase();
}

/**
 * One X-Forwarded-For hop or X-Real-IP value, its port dropped: proxies may write
 * "1.2.3.4:5678" or "[2001:db8::1]:443" (RFC 7239 style). A bare IPv6 address keeps its
 * colons; a port that is not 0-65535 leaves the hop malformed (not an address).
 */
export function hopAddress(hop: string): string {
  const h = hop.trim();
  const m = /^\[([^\]]*)\]:(\d{1,5})$/.exec(h) ?? /^(\d+\.\d+\.\d+\.\d+):(\d{1,5})$/.exec(h);
  if (m && Number(m[2]) <= 65535) return normalizeAddress(m[1]);
  return normalizeAddress(h);
}

function isTrusted(proxies: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy; then the
 * X-Forwarded-For hops from the right, skipping trusted proxies, the first one that is not
 * (hops further left were written by the client and prove nothing), else X-Real-IP.
 */
export function clientAddress(peer: string, headers: { forwardedFor?: string | null; realIp?: string | null }, proxies: BlockList): string {
  const direct = normalizeAddress(peer);
  if (!isTrusted(proxies, direct)) return direct;
  const hops = (headers.forwardedFor ?? "")
    .split(",")
    .map(hopAddress)
    .filter((h) => h !== "");
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isIP(hops[i])) return direct; // a malformed hop: nothing left of it can be believed
    if (!isTrusted(proxies, hops[i])) return hops[i];
  }
  if (hops.length) return hops[0]; // every hop a trusted proxy: the first one is the origin
  const real = hopAddress(headers.realIp ?? "");
  return isIP(real) ? real : direct;
}

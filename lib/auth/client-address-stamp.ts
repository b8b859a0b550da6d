import type { IncomingMessage } from "node:http";
import type { BlockList } from "node:net";
import { CLIENT_ADDRESS_HEADER, clientAddress } from "./client-address";

const STAMPED = Symbol.for("custodian.clientAddressStamped");
const flags = globalThis as unknown as Record<symbol, boolean | undefined>;

/**
 * Called by the HTTP server that puts the client's address on every request (the web
 * server of scripts/serve.ts, or a test's). Only then is the header believed: under a
 * server that does not set it (a bare `next start`), a client could write it themselves.
 */
export function markClientAddressStamped(): void {
  flags[STAMPED] = true;
}

/** Whether a stamping server runs in this process (scripts/serve.ts): without one the per-client sign-in limit is off. */
export function clientAddressStamped(): boolean {
  return flags[STAMPED] === true;
}

/** Replaces whatever the client sent in the client-address header with the address worked out from the socket. */
export function stampClientAddress(req: IncomingMessage, proxies: BlockList): void {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(",") : v);
  req.headers[CLIENT_ADDRESS_HEADER] = clientAddress(
    req.socket.remoteAddress ?? "",
    { forwardedFor: first(req.headers["x-forwarded-for"]), realIp: first(req.headers["x-real-ip"]) },
    proxies,
  );
}

/** The client's address as the server stamped it, or null when no stamping server runs in this process. */
export function stampedClientAddress(headers: Headers): string | null {
  return flags[STAMPED] ? headers.get(CLIENT_ADDRESS_HEADER) || null : null;
}

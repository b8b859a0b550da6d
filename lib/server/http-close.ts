import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { BlockList } from "node:net";
import { markClientAddressStamped, stampClientAddress } from "../auth/client-address-stamp";

/**
 * The HTTP server of this process, when Custodian made it (scripts/serve.ts), so that a
 * SIGTERM closes it before the process exits (lib/server/shutdown.ts). Under a bare
 * `next start` none is registered: Next's own signal handler closes its server.
 */
const holder = globalThis as unknown as { __custodianHttpServer?: Server };

/** How long requests in flight may take to finish after SIGTERM before their connections are cut. */
export const SHUTDOWN_GRACE_MS = 20_000;

export function registerHttpServer(server: Server): void {
  holder.__custodianHttpServer = server;
}

/**
 * Custodian's web server (scripts/serve.ts): each request stamped with the client's address
 * worked out from the socket, then handed to `handle` (Next's request handler); registered,
 * so that SIGTERM closes it gracefully.
 */
export function createWebServer(handle: (req: IncomingMessage, res: ServerResponse) => Promise<unknown> | void, proxies: BlockList): Server {
  markClientAddressStamped();
  const server = createServer((req, res) => {
    stampClientAddress(req, proxies);
    void handle(req, res);
  });
  registerHttpServer(server);
  return server;
}

/**
 * Stops taking connections and waits for the requests in flight to be answered, at most
 * `graceMs`; then cuts whatever connections are left. Idle keep-alive connections are
 * closed as they become idle (a browser's open connection must not hold the exit up).
 * Resolves with the number of connections cut. Nothing registered: resolves at once.
 */
export async function closeHttpServer(graceMs = SHUTDOWN_GRACE_MS): Promise<{ cut: number }> {
  const server = holder.__custodianHttpServer;
  if (!server?.listening) return { cut: 0 };
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A response finished on a keep-alive connection leaves it idle: close it then, not after its timeout.
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<"expired">((resolve) => (timer = setTimeout(() => resolve("expired"), graceMs)));
  try {
    server.closeIdleConnections();
    if ((await Promise.race([closed, expired])) !== "expired") return { cut: 0 };
    const cut = await new Promise<number>((resolve) => server.getConnections((err, n) => resolve(err ? 0 : n)));
    server.closeAllConnections();
    await closed;
    return { cut };
  } finally {
    clearInterval(idle);
    clearTimeout(timer);
  }
}

/**
 * The web server `npm start` runs: Next.js's request handler behind a plain Node HTTP
 * server, so that every request carries the client's address worked out from the socket
 * (lib/auth/client-address.ts): the sign-in limit must not believe a client's own
 * X-Forwarded-For. `next start` cannot do this (it keeps whatever X-Forwarded-For came in).
 *
 * SIGTERM or SIGINT (lib/server/shutdown.ts, installed by instrumentation.ts): /api/ready
 * answers 503, this server stops taking connections and lets the requests in flight finish
 * (lib/server/http-close.ts), the job queue stops, then the process exits 0.
 *
 * It serves the build in .next (`npm run build`); it never builds and never runs the demo
 * (scripts/start.ts, `npm start`, does both when needed, then runs this).
 *
 *   tsx scripts/serve.ts --port 3000 [--hostname 127.0.0.1]
 */
import type { BlockList } from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import next from "next";
import { trustedProxies, TrustedProxiesError } from "../lib/auth/client-address";
import { markClientAddressStamped } from "../lib/auth/client-address-stamp";
import { createWebServer } from "../lib/server/http-close";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { port: { type: "string", default: process.env.PORT ?? "3000" }, hostname: { type: "string" } } });
const port = Number(values.port);

let proxies: BlockList;
try {
  proxies = trustedProxies();
} catch (err) {
  if (!(err instanceof TrustedProxiesError)) throw err;
  console.error(`custodian: ${err.message}`);
  process.exit(2);
}

// Before Next starts: its startup (instrumentation.ts) warns when no server stamps client addresses.
markClientAddressStamped();
const app = next({ dev: false, dir: root, port, hostname: values.hostname ?? "localhost" });
await app.prepare();
const handle = app.getRequestHandler();
const server = createWebServer(handle, proxies);
// No hostname: every interface, as `next start` does.
server.listen(port, values.hostname, () => console.error(`custodian: listening on ${values.hostname ?? "every interface"}, port ${port}`));

/**
 * The web server `npm start` runs: Next.js's request handler behind a plain Node HTTP
 * server, so that every request carries the client's address worked out from the socket
 * (lib/auth/client-address.ts): the sign-in limit must not believe a client's own
 * X-Forwarded-For. `next start` cannot do this (it keeps whatever X-Forwarded-For came in).
 *
 *   tsx scripts/serve.ts --port 3000 [--hostname 127.0.0.1]
 */
import { createServer } from "node:http";
import type { BlockList } from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import next from "next";
import { trustedProxies, TrustedProxiesError } from "../lib/auth/client-address";
import { markClientAddressStamped, stampClientAddress } from "../lib/server/http";

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

markClientAddressStamped();
const app = next({ dev: false, dir: root, port, hostname: values.hostname ?? "localhost" });
await app.prepare();
const handle = app.getRequestHandler();
const server = createServer((req, res) => {
  stampClientAddress(req, proxies);
  void handle(req, res);
});
// No hostname: every interface, as `next start` does.
server.listen(port, values.hostname, () => console.error(`custodian: listening on ${values.hostname ?? "every interface"}, port ${port}`));

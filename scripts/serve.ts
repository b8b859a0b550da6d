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
 * It says "custodian: serving http://…" once it has answered its first page itself
 * (lib/server/listen.ts): a fresh process's first render loads the page's modules, seconds
 * on a busy machine, and the store's opening and the first sweep (instrumentation.ts) wait
 * for it (lib/server/first-page.ts), being CPU work on the same thread.
 *
 * It serves the build in .next (`npm run build`); it never builds and never runs the demo
 * (scripts/start.ts, `npm start`, does both when needed, then runs this). It is also built
 * into plain JavaScript, dist/cli/serve.mjs (scripts/build-cli.mjs), which starts without
 * compiling TypeScript: `npm start` runs that while it is newer than its sources.
 *
 *   node dist/cli/serve.mjs --port 3000 [--hostname 127.0.0.1]
 *   node --import tsx scripts/serve.ts --port 3000 [--hostname 127.0.0.1]
 */
import type { BlockList } from "node:net";
import { parseArgs } from "node:util";
import next from "next";
import { trustedProxies, TrustedProxiesError } from "../lib/auth/client-address";
import { markClientAddressStamped } from "../lib/auth/client-address-stamp";
import { APP_DIR } from "../lib/server/app-dir";
import { holdStartupForFirstPage } from "../lib/server/first-page";
import { createWebServer } from "../lib/server/http-close";
import { listenAndServeFirstPage } from "../lib/server/listen";

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

// Before Next starts: its startup (instrumentation.ts) warns when no server stamps client
// addresses, and waits for this server's first page.
markClientAddressStamped();
holdStartupForFirstPage();
const app = next({ dev: false, dir: APP_DIR, port, hostname: values.hostname ?? "localhost" });
await app.prepare();
const handle = app.getRequestHandler();
const server = createWebServer(handle, proxies);
const first = await listenAndServeFirstPage(server, port, values.hostname);
const answered = first.status === 200 ? "" : ` (its first page answered ${first.status})`;
console.error(`custodian: serving http://${values.hostname ?? "localhost"}:${port}${answered}`);

/**
 * A process standing for scripts/serve.ts, for test/web-serve.test.ts: the same web server
 * (createWebServer) and the same signal hook the instrumentation installs, with a request
 * handler in place of Next's whose /slow answer waits for a line on stdin, and a job queue
 * that says when it stops. No other SIGTERM listener: as under serve.ts, the hook exits.
 */
import { createInterface } from "node:readline";
import type { AddressInfo } from "node:net";
import { trustedProxies } from "../lib/auth/client-address";
import { createLogger } from "../lib/log/logger";
import { createWebServer } from "../lib/server/http-close";
import { phase, setPhase } from "../lib/server/readiness";
import { stopGracefullyOnSignals } from "../lib/server/shutdown";

const say = (line: string) => process.stdout.write(`${line}\n`);
const released = new Promise<void>((resolve) => createInterface({ input: process.stdin }).once("line", () => resolve()));
stopGracefullyOnSignals(async () => void say(`jobs: stopping, phase ${phase()}`), createLogger({ level: "silent", format: "json", problems: [] }));
setPhase("serving");
const server = createWebServer(async (req, res) => {
  if (req.url === "/slow") {
    say("slow: started");
    await released;
    res.end(`slow done, phase ${phase()}`);
    say("slow: answered");
  } else res.end("ok");
}, trustedProxies({}));
server.listen(0, "127.0.0.1", () => say(`listening ${(server.address() as AddressInfo).port}`));

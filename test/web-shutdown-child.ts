/**
 * A process standing for the web server, for test/web-shutdown.test.ts: a listener in
 * place of Next's own (which closes the HTTP server and exits 143), then the hook the
 * instrumentation installs, with a job queue that takes a few turns of the loop to stop.
 */
import { createLogger } from "../lib/log/logger";
import { phase, setPhase } from "../lib/server/readiness";
import { stopGracefullyOnSignals } from "../lib/server/shutdown";

const say = (line: string) => process.stdout.write(`${line}\n`);
process.on("SIGTERM", (signal) => {
  say(`next: ${signal}, phase ${phase()}`);
  process.exit(143);
});
setPhase("serving");
let stops = 0;
stopGracefullyOnSignals(
  async () => {
    stops++;
    say(`jobs: stopping (${stops}), phase ${phase()}`);
    // a second signal arrives while the jobs stop: it must not start a second stop, nor reach Next early
    process.kill(process.pid, "SIGTERM");
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    say("jobs: stopped");
  },
  createLogger({ level: "silent", format: "json", problems: [] }),
);
say("ready");
setInterval(() => {}, 1000); // a server keeps running until stopped

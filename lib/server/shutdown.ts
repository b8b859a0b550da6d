import { errorFields, type Logger } from "../log/logger";
import { closeHttpServer } from "./http-close";
import { setPhase } from "./readiness";

type Listener = (signal: NodeJS.Signals) => void;

/**
 * The web process's SIGTERM (and SIGINT): /api/ready answers 503 at once (a load balancer
 * stops sending requests); Custodian's own HTTP server (scripts/serve.ts, registered in
 * ./http-close.ts) stops taking connections and lets the requests in flight finish (at most
 * SHUTDOWN_GRACE_MS); the job runtime stops (the cleanup or purge under way finishes its
 * batch and gives its job back); then the process exits 0. Under a bare `next start` no
 * server is registered: Next's own handler, registered before this hook ran, closes its
 * server and exits instead. Without this a job is left "running" until its heartbeat goes
 * stale, and requests in flight are cut.
 */
export function stopGracefullyOnSignals(stopJobs: () => Promise<void>, logger: Logger): void {
  let stopping: Promise<void> | undefined;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const nexts = process.listeners(signal) as Listener[];
    process.removeAllListeners(signal);
    process.on(signal, () => {
      // One stop however many signals arrive (a terminal's Ctrl-C reaches the whole process group).
      if (stopping) return;
      setPhase("stopping");
      logger.info(
        `${signal}: closing the HTTP server (requests in flight finish), then stopping the job queue (the batch under way finishes and its job is given back)`,
      );
      stopping = closeHttpServer()
        .then(
          ({ cut }) =>
            logger.info(cut ? `HTTP server closed, ${cut} connection(s) cut after the grace period` : "HTTP server closed, requests in flight answered"),
          (err) => logger.error(errorFields(err), "closing the HTTP server failed"),
        )
        .then(stopJobs)
        .catch((err) => logger.error(errorFields(err), "stopping the job queue failed"))
        .finally(() => {
          logger.info("job queue stopped");
          if (nexts.length) for (const next of nexts) next(signal);
          else process.exit(0);
        });
    });
  }
}

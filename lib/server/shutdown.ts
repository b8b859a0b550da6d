import { errorFields, type Logger } from "../log/logger";
import { setPhase } from "./readiness";

type Listener = (signal: NodeJS.Signals) => void;

/**
 * The web process's SIGTERM (and SIGINT): /api/ready answers 503 at once (a load balancer
 * stops sending requests), the job runtime stops (the cleanup or purge under way finishes
 * its batch and gives its job back), then Next's own handler, which was registered before
 * this hook ran, closes the HTTP server after the requests in flight and exits. Without
 * this, Next exits at once and a job is left "running" until its heartbeat goes stale.
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
      logger.info(`${signal}: stopping the job queue (the batch under way finishes and its job is given back), then the server`);
      stopping = stopJobs()
        .catch((err) => logger.error(errorFields(err), "stopping the job queue failed"))
        .finally(() => {
          logger.info("job queue stopped");
          if (nexts.length) for (const next of nexts) next(signal);
          else process.exit(0);
        });
    });
  }
}

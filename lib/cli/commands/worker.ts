import { hostname } from "node:os";
import type { Config } from "../../config/types";
import { startJobRuntime } from "../../jobs/runtime";
import { errorFields, log } from "../../log/logger";
import { EvidenceKeyError } from "../../erasure/signing";
import { signingKey } from "../../erasure/store-key";
import { openStore } from "../../store/client";
import { EXIT, type Output } from "../io";

/**
 * `custodian worker`: runs sweeps (and the sweep schedule), cleanups, purges and erasure
 * runs until stopped. Several workers on several machines share one PostgreSQL store
 * (DATABASE_URL); the embedded store admits one process, so there the web server is the
 * worker. Logs go through the process logger (JSON lines, pretty on a terminal), each
 * line with this worker's name.
 *
 * SIGTERM or SIGINT: stop taking jobs, let the cleanup or purge under way finish its batch
 * or subject and give the job back (queued at its checkpoint for the next worker), mark a
 * sweep still running after the grace period interrupted, then exit 0. SIGKILL is the way
 * to stop at once (what was under way is then resumed when its heartbeat goes stale).
 */
export async function workerCommand(config: Config, out: Output): Promise<number> {
  const logger = log().child({ worker: `${hostname()}:${process.pid}` });
  const store = await openStore({ purpose: "custodian worker" });
  // said at start: erasure runs on this worker would fail without the store's evidence key (sweeps, cleanups need none)
  await signingKey(store).then(
    () => {},
    (err) => {
      if (!(err instanceof EvidenceKeyError)) throw err;
      logger.error(`evidence cannot be signed by this worker (its erasure runs will fail): ${err.message}`);
    },
  );
  const runtime = await startJobRuntime(store, { config: () => config, logger, work: true });
  out.progress(`custodian worker: running (store: ${store.kind} ${store.location}); Ctrl-C to stop`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const s of ["SIGINT", "SIGTERM"] as const) process.once(s, () => resolve(s));
  });
  // A repeated signal changes nothing (npx and a terminal's Ctrl-C both deliver one): the stop
  // is bounded by STOP_GRACE_MS; a supervisor that cannot wait sends SIGKILL.
  for (const s of ["SIGINT", "SIGTERM"] as const) process.on(s, () => logger.info(`${s}: already stopping`));
  out.progress(`custodian worker: ${signal}: stopping after the current batch…`);
  try {
    await runtime.stop();
  } catch (err) {
    logger.error(errorFields(err), "stopping the job queue failed");
  }
  await store.close();
  logger.info("stopped");
  return EXIT.ok;
}

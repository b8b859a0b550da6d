import type { Config } from "../../config/types";
import { startJobRuntime } from "../../jobs/runtime";
import { openStore } from "../../store/client";
import { EXIT, type Output } from "../io";

/**
 * `custodian worker`: runs sweeps (and the sweep schedule) and cleanups until stopped.
 * Several workers on several machines share one PostgreSQL store (DATABASE_URL); the
 * embedded store admits one process, so there the web server is the worker.
 */
export async function workerCommand(config: Config, out: Output): Promise<number> {
  const store = await openStore({ purpose: "custodian worker" });
  const runtime = await startJobRuntime(store, { config: () => config, log: out.progress, work: true });
  out.progress(`custodian worker: running (store: ${store.kind} ${store.location}); Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    for (const s of ["SIGINT", "SIGTERM"] as const) process.once(s, () => resolve());
  });
  out.progress("custodian worker: stopping after the current batch…");
  await runtime.stop();
  await store.close();
  return EXIT.ok;
}

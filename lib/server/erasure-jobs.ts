import "server-only";
import { registerErasureJobs } from "../erasure/jobs";
import { serverConfig } from "./config";
import { getJobs } from "./jobs";
import { getStore } from "./store";

const holder = globalThis as unknown as { __custodianErasureJobs?: Promise<void> };

/**
 * The erasure queue on the web process's job queue (and its worker and nightly schedule,
 * unless CUSTODIAN_WEB_WORKERS=0), registered once. Called at start (instrumentation) and
 * before "Verify all" enqueues, so the queue exists either way.
 */
export function startErasureJobs(): Promise<void> {
  holder.__custodianErasureJobs ??= Promise.all([getJobs(), getStore()])
    .then(([jobs, store]) =>
      registerErasureJobs(
        jobs.boss,
        { store, config: serverConfig, log: (line) => console.error(`custodian: ${line}`) },
        { work: process.env.CUSTODIAN_WEB_WORKERS !== "0" },
      ),
    )
    .catch((err) => {
      holder.__custodianErasureJobs = undefined;
      throw err;
    });
  return holder.__custodianErasureJobs;
}

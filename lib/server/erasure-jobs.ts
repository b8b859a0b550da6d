import "server-only";
import { getJobs } from "./jobs";

/**
 * The erasure queue, its worker and nightly schedule live on the process's job runtime
 * (lib/jobs/runtime.ts registers them beside sweeps and cleanups, in the web server and in
 * `custodian worker` alike). "Verify all" waits for that runtime before it enqueues.
 */
export async function startErasureJobs(): Promise<void> {
  await getJobs();
}

import "server-only";
import { hostname } from "node:os";
import { env } from "../env";
import { startJobRuntime, type JobRuntime } from "../jobs/runtime";
import { log } from "../log/logger";
import { serverConfig } from "./config";
import { getStore } from "../store/web";

const holder = globalThis as unknown as { __custodianJobs?: Promise<JobRuntime> };

/** The web process's job queue (and, by default, its workers), started once. */
export function getJobs(): Promise<JobRuntime> {
  holder.__custodianJobs ??= getStore()
    .then((store) =>
      startJobRuntime(store, {
        config: serverConfig,
        logger: log().child({ worker: `web:${hostname()}:${process.pid}` }),
        work: env().CUSTODIAN_WEB_WORKERS !== "0",
      }),
    )
    .catch((err) => {
      holder.__custodianJobs = undefined;
      throw err;
    });
  return holder.__custodianJobs;
}

/** Stops the job queue if it was started (SIGTERM): see JobRuntime.stop. */
export async function stopJobs(): Promise<void> {
  const jobs = holder.__custodianJobs;
  if (!jobs) return;
  const runtime = await jobs.catch(() => null);
  await runtime?.stop();
}

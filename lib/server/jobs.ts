import "server-only";
import { startJobRuntime, type JobRuntime } from "../jobs/runtime";
import { serverConfig } from "./config";
import { getStore } from "./store";

const holder = globalThis as unknown as { __custodianJobs?: Promise<JobRuntime> };

/** The web process's job queue (and, by default, its workers), started once. */
export function getJobs(): Promise<JobRuntime> {
  holder.__custodianJobs ??= getStore()
    .then((store) =>
      startJobRuntime(store, {
        config: serverConfig,
        log: (line) => console.error(`custodian: ${line}`),
        work: process.env.CUSTODIAN_WEB_WORKERS !== "0",
      }),
    )
    .catch((err) => {
      holder.__custodianJobs = undefined;
      throw err;
    });
  return holder.__custodianJobs;
}

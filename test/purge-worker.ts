/**
 * A worker process for the purge fault tests: runs one purge job with a pause between
 * batches, so a SIGKILL lands in the middle of a subject. Env: PURGE_CONFIG, PURGE_JOB,
 * DATABASE_URL, CUSTODIAN_DATA_DIR, BATCH_DELAY_MS.
 */
import { loadConfig } from "../lib/config/load";
import { runPurgeJob } from "../lib/softdelete/purge-job";
import { openStore } from "../lib/store/client";

const store = await openStore({ purpose: "purge fault-test worker" });
try {
  const end = await runPurgeJob(store, loadConfig(process.env.PURGE_CONFIG!), process.env.PURGE_JOB!, {
    batchDelayMs: Number(process.env.BATCH_DELAY_MS ?? 0),
    log: (l) => console.error(l),
  });
  console.log(end);
} finally {
  await store.close();
}

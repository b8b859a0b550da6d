/**
 * A worker process for the fault tests: runs one cleanup job with a pause between batches,
 * so a SIGKILL lands in the middle of it. Env: CLEANUP_CONFIG, CLEANUP_JOB, DATABASE_URL,
 * CUSTODIAN_DATA_DIR, BATCH_DELAY_MS.
 */
import { runCleanupJob } from "../lib/cleanup/engine";
import { loadConfig } from "../lib/config/load";
import { openStore } from "../lib/store/client";

const store = await openStore({ purpose: "cleanup fault-test worker" });
try {
  const end = await runCleanupJob(store, loadConfig(process.env.CLEANUP_CONFIG!), process.env.CLEANUP_JOB!, {
    batchDelayMs: Number(process.env.BATCH_DELAY_MS ?? 0),
    log: (l) => console.error(l),
  });
  console.log(end);
} finally {
  await store.close();
}

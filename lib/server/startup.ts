import { sweep } from "../detect/sweep";
import { configHash, knownDeclaredRelations, lastSweep, recordSweep } from "../store/scans";
import { serverConfig } from "./config";
import { getStore } from "./store";

const SWEEP_AT_START_IF_OLDER_MS = 60 * 60 * 1000;

/**
 * Runs once when the web process starts: opens the store (applying migrations) and,
 * unless a sweep ran within the hour, sweeps so the first page shows real numbers.
 */
export async function startup(): Promise<void> {
  const store = await getStore();
  const config = serverConfig();
  const last = await lastSweep(store);
  if (last && Date.now() - last.startedAt.getTime() < SWEEP_AT_START_IF_OLDER_MS) return;
  const started = performance.now();
  const result = await sweep(config, { known: await knownDeclaredRelations(store) });
  await recordSweep(store, result, { trigger: "startup", configHash: configHash(config.file) });
  const failed = result.results.filter((r) => r.error).length;
  console.error(
    `custodian: startup sweep of ${result.results.length} relations in ${Math.round(performance.now() - started)} ms` +
      (failed ? ` (${failed} failed)` : ""),
  );
}

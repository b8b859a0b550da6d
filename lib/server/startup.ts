import { bootstrapAccounts } from "../auth/bootstrap";
import { evidenceKey, keyFingerprint } from "../erasure/signing";
import { getAuth } from "../auth/session";
import { sweepNow } from "../sweeps/run";
import { lastSweep } from "../store/scans";
import { serverConfig } from "./config";
import { isDemo } from "./mode";
import { getStore } from "./store";

const SWEEP_AT_START_IF_OLDER_MS = 60 * 60 * 1000;

/**
 * Runs once when the web process starts: opens the store (applying migrations), makes
 * sure someone can sign in (demo users, the env admin, or a first-admin setup link) and,
 * unless a sweep ran within the hour, sweeps so the first page shows real numbers.
 */
export async function startup(): Promise<void> {
  const store = await getStore();
  const log = (line: string) => console.error(`custodian: ${line}`);
  // made (or read) now, so a bad CUSTODIAN_EVIDENCE_KEY shows at start, not at the first verification
  log(`evidence signing key ${keyFingerprint(evidenceKey().publicKey)} (${evidenceKey().source === "CUSTODIAN_EVIDENCE_KEY" ? "CUSTODIAN_EVIDENCE_KEY" : "data folder"})`);
  // A failure here must not stop the sweep: the pages still show numbers to whoever can sign in.
  await bootstrapAccounts(await getAuth(), store, { demo: isDemo(), log }).catch((err) => log(`account setup failed: ${(err as Error).message}`));
  const config = serverConfig();
  const last = await lastSweep(store);
  if (last && Date.now() - last.startedAt.getTime() < SWEEP_AT_START_IF_OLDER_MS) return;
  const started = performance.now();
  const { result } = await sweepNow(store, config, "startup", { log });
  const failed = result.results.filter((r) => r.error).length;
  console.error(
    `custodian: startup sweep of ${result.results.length} relations in ${Math.round(performance.now() - started)} ms` +
      (failed ? ` (${failed} failed)` : ""),
  );
}

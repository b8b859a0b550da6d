import { env } from "../env";
import { bootstrapAccounts } from "../auth/bootstrap";
import { EvidenceKeyError, keyFingerprint } from "../erasure/signing";
import { signingKey } from "../erasure/store-key";
import { getAuth } from "../auth/session";
import { errorFields, lineSink, log } from "../log/logger";
import { sweepNow } from "../sweeps/run";
import { lastSweep } from "../store/scans";
import { serverConfig } from "./config";
import { clientAddressStamped } from "../auth/client-address-stamp";
import { isDemo } from "./mode";
import { getStore } from "../store/web";
import { keepIdleDriversFor } from "../targets/shared-drivers";
import { REPLAY_DAYS, replayDemoHistory } from "../demo/replay";
import { replayProgress, setReplayProgress } from "../demo/replay-state";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import type { Logger } from "../log/logger";

const SWEEP_AT_START_IF_OLDER_MS = 60 * 60 * 1000;
const IDLE_TARGET_POOL_MS = 5 * 60 * 1000;

/**
 * Runs once when the web process starts: opens the store (applying migrations), makes
 * sure someone can sign in (demo users, the env admin, or a first-admin setup link) and,
 * unless a sweep ran within the hour, starts a sweep so the first pages show real numbers.
 * The sweep (and a fresh demo's month replay before it) runs beside the server, never
 * before it: Next.js serves no request until this returns (a demo's replay takes minutes),
 * and the pages say "first sweep running: 5 of 17 relations" or "replaying the demo's last
 * month: day 12 of 31" meanwhile. Returns the work under way, for whoever wants to wait for it.
 */
export async function startup(): Promise<{ sweep: Promise<void> }> {
  const logger = log().child({ component: "startup" });
  // Pages open targets per request: their connections stay open between requests (within maxConnections).
  keepIdleDriversFor(IDLE_TARGET_POOL_MS);
  env(); // a malformed variable stops the start, named (lib/env.ts)
  if (!clientAddressStamped()) {
    // A bare `next start`: no client address on requests, so sign-in is limited per account only.
    logger.warn(
      "the per-client sign-in limit is off: this server does not stamp client addresses (start it with `npm start` or scripts/serve.ts, not `next start`); sign-in is limited per account only",
    );
  }
  const store = await getStore();
  logger.info(`store open (${store.kind} ${store.location}), migrations applied`);
  // made (or read) now, so a bad, missing or foreign CUSTODIAN_EVIDENCE_KEY shows at start, not at
  // the first verification; the rest of the start goes on (sign-in, sweeps need no key)
  try {
    const key = await signingKey(store);
    logger.info(
      `evidence signing key ${keyFingerprint(key.publicKey)} (${key.source === "CUSTODIAN_EVIDENCE_KEY" ? "CUSTODIAN_EVIDENCE_KEY" : "data folder"})`,
    );
  } catch (err) {
    if (!(err instanceof EvidenceKeyError)) throw err;
    logger.error(`evidence cannot be signed: ${err.message}`);
  }
  // A failure here must not stop the sweep: the pages still show numbers to whoever can sign in.
  await bootstrapAccounts(await getAuth(), store, { demo: isDemo(), log: lineSink(logger) }).catch((err) =>
    logger.error(errorFields(err), "account setup failed"),
  );
  const config = serverConfig();
  // A fresh demo gets its last month of sweeps (its last one now: no startup sweep follows),
  // replayed beside the server like the startup sweep: the pages say how far it is.
  const history = isDemo() ? replayBeside(store, config, logger) : Promise.resolve();
  return { sweep: history.then(() => sweepIfStale(store, config, logger)) };
}

async function replayBeside(store: Store, config: Config, logger: Logger): Promise<void> {
  setReplayProgress({ done: 0, days: REPLAY_DAYS + 1, startedAt: Date.now() });
  logger.info("demo: replaying its last month beside the server (the pages show its progress)");
  try {
    await replayDemoHistory(store, config, {
      log: lineSink(logger),
      onDay: (day) => setReplayProgress({ ...replayProgress()!, done: day + 1 }),
    });
  } catch (err) {
    logger.error(errorFields(err), "demo history failed");
  } finally {
    setReplayProgress(null);
  }
}

/** Unless a sweep ran within the hour, a sweep now; resolves when it ends (its failure is logged, the sweep row says why). */
async function sweepIfStale(store: Store, config: Config, logger: Logger): Promise<void> {
  const last = await lastSweep(store);
  if (last && Date.now() - last.startedAt.getTime() < SWEEP_AT_START_IF_OLDER_MS) return;
  const started = performance.now();
  logger.info("startup sweep started (the pages show its progress)");
  await sweepNow(store, config, "startup", { log: lineSink(logger) }).then(
    ({ sweepId, result }) => {
      const failed = result.results.filter((r) => r.error).length;
      logger.info(
        { sweepId, relations: result.results.length, failed, ms: Math.round(performance.now() - started) },
        `startup sweep of ${result.results.length} relations in ${Math.round(performance.now() - started)} ms` + (failed ? ` (${failed} failed)` : ""),
      );
    },
    // the sweep row says it failed and why; the schedule or "Scan now" sweeps again
    (err) => logger.error(errorFields(err), "startup sweep failed"),
  );
}

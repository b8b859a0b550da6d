import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { configHash, knownDeclaredRelations, recordSweep } from "../store/scans";
import { sweep, type SweepOptions, type SweepResult } from "./sweep";

/** Sweeps every relation and stores the sweep with its scans (failed relations with their error). */
export async function sweepAndRecord(
  store: Store,
  config: Config,
  trigger: string,
  opts: Omit<SweepOptions, "known"> = {},
): Promise<{ sweepId: string; result: SweepResult }> {
  const result = await sweep(config, { ...opts, known: await knownDeclaredRelations(store) });
  const sweepId = await recordSweep(store, result, { trigger, configHash: configHash(config.file) });
  return { sweepId, result };
}

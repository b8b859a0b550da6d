import type { Config } from "../config/types";
import { resolveRelations } from "../relations/resolve";
import type { Relation } from "../relations/types";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { snapshotOf } from "./approval";
import { requestCleanup, type RequestOutcome } from "./jobs";
import { previewCleanup, type CleanupPreview } from "./preview";
import { UserError } from "../errors/user-error";
import { describeNeed } from "../targets/privileges";

export class UnknownRelationForCleanup extends UserError {
  constructor(message: string) {
    super("usage", message);
  }
}

/** The relation by name among those the config and the targets' catalogs define now. */
export async function findRelation(config: Config, pool: TargetPool, name: string): Promise<Relation> {
  const { relations } = await resolveRelations(config, pool);
  const relation = relations.find((r) => r.name === name);
  if (!relation) throw new UnknownRelationForCleanup(`unknown relation "${name}"; known: ${relations.map((r) => r.name).join(", ")}`);
  return relation;
}

export async function previewByName(store: Store, config: Config, name: string): Promise<CleanupPreview> {
  const pool = new TargetPool(config.targets);
  try {
    return await previewCleanup(store, config, pool, await findRelation(config, pool, name));
  } finally {
    await pool.close();
  }
}

/**
 * Previews (the counts the four-eyes rule is judged on) and requests a cleanup job; the
 * caller enqueues it when it is queued (or resumed).
 */
export async function startCleanup(
  store: Store,
  config: Config,
  name: string,
  opts: { requestedBy: string; batchSize?: number },
): Promise<{ outcome: RequestOutcome; preview: CleanupPreview }> {
  const preview = await previewByName(store, config, name);
  // Refused before the job exists: a missing privilege found by the first batch would leave it half done.
  if (preview.eligible > 0 && preview.missingPrivileges.length) {
    throw new UserError(
      "refused",
      `Custodian's database user lacks what this cleanup needs: ${preview.missingPrivileges.map(describeNeed).join("; ")}. Grant it, then preview again.`,
    );
  }
  const outcome = await requestCleanup(store, {
    relation: name,
    action: preview.action,
    requestedBy: opts.requestedBy,
    eligible: preview.eligible,
    scope: preview.scope,
    snapshot: snapshotOf(preview),
    total: preview.walkTotal,
    approvalThreshold: preview.approvalThreshold,
    batchSize: opts.batchSize ?? preview.batchSize,
    // A batch size asked for this job is kept for every batch.
    maxBatchSize: opts.batchSize ?? preview.maxBatchSize,
  });
  return { outcome, preview };
}

import type { Config } from "../config/types";
import { openRelation, orphanKeyStretch } from "../detect/orphan-keys";
import type { Relation } from "../relations/types";
import { sightingKey } from "../sightings/record";
import type { Store } from "../store/client";
import { rowsByKeys } from "../targets/features/rows";
import type { TargetPool } from "../targets/pool";
import { missingPrivileges } from "../targets/privileges";
import { removalScope, removedWithoutApproval } from "./approval";
import { collectDependents } from "./dependents";
import { eligibility } from "./eligibility";
import { describeDependents, planCleanup } from "./plan";
import type { CleanupPreview } from "./preview-result";
import { cleanupNeeds } from "./privileges";
import { plainRow } from "./rows";

export type { CleanupPreview } from "./preview-result";

/** Rows below the orphans are counted for at most this many of them (a sample, said so). */
const DEPENDENT_SAMPLE = 1000;

/** The dry run: what a cleanup would do now, changing nothing. */
export async function previewCleanup(store: Store, config: Config, pool: TargetPool, relation: Relation, now = new Date()): Promise<CleanupPreview> {
  const plan = await planCleanup(config, pool, relation, now);
  const missing = await missingPrivileges(cleanupNeeds(plan));
  const w = await openRelation(relation, pool, now);
  let orphans = 0;
  let inGrace = 0;
  let allowlisted = 0;
  const eligibleKeys: unknown[][] = [];
  let eligible = 0;
  let after: unknown[] | null = null;
  do {
    const stretch = await orphanKeyStretch(w, after, 20_000);
    if (stretch.keys.length) {
      const el = await eligibility(store, relation, stretch.keys, plan.graceDays, now, { fresh: true });
      stretch.keys.forEach((k, i) => {
        const n = stretch.rows[i];
        orphans += n;
        const t = sightingKey(k);
        if (el.allowlisted.has(t)) allowlisted += n;
        else if (el.inGrace.has(t)) inGrace += n;
        else {
          eligible += n;
          if (eligibleKeys.length < DEPENDENT_SAMPLE) eligibleKeys.push(k);
        }
      });
    }
    after = stretch.next;
  } while (after);

  const rows = await rowsByKeys(plan.child, plan.childRef, eligibleKeys, DEPENDENT_SAMPLE);
  const counts = new Map<string, { table: string; policy: string; rows: number }>();
  if (rows.length && plan.dependents.length) {
    // Read-only: the transaction only reads, and SQLite needs one to see a consistent picture too.
    await plan.child.transaction(plan.timeoutMs, async (tx) => {
      const tally = async (work: Awaited<ReturnType<typeof collectDependents>>) => {
        for (const d of work.deletes) add(d.node.target.name, d.node.ref, "cascade", d.rows.length);
        for (const n of work.nulls) add(n.node.target.name, n.node.ref, "set_null", n.rows.length);
      };
      const add = (target: string, ref: { schema: string; table: string }, policy: string, n: number) => {
        const key = `${target}:${ref.schema}.${ref.table}`;
        const c = counts.get(key) ?? { table: key, policy, rows: 0 };
        c.rows += n;
        counts.set(key, c);
      };
      const work = await collectDependents(tx, plan.dependents, rows, false);
      await tally(work);
      for (const d of work.deferred) {
        await d.node.target.transaction(plan.timeoutMs, async (other) =>
          tally(await collectDependents(other, [{ ...d.node, sameTarget: true }], d.parents, false)),
        );
      }
      if (work.blocked.size) add(plan.child.name, plan.childRef, "protected (kept)", work.blocked.size);
    });
  }
  const dependents = [...counts.values()];
  const dependentSampleOf = Math.min(rows.length, eligible);
  const scope = removalScope({ eligible, dependents, dependentSampleOf });
  const earlier = await removedWithoutApproval(store, relation.name, now);
  return {
    relation: relation.name,
    action: plan.action,
    graceDays: plan.graceDays,
    batchSize: plan.batchSize,
    maxBatchSize: plan.maxBatchSize,
    pk: plan.pk,
    keyColumns: [...plan.pk, ...plan.childRef.columns.filter((c) => !plan.pk.includes(c))],
    orphans,
    eligible,
    walkTotal: plan.sameTarget ? orphans : await plan.child.countRows(plan.childRef),
    inGrace,
    allowlisted,
    sample: rows.slice(0, 20).map(plainRow),
    dependents,
    dependentSampleOf,
    dependentTree: describeDependents(plan.dependents),
    cycles: plan.cycles,
    scope,
    approvalThreshold: plan.approvalThreshold,
    removedWithoutApproval: earlier,
    needsApproval: scope > plan.approvalThreshold - earlier,
    missingPrivileges: missing,
  };
}

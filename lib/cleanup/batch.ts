import type { Store } from "../store/client";
import { TargetError } from "../targets/errors";
import { sightingKey } from "../sightings/record";
import { recordApplied, recordIntent, setAside, zeroCounts, type BatchOutcome } from "./batch-steps";
import { deleteByPk, lockStillOrphans, nullColumnsByPk, rowsByPk, rowsReferencing } from "../targets/features/cleanup";
import { missingAmong, nextCandidates, type Candidate, type CandidateReader } from "./candidates";
import { deleteRechecked } from "./direct-delete";
import { runBatchUnderWriteLock } from "./locked-batch";
import { packedIntegerKeys } from "./intent";
import { parentsBackAmong } from "./parents-back";
import { applyDependents, archiveDependents, collectDependents, dependentsOfRemovable, type DependentWork } from "./dependents";
import type { CleanupPlan, DependentNode } from "./plan";
import { jsonRow, pkOf, pkText, type Row } from "./rows";

/**
 * Thrown inside a batch's transaction to roll it back: it would remove more rows than the
 * job may. A TargetError so the target passes it through as it is (it maps any other error).
 */
class OverBudget extends TargetError {
  constructor(
    target: string,
    readonly rows: number,
  ) {
    super("query_failed", target, `the batch would remove ${rows} rows`);
  }
}

/**
 * One batch: the next candidates in primary-key order; those allowlisted or inside the
 * grace period set aside; the intent recorded in the store; then, in one transaction on
 * the child's database, the rows re-checked and locked (still this key, still no live
 * parent), their dependents handled first (FK order), archived if asked, and removed.
 * Dependents in other databases follow once the transaction has committed. A plain delete
 * with no dependents is one DELETE that makes the same checks itself (direct-delete.ts).
 * A batch that would remove (or unlink) more than `budget` rows, the rows below included,
 * changes nothing and says so (overBudget): the four-eyes limit (approval.ts).
 */
export async function runBatch(
  store: Store,
  plan: CleanupPlan,
  job: { id: string; seq: number },
  after: unknown[] | null,
  size: number,
  reader: Pick<CandidateReader, "take"> = { take: (a, n) => nextCandidates(plan, a, n) },
  budget = Infinity,
): Promise<BatchOutcome> {
  if (plan.deleteUnderWriteLock) return runBatchUnderWriteLock(store, plan, job, after, size, budget);
  const counts = zeroCounts();
  // The batch's duration counts from here: finding its candidates is part of its cost.
  const started = performance.now();
  const { rows, examined, cursor } = await reader.take(after, size);
  counts.examined = examined;
  if (!rows.length) return { counts, cursor, wrote: false };

  const eligible = await setAside(store, plan, rows, counts);
  if (!eligible.length) return { counts, cursor, wrote: false };
  if (eligible.length > budget) return { counts: zeroCounts(), cursor: after, wrote: false, overBudget: eligible.length };

  // Full rows, read before the transaction: only what dependents in other databases need
  // (whether they protect these rows, and what they reference, kept in the intent).
  const deferredNodes = plan.dependents.filter((d) => !d.sameTarget);
  const full = deferredNodes.length
    ? await plan.child.query(
        rowsByPk(
          plan.childRef,
          plan.pk,
          eligible.map((r) => r.pk),
        ),
      )
    : [];
  // Cross-database dependents that protect their parent must be asked before the parent goes.
  const crossBlocked = await crossTargetBlocked(
    deferredNodes.filter((d) => d.policy === "protect"),
    full,
  );
  let toApply = crossBlocked.size ? eligible.filter((r) => !crossBlocked.has(pkText(r.pk))) : eligible;
  counts.skippedProtected += eligible.length - toApply.length;

  // The intent: which rows this batch means to change, and what their cross-database dependents
  // reference, packed (intent.ts).
  const fullByPk = new Map(full.map((r) => [pkText(pkOf(r, plan.pk.length)), r]));
  const intent = deferredNodes.length
    ? toApply.map((r) => ({ pk: r.pk.map(String), row: jsonRow(fullByPk.get(pkText(r.pk)) ?? {}) }))
    : (packedIntegerKeys(toApply.map((r) => r.pk)) ?? toApply.map((r) => r.pk.map(String)));
  await recordIntent(store, job, intent, cursor);

  if (!plan.sameTarget) {
    // Across databases no statement can see both sides: ask the parent again, just before the child's transaction.
    const still = await missingAmong(plan, toApply);
    counts.skippedNotOrphan += toApply.length - still.length;
    toApply = still;
  }

  let deferred: { node: DependentNode; parents: Row[] }[] = [];
  if (toApply.length) {
    const parentCheck = plan.sameTarget ? { ref: plan.parentRef, live: plan.child.parentLive("p", plan.softDelete), probe: plan.child.orphanProbe } : undefined;
    const direct = async () => {
      // Nothing to archive, nothing below the child: the DELETE re-checks each row itself.
      const changed = await deleteRechecked(plan, toApply);
      return { locked: changed, blocked: 0, changed, archived: 0, dependentsRemoved: 0, deferred: [] };
    };
    const result = plan.directDelete
      ? await direct()
      : await plan.child
          .transaction(plan.timeoutMs, async (tx) => {
            const found = await tx.query(
              lockStillOrphans({
                child: plan.childRef,
                pk: plan.pk,
                rows: toApply,
                parent: parentCheck,
                forUpdate: plan.child.rowLocks,
                keyLists: plan.child.keyLists,
              }),
            );
            const same = stillSameKey(found, toApply, plan.pk.length, plan.childRef.columns.length);
            // Locked now, so they stay as they are: a parent that came back while the lock was awaited is seen here.
            const keyOf = (r: Row) => plan.childRef.columns.map((c) => r[c]);
            const back = await parentsBackAmong(tx, plan, new Map(same.map((r) => [sightingKey(keyOf(r)), keyOf(r)])));
            const locked = back.size ? same.filter((r) => !back.has(sightingKey(keyOf(r)))) : same;
            const { removable, blocked, work } = await dependentsOfRemovable(tx, plan.dependents, locked, plan.child.rowLocks);
            if (Number.isFinite(budget)) {
              const rows = removable.length + (await rowsBelow(plan, work));
              if (rows > budget) throw new OverBudget(plan.child.name, rows);
            }
            let archived = 0;
            if (plan.action === "archive_then_delete") {
              // Written to the store before the target commits: a crash leaves an archive entry
              // for a row that may still exist (reconciled on resume), never a deleted row without one.
              archived = await archiveRows(store, job.id, plan, removable, 0);
              archived += await archiveDependents(store, job.id, work);
            }
            const dependentsRemoved = await applyDependents(tx, work);
            const pks = removable.map((r) => pkOf(r, plan.pk.length));
            let changed = 0;
            if (pks.length) {
              changed = await tx.execute(
                plan.action === "set_null"
                  ? nullColumnsByPk(plan.childRef, plan.pk, pks, plan.childRef.columns)
                  : deleteByPk(plan.childRef, plan.pk, pks, plan.child.keyLists),
              );
            }
            return { locked: locked.length, blocked: blocked.length, changed, archived, dependentsRemoved, deferred: work.deferred };
          })
          .catch((err) => {
            if (err instanceof OverBudget) return err;
            throw err;
          });
    if (result instanceof OverBudget) {
      // Rolled back: nothing of the batch reached the target; its intent goes, the cursor stays.
      await store.prisma.cleanupBatch.deleteMany({ where: { jobId: job.id, seq: job.seq } });
      return { counts: zeroCounts(), cursor: after, wrote: false, overBudget: result.rows };
    }
    counts.skippedNotOrphan += toApply.length - result.locked;
    counts.skippedProtected += result.blocked;
    counts.archived += result.archived;
    counts.dependentsRemoved += result.dependentsRemoved;
    if (plan.action === "set_null") counts.nulled += result.changed;
    else counts.deleted += result.changed;
    deferred = result.deferred;
  }
  counts.dependentsRemoved += await removeDeferred(store, job.id, plan, deferred);
  await recordApplied(store, job, counts, cursor, performance.now() - started);
  return { counts, cursor, wrote: true };
}

/**
 * Rows a batch's transaction would remove or unlink below its rows, and those its
 * dependents in other databases would lose afterwards (read there, without locks).
 */
async function rowsBelow(plan: CleanupPlan, work: DependentWork): Promise<number> {
  let n = work.deletes.reduce((a, d) => a + d.rows.length, 0) + work.nulls.reduce((a, u) => a + u.rows.length, 0);
  for (const d of work.deferred) {
    if (!d.parents.length) continue;
    n += await d.node.target.transaction(plan.timeoutMs, async (other) => {
      const w = await collectDependents(other, [{ ...d.node, sameTarget: true }], d.parents, false);
      return w.deletes.reduce((a, x) => a + x.rows.length, 0) + w.nulls.reduce((a, u) => a + u.rows.length, 0);
    });
  }
  return n;
}

/**
 * Of the rows found (and locked) by primary key, those whose child key is still the one
 * the batch saw, without the __key aliases: a row re-pointed meanwhile is left alone.
 */
function stillSameKey(found: Row[], seen: Candidate[], pkColumns: number, keyColumns: number): Row[] {
  const keyOf = new Map(seen.map((r) => [pkText(r.pk), pkText(r.key)]));
  const same: Row[] = [];
  for (const row of found) {
    const key = Array.from({ length: keyColumns }, (_, i) => row[`__key${i}`]);
    if (keyOf.get(pkText(pkOf(row, pkColumns))) !== pkText(key)) continue;
    same.push(Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith("__key"))));
  }
  return same;
}

async function archiveRows(store: Store, jobId: string, plan: CleanupPlan, rows: Row[], depth: number): Promise<number> {
  if (!rows.length) return 0;
  await store.prisma.archivedRow.createMany({
    data: rows.map((r) => ({
      jobId,
      target: plan.child.name,
      schema: plan.childRef.schema,
      table: plan.childRef.table,
      pk: pkText(pkOf(r, plan.pk.length)),
      row: jsonRow(r) as object,
      depth,
    })),
    skipDuplicates: true,
  });
  return rows.length;
}

/** Primary keys (as text) of parent rows that a protecting dependent in another database still points at. */
async function crossTargetBlocked(nodes: DependentNode[], parents: Row[]): Promise<Set<string>> {
  const blocked = new Set<string>();
  for (const node of nodes) {
    const tuples = parents.map((p) => node.referenced.map((c) => p[c]));
    const rows = await node.target.query(rowsReferencing(node.ref, node.pk, node.ref.columns, tuples, false));
    for (const r of rows) {
      const parent = parents.find((p) => node.referenced.every((c, i) => String(p[c]) === String(r[node.ref.columns[i]])));
      if (parent)
        blocked.add(
          pkText(
            Object.keys(parent)
              .filter((k) => k.startsWith("__pk"))
              .map((k) => parent[k]),
          ),
        );
    }
  }
  return blocked;
}

/**
 * Dependents in other databases of rows now removed: each in a transaction of its own
 * database, archived first when the job archives. Idempotent: run again after a crash,
 * it finds what is left and removes that.
 */
export async function removeDeferred(store: Store, jobId: string, plan: CleanupPlan, deferred: { node: DependentNode; parents: Row[] }[]): Promise<number> {
  let removed = 0;
  for (const { node, parents } of deferred) {
    if (!parents.length) continue;
    const local = { ...node, sameTarget: true };
    removed += await node.target.transaction(plan.timeoutMs, async (tx) => {
      const work: DependentWork = await collectDependents(tx, [local], parents, node.target.rowLocks);
      if (plan.action === "archive_then_delete") await archiveDependents(store, jobId, work);
      return applyDependents(tx, work);
    });
  }
  return removed;
}

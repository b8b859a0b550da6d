import type { Store } from "../store/client";
import { TargetError } from "../targets/errors";
import { deleteByPk, deleteByPkReturning } from "../targets/features/cleanup";
import { recordApplied, recordIntent, setAside, zeroCounts, type BatchOutcome } from "./batch-steps";
import { candidatesWithinStretch } from "./candidates";
import { packedIntegerKeys } from "./intent";
import type { CleanupPlan } from "./plan";

/**
 * Thrown inside a batch's transaction to roll it back: its DELETE did not remove exactly the
 * rows it read (a key matched under a collation looser than the key's uniqueness, a value
 * that does not come back as it went). A TargetError so the target passes it through as it is.
 */
class NotTheRowsRead extends TargetError {
  constructor(target: string, deleted: number, read: number) {
    super(
      "query_failed",
      target,
      `a batch's DELETE by primary key matched ${deleted < 0 ? "other rows" : `${deleted} rows`}, not exactly the ${read} it read (a key compared under a looser collation, or one that does not round-trip); rolled back`,
    );
  }
}

/**
 * A plain delete's batch where one transaction can hold every write of the child's database
 * (SQLite: plan.deleteUnderWriteLock). The candidates are read inside that transaction,
 * after it has taken the write lock, so no writer, in this process or another, can change
 * a row or a parent before it commits: the rows it read as orphans are still orphans, with
 * the same keys, when the DELETE runs. The DELETE is then by primary key alone, with none of
 * the per-row re-checks (still this key, still no live parent) a batch needs where its read
 * and its write are apart: on SQLite those re-checks cost more than the delete itself
 * (bench:cleanup). It hands back what it deleted, which must be exactly the rows read, or
 * nothing of the batch commits.
 *
 * While it runs, other writers of the file wait for it. So its read is bounded by the rows it
 * walks (candidatesWithinStretch), not by the orphans it finds, and the batch's time by the
 * engine's sizing; the store's writes (the rows set aside, the intent) happen under the lock.
 * The order of runBatch is kept: the rows set aside (grace, allowlist), the four-eyes budget,
 * the intent recorded in the store before the target is touched, the outcome after the commit.
 */
export async function runBatchUnderWriteLock(
  store: Store,
  plan: CleanupPlan,
  job: { id: string; seq: number },
  after: unknown[] | null,
  size: number,
  budget: number,
): Promise<BatchOutcome> {
  const started = performance.now();
  const counts = zeroCounts();
  let intended = false;
  const outcome = await plan.child
    .transactionHoldingWrites(plan.timeoutMs, async (tx): Promise<BatchOutcome> => {
      // Inside the transaction (the target's statements in this async context run in it).
      const { rows, examined, cursor } = await candidatesWithinStretch(plan, after, size);
      counts.examined = examined;
      if (!rows.length) return { counts, cursor, wrote: false };
      const eligible = await setAside(store, plan, rows, counts);
      if (!eligible.length) return { counts, cursor, wrote: false };
      if (eligible.length > budget) return { counts: zeroCounts(), cursor: after, wrote: false, overBudget: eligible.length };
      const pks = eligible.map((r) => r.pk);
      await recordIntent(store, job, packedIntegerKeys(pks) ?? pks.map((pk) => pk.map(String)), cursor);
      intended = true;
      // Integers compare exactly under any collation or affinity, and a unique key holds each
      // once: for them the count says the DELETE removed exactly the rows read. Any other key
      // (text under a collation looser than its uniqueness, a value that does not round-trip)
      // is checked row by row against what the DELETE hands back.
      const deleted = pks.every((pk) => pk.every((v) => typeof v === "bigint"))
        ? await tx.execute(deleteByPk(plan.childRef, plan.pk, pks, plan.child.keyLists))
        : await deletedExactly(await tx.query(deleteByPkReturning(plan.childRef, plan.pk, pks, plan.child.keyLists)), pks);
      if (deleted !== pks.length) throw new NotTheRowsRead(plan.child.name, deleted, pks.length);
      counts.deleted = deleted;
      return { counts, cursor, wrote: true };
    })
    .catch(async (err: unknown) => {
      // Rolled back, so nothing of it happened: its intent goes now, rather than be read by
      // reconcile, which could not look up the keys that made it fail and would count them gone.
      if (err instanceof NotTheRowsRead && intended) await store.prisma.cleanupBatch.deleteMany({ where: { jobId: job.id, seq: job.seq } });
      throw err;
    });
  if (outcome.wrote) await recordApplied(store, job, counts, outcome.cursor, performance.now() - started);
  return outcome;
}

/** How many rows the DELETE handed back (primary keys as p0…) when they are exactly these keys, each of its own type; -1 otherwise. */
function deletedExactly(returned: Record<string, unknown>[], pks: unknown[][]): number {
  if (returned.length !== pks.length) return -1;
  const typed = (v: unknown) => (Buffer.isBuffer(v) ? `blob:${v.toString("hex")}` : `${typeof v}:${String(v)}`);
  const text = (values: unknown[]) => (values.length === 1 ? typed(values[0]) : values.map(typed).join("\u0000"));
  const asked = new Set(pks.map(text));
  return returned.every((r) => asked.delete(text(pks[0].map((_, i) => r[`p${i}`])))) ? returned.length : -1;
}

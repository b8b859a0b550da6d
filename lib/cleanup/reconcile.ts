import type { Store } from "../store/client";
import { existingPks } from "../targets/features/cleanup";
import { removeDeferred } from "./batch";
import { increments, zeroCounts } from "./batch-steps";
import type { CleanupPlan } from "./plan";
import { unpackIntent } from "./intent";
import { pkText } from "./rows";

/**
 * A batch left "applying" by a crash or a failed commit: the store knows what it meant to
 * change, the target knows what happened. Its transaction either committed or not:
 * - nothing of it happened (rolled back, or never reached the target): the intent is
 *   dropped and the job's position stays, so the same rows are tried again;
 * - it committed (even if the client never heard so): rows gone (or unlinked, for
 *   set_null) are counted once, the ones still there were spared by the re-check, the
 *   dependents in other databases of the rows that went are removed now (idempotent),
 *   and the job moves past the batch. A batch is never applied a second time.
 * Returns true when it settled a batch.
 */
export async function reconcilePending(store: Store, plan: CleanupPlan, jobId: string): Promise<boolean> {
  // The engine settles each batch before the next, so there is at most one.
  const pending = await store.prisma.cleanupBatch.findFirst({ where: { jobId, status: "applying" }, orderBy: { seq: "asc" } });
  if (!pending) return false;
  const intents = unpackIntent(pending.keys);
  const present = intents.length
    ? await plan.child.query(
        existingPks(
          plan.childRef,
          plan.pk,
          intents.map((i) => i.pk),
          plan.childRef.columns,
        ),
      )
    : [];
  const still = new Map(present.map((r) => [pkText(plan.pk.map((_, i) => r[`p${i}`])), plan.childRef.columns.map((_, i) => r[`k${i}`])]));
  const done = intents.filter((i) => {
    const key = still.get(pkText(i.pk));
    return plan.action === "set_null" ? key !== undefined && key.every((v) => v == null) : key === undefined;
  });
  if (done.length === 0) {
    await store.prisma.$transaction([
      store.prisma.archivedRow.deleteMany({
        where: { jobId, depth: 0, target: plan.child.name, table: plan.childRef.table, pk: { in: intents.map((i) => pkText(i.pk)) } },
      }),
      store.prisma.cleanupBatch.delete({ where: { id: pending.id } }),
    ]);
    return true;
  }
  const counts = zeroCounts();
  if (plan.action === "set_null") counts.nulled = done.length;
  else counts.deleted = done.length;
  counts.skippedNotOrphan = intents.length - done.length;
  if (plan.action === "archive_then_delete") {
    const kept = intents.filter((i) => still.has(pkText(i.pk))).map((i) => pkText(i.pk));
    if (kept.length)
      await store.prisma.archivedRow.deleteMany({ where: { jobId, depth: 0, target: plan.child.name, table: plan.childRef.table, pk: { in: kept } } });
    counts.archived = done.length;
  }
  // Intents carry the row only when the plan had dependents in other databases.
  const gone = done.flatMap((i) => (i.row ? [i.row] : []));
  counts.dependentsRemoved = await removeDeferred(
    store,
    jobId,
    plan,
    plan.dependents.filter((d) => !d.sameTarget).map((node) => ({ node, parents: gone })),
  );
  const cursor = pending.cursorTo as string[];
  await store.prisma.$transaction([
    store.prisma.cleanupBatch.update({ where: { id: pending.id }, data: { status: "applied", deleted: done.length } }),
    store.prisma.cleanupJob.update({ where: { id: jobId }, data: { ...increments(counts), batches: { increment: 1 }, cursor } }),
  ]);
  return true;
}

import type { Config } from "../config/types";
import { openRelation } from "../detect/orphan-keys";
import { resolveRelations } from "../relations/resolve";
import type { Relation } from "../relations/types";
import { TargetError } from "../targets/errors";
import { typeFamily } from "../targets/keys";
import type { TargetPool } from "../targets/pool";
import type { ColumnsRef, LiveKeysAsker, ParentSoftDelete, Target } from "../targets/types";
import { dependentTree, type DependentPolicy } from "../relations/graph";
import { openDependents, primaryKeyOf, type DependentNode } from "../relations/dependents";

export type CleanupAction = "delete" | "archive_then_delete" | "set_null";
export type { DependentNode, DependentPolicy };

export interface CleanupPlan {
  relation: Relation;
  child: Target;
  parent: Target;
  /** The child's key columns (the reference) and the parent's. */
  childRef: ColumnsRef;
  parentRef: ColumnsRef;
  softDelete?: ParentSoftDelete;
  /** The child's primary key: batches walk it in order. */
  pk: string[];
  sameTarget: boolean;
  action: CleanupAction;
  /** The first batch's rows. */
  batchSize: number;
  /** Batches grow up to this while they stay quick (≥ batchSize). */
  maxBatchSize: number;
  graceDays: number;
  /** More rows than this (the rows below included) need a second person's approval. */
  approvalThreshold: number;
  timeoutMs: number;
  dependents: DependentNode[];
  /** Reference cycles found below the child table, described; their edges are not followed. */
  cycles: string[];
  /**
   * A batch is one DELETE that re-checks its rows itself (direct-delete.ts) instead of
   * locking and checking them first: a plain delete with nothing below the child, integer
   * keys (compared exactly in every dialect; a text key compares under its collation, where
   * 'ABC' may equal the 'abc' the batch saw), and a child that is not its own parent.
   * Where the DELETE re-checks a row it waited for against an older snapshot (PostgreSQL),
   * the parents are asked again after it (parentsAgain).
   */
  directDelete: boolean;
  /**
   * A batch reads its candidates and deletes them inside one transaction that holds every
   * write of the child's database (locked-batch.ts): a plain delete with nothing below the
   * child, inside one database that has one writer (SQLite: Target.writesHeldByTransaction).
   * Nothing can change between the read and the DELETE, so the DELETE re-checks nothing.
   */
  deleteUnderWriteLock: boolean;
  /**
   * Where a statement that waited for a row lock re-checks that row in the snapshot it
   * started with (PostgreSQL: Target.deleteRechecksLatest), the parents of what a batch
   * deleted or locked are asked again inside its transaction (parents-back.ts): null elsewhere.
   */
  parentsAgain: LiveKeysAsker | null;
}

/** Everything a cleanup of one relation needs to know before its first batch. */
export async function planCleanup(config: Config, pool: TargetPool, relation: Relation, now = new Date()): Promise<CleanupPlan> {
  const w = await openRelation(relation, pool, now);
  const pk = await primaryKeyOf(w.child, w.childRef);
  const action: CleanupAction = relation.config?.cleanup?.action ?? "delete";
  if (action === "set_null") {
    const columns = await w.child.columns();
    const notNull = w.childRef.columns.filter(
      (c) => columns.find((x) => x.schema === w.childRef.schema && x.table === w.childRef.table && x.column === c)?.nullable === false,
    );
    if (notNull.length)
      throw new TargetError(
        "query_failed",
        w.child.name,
        `set_null needs nullable key columns; ${notNull.join(", ")} ${notNull.length > 1 ? "are" : "is"} NOT NULL in ${w.childRef.table}`,
      );
  }
  const { relations } = await resolveRelations(config, pool);
  // set_null keeps the child row: nothing that points at it loses its parent.
  const tree = action === "set_null" ? { nodes: [], cycles: [] } : dependentTree(relations, { target: relation.child.target, ...w.childRef });
  const dependents = await openDependents(pool, tree.nodes);
  const keyTypes = await w.child.columnTypes(w.childRef);
  const ownParent = w.child === w.parent && w.childRef.schema === w.parentRef.schema && w.childRef.table === w.parentRef.table;
  const directDelete = action === "delete" && dependents.length === 0 && !ownParent && keyTypes.every((t) => typeFamily(t) === "integer");
  return {
    relation,
    child: w.child,
    parent: w.parent,
    childRef: w.childRef,
    parentRef: w.parentRef,
    softDelete: w.softDelete,
    pk,
    sameTarget: w.child === w.parent,
    action,
    ...batchSizes(config, relation),
    graceDays: relation.config?.cleanup?.graceDays ?? config.cleanup.graceDays,
    approvalThreshold: relation.config?.cleanup?.approvalThreshold ?? config.cleanup.approvalThreshold,
    timeoutMs: config.cleanup.statementTimeoutMs,
    dependents,
    cycles: tree.cycles,
    directDelete,
    deleteUnderWriteLock: action === "delete" && dependents.length === 0 && w.child === w.parent && w.child.writesHeldByTransaction,
    parentsAgain: w.child === w.parent && !w.child.deleteRechecksLatest ? await w.parent.liveKeysWithin(w.parentRef, w.softDelete) : null,
  };
}

/** A relation that names its batch size keeps it, unless it names a maximum too; otherwise the defaults'. */
export function batchSizes(config: Config, relation: Relation): { batchSize: number; maxBatchSize: number } {
  const own = relation.config?.cleanup;
  const batchSize = own?.batchSize ?? config.cleanup.batchSize;
  const max = own?.maxBatchSize ?? (own?.batchSize != null ? own.batchSize : config.cleanup.maxBatchSize);
  return { batchSize, maxBatchSize: Math.max(batchSize, max) };
}

/** The dependent tree as people read it: "shop.payments (cascade) ← shop.orders". */
export function describeDependents(nodes: DependentNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [
    `${"  ".repeat(depth)}${n.target.name}:${n.ref.schema}.${n.ref.table}(${n.ref.columns.join(", ")}) — ${n.policy}${n.sameTarget ? "" : " (another database)"}`,
    ...describeDependents(n.children, depth + 1),
  ]);
}

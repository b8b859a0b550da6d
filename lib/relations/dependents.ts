import { isTargetError, TargetError } from "../targets/errors";
import type { TargetPool } from "../targets/pool";
import type { ColumnsRef, TableRef, Target } from "../targets/types";
import type { DependentPolicy, RelationNode } from "./graph";

/** A database below a table that could not be opened now: named, with why. */
export interface UnreachableTarget {
  name: string;
  unreachable: TargetError;
}

/** A node of the dependent tree with its database opened: what cleanups and purges act on. */
export interface DependentNode<T extends Target | UnreachableTarget = Target> {
  relation: string;
  target: T;
  /** The dependent table and its columns that point at the parent's `referenced` columns. */
  ref: ColumnsRef;
  referenced: string[];
  /** Empty for a table in an unreachable database. */
  pk: string[];
  policy: DependentPolicy;
  /** In the same database as the rows it depends on: handled in the same transaction. */
  sameTarget: boolean;
  children: DependentNode<T>[];
}

export const isUnreachable = (t: Target | UnreachableTarget): t is UnreachableTarget => "unreachable" in t;

/** The primary key of a table, else the key every row has without one (SQLite's rowid). A table with neither cannot be cleaned in keyset batches. */
export async function primaryKeyOf(target: Target, table: TableRef): Promise<string[]> {
  const pk = (await target.uniqueKeys()).find((k) => k.primary && k.schema === table.schema && k.table === table.table);
  if (pk) return pk.columns;
  if (target.implicitRowKey) return [target.implicitRowKey];
  throw new TargetError("query_failed", target.name, `${table.schema}.${table.table} has no primary key: a cleanup walks the primary key in batches`);
}

async function open(pool: TargetPool, n: RelationNode): Promise<{ target: Target; pk: string[] }> {
  const target = await pool.get(n.relation.child.target);
  return { target, pk: await primaryKeyOf(target, n.ref) };
}

const opened = <T extends Target | UnreachableTarget>(n: RelationNode, target: T, pk: string[], children: DependentNode<T>[]): DependentNode<T> => ({
  relation: n.relation.name,
  target,
  ref: n.ref,
  referenced: n.referenced,
  pk,
  policy: n.policy,
  sameTarget: n.sameTarget,
  children,
});

/** Opens every database of the tree; one that cannot be opened fails the whole (a cleanup needs them all). */
export async function openDependents(pool: TargetPool, nodes: RelationNode[]): Promise<DependentNode[]> {
  const out: DependentNode[] = [];
  for (const n of nodes) {
    const { target, pk } = await open(pool, n);
    out.push(opened(n, target, pk, await openDependents(pool, n.children)));
  }
  return out;
}

/**
 * Opens every database of the tree, keeping one that cannot be reached now as an
 * UnreachableTarget without what is below it: a purge marks what it can and leaves that
 * database's step failed, to be retried, instead of not starting at all.
 */
export async function openDependentsReachable(pool: TargetPool, nodes: RelationNode[]): Promise<DependentNode<Target | UnreachableTarget>[]> {
  const out: DependentNode<Target | UnreachableTarget>[] = [];
  for (const n of nodes) {
    try {
      const { target, pk } = await open(pool, n);
      out.push(opened<Target | UnreachableTarget>(n, target, pk, await openDependentsReachable(pool, n.children)));
    } catch (err) {
      if (!isTargetError(err) || err.kind !== "unreachable") throw err;
      out.push(opened<Target | UnreachableTarget>(n, { name: n.relation.child.target, unreachable: err }, [], []));
    }
  }
  return out;
}

/** The opened database, or the error that it could not be opened with (where a step would have used it). */
export function reachable(t: Target | UnreachableTarget): Target {
  if (isUnreachable(t)) throw t.unreachable;
  return t;
}

import type { Store } from "../store/client";
import { deleteByPk, nullColumnsByPk, rowsReferencing } from "../targets/features/cleanup";
import type { TargetTransaction } from "../targets/types";
import type { DependentNode } from "./plan";
import { jsonRow, pkOf, pkText, type Row } from "./rows";

/** What one transaction will do to the rows below the ones it removes, deepest first. */
export interface DependentWork {
  deletes: { node: DependentNode; rows: Row[]; depth: number }[];
  nulls: { node: DependentNode; rows: Row[] }[];
  /** Dependents in other databases, handled after this transaction commits. */
  deferred: { node: DependentNode; parents: Row[] }[];
  /** Indexes (into the parent rows) that something protects: they must stay. */
  blocked: Set<number>;
}

/**
 * Walks the dependents of `parents` inside one transaction: cascade collects rows to
 * remove (their own dependents first), set_null rows to unlink, protect blocks the parent.
 * A parent blocked anywhere below keeps its whole subtree.
 */
export async function collectDependents(tx: TargetTransaction, nodes: DependentNode[], parents: Row[], rowLocks: boolean, depth = 1): Promise<DependentWork> {
  const work: DependentWork = { deletes: [], nulls: [], deferred: [], blocked: new Set() };
  for (const node of nodes) {
    if (!node.sameTarget) {
      work.deferred.push({ node, parents });
      continue;
    }
    const tuples = parents.map((p) => node.referenced.map((c) => p[c]));
    const rows = await tx.query(rowsReferencing(node.ref, node.pk, node.ref.columns, tuples, rowLocks));
    if (rows.length === 0) continue;
    const parentOf = (row: Row) => parents.findIndex((p) => node.referenced.every((c, i) => String(p[c]) === String(row[node.ref.columns[i]])));
    if (node.policy === "protect") {
      for (const r of rows) work.blocked.add(parentOf(r));
      continue;
    }
    if (node.policy === "set_null") {
      work.nulls.push({ node, rows });
      continue;
    }
    const below = await collectDependents(tx, node.children, rows, rowLocks, depth + 1);
    // a dependent row something protects blocks its parent (the caller walks again without it)
    for (const i of below.blocked) work.blocked.add(parentOf(rows[i]));
    work.deletes.push(...below.deletes, { node, rows, depth });
    work.nulls.push(...below.nulls);
    work.deferred.push(...below.deferred);
  }
  return work;
}

/**
 * The dependents of the rows that can go: a protected row anywhere below blocks its root,
 * and a second walk over the unblocked roots alone collects exactly their subtrees.
 */
export async function dependentsOfRemovable(
  tx: TargetTransaction,
  nodes: DependentNode[],
  roots: Row[],
  rowLocks: boolean,
): Promise<{ removable: Row[]; blocked: Row[]; work: DependentWork }> {
  const first = await collectDependents(tx, nodes, roots, rowLocks);
  if (first.blocked.size === 0) return { removable: roots, blocked: [], work: first };
  const removable = roots.filter((_, i) => !first.blocked.has(i));
  const blocked = roots.filter((_, i) => first.blocked.has(i));
  return { removable, blocked, work: await collectDependents(tx, nodes, removable, rowLocks) };
}

/** Archives the dependents about to be removed (before they are), depth-tagged for restoring in order. */
export async function archiveDependents(store: Store, jobId: string, work: DependentWork): Promise<number> {
  const data = work.deletes.flatMap((d) =>
    d.rows.map((r) => ({
      jobId,
      target: d.node.target.name,
      schema: d.node.ref.schema,
      table: d.node.ref.table,
      pk: pkText(pkOf(r, d.node.pk.length)),
      row: jsonRow(r) as object,
      depth: d.depth,
    })),
  );
  if (!data.length) return 0;
  await store.prisma.archivedRow.createMany({ data, skipDuplicates: true });
  return data.length;
}

/** Applies the collected work in the transaction: unlink, then remove deepest first. Returns rows removed or unlinked. */
export async function applyDependents(tx: TargetTransaction, work: DependentWork): Promise<number> {
  let n = 0;
  for (const u of work.nulls) {
    if (u.rows.length)
      n += await tx.execute(
        nullColumnsByPk(
          u.node.ref,
          u.node.pk,
          u.rows.map((r) => pkOf(r, u.node.pk.length)),
          u.node.ref.columns,
        ),
      );
  }
  for (const d of [...work.deletes].sort((a, b) => b.depth - a.depth)) {
    if (d.rows.length)
      n += await tx.execute(
        deleteByPk(
          d.node.ref,
          d.node.pk,
          d.rows.map((r) => pkOf(r, d.node.pk.length)),
        ),
      );
  }
  return n;
}

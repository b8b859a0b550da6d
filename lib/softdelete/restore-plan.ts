import type { Config } from "../config/types";
import { reachable, type DependentNode, type UnreachableTarget } from "../relations/dependents";
import type { Target } from "../targets/types";
import type { PathLink } from "../targets/features/softdelete";
import { softDeleteConfigOf, type SoftDeleteTable } from "./tables";

/** A table below the subject whose rows come back with it: those stamped in the same cascade. */
export interface RestoreNode {
  node: DependentNode<Target | UnreachableTarget>;
  path: PathLink[];
  depth: number;
  /** The column cleared on restore. */
  stamp: string;
  label: string;
}

/**
 * The tables a restore looks at, deepest first: every table in the subject's database that
 * references it (transitively) and has the soft-delete column (its own `softDelete:` entry's,
 * or the subject's column name). Same cascade means the same stamp as the subject on every
 * row along the way, or the same cascade id when the config names one. A table without the
 * column was not soft-deleted, so nothing below it is either.
 */
export async function restoreNodes(config: Config, sd: SoftDeleteTable): Promise<RestoreNode[]> {
  const columns = await sd.target.columns();
  const has = (n: DependentNode<Target | UnreachableTarget>, c: string) =>
    columns.some((x) => x.schema === n.ref.schema && x.table === n.ref.table && x.column === c);
  const defaultSchema = await sd.target.defaultSchema();
  const out: RestoreNode[] = [];
  const walk = (nodes: DependentNode<Target | UnreachableTarget>[], prefix: PathLink[], depth: number) => {
    for (const node of nodes) {
      if (node.target.name !== sd.target.name) continue; // another database: its own transaction, not restored here
      const stamp = softDeleteConfigOf(config, node.target.name, node.ref, defaultSchema)?.column ?? sd.column;
      const match = sd.config.cascadeId ?? stamp;
      if (!has(node, stamp) || !has(node, match)) continue;
      const path = [...prefix, { ref: node.ref, referenced: node.referenced, stamp: match }];
      out.push({ node, path, depth, stamp, label: `${node.ref.schema}.${node.ref.table} (${node.ref.columns.join(", ")})` });
      walk(node.children, path, depth + 1);
    }
  };
  walk(sd.dependents, [], 1);
  return out.sort((a, b) => b.depth - a.depth);
}

/**
 * A table in another database below the subject: one that references the subject itself,
 * or one below such a table in that same database. Restored in a transaction of its own
 * database, deepest first.
 */
export interface CrossRestoreNode {
  node: DependentNode<Target | UnreachableTarget>;
  /** From the table that references the subject down to this one, all in `node.target`; each link's `stamp` is matched against the subject's. */
  path: PathLink[];
  depth: number;
  stamp: string;
  label: string;
}

/**
 * Tables of other databases whose rows reference the subject and carry a soft-delete
 * column, with the tables below them in their own database that carry one too (a table
 * without it was not soft-deleted, so nothing below it is either). A database that cannot
 * be reached now is listed with why.
 */
export async function crossRestoreNodes(
  config: Config,
  sd: SoftDeleteTable,
): Promise<{ nodes: CrossRestoreNode[]; unreachable: { label: string; error: string }[] }> {
  const nodes: CrossRestoreNode[] = [];
  const unreachable: { label: string; error: string }[] = [];
  const labelOf = (n: DependentNode<Target | UnreachableTarget>) => `${n.target.name}:${n.ref.schema}.${n.ref.table} (${n.ref.columns.join(", ")})`;
  for (const top of sd.dependents.filter((n) => n.target.name !== sd.target.name)) {
    try {
      const target = reachable(top.target);
      const columns = await target.columns();
      const defaultSchema = await target.defaultSchema();
      const has = (n: DependentNode<Target | UnreachableTarget>, c: string) =>
        columns.some((x) => x.schema === n.ref.schema && x.table === n.ref.table && x.column === c);
      const walk = (n: DependentNode<Target | UnreachableTarget>, prefix: PathLink[], depth: number) => {
        if (n.target.name !== top.target.name) return; // a third database: only what references the subject itself
        const stamp = softDeleteConfigOf(config, n.target.name, n.ref, defaultSchema)?.column ?? sd.column;
        const match = sd.config.cascadeId ?? stamp;
        if (!has(n, stamp) || !has(n, match)) return;
        const path = [...prefix, { ref: n.ref, referenced: n.referenced, stamp: match }];
        nodes.push({ node: n, path, depth, stamp, label: labelOf(n) });
        for (const c of n.children) walk(c, path, depth + 1);
      };
      walk(top, [], 1);
    } catch (err) {
      unreachable.push({ label: labelOf(top), error: (err as Error).message });
    }
  }
  return { nodes, unreachable };
}

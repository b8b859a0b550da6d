import type { Config } from "../config/types";
import type { DependentNode } from "../cleanup/plan";
import type { PathLink } from "../targets/softdelete";
import { softDeleteConfigOf, type SoftDeleteTable } from "./tables";

/** A table below the subject whose rows come back with it: those stamped in the same cascade. */
export interface RestoreNode {
  node: DependentNode;
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
  const has = (n: DependentNode, c: string) => columns.some((x) => x.schema === n.ref.schema && x.table === n.ref.table && x.column === c);
  const defaultSchema = await sd.target.defaultSchema();
  const out: RestoreNode[] = [];
  const walk = (nodes: DependentNode[], prefix: PathLink[], depth: number) => {
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

/** A table in another database that references the subject itself: restored in a transaction of its own database. */
export interface CrossRestoreNode {
  node: DependentNode;
  stamp: string;
  label: string;
}

/**
 * Tables of other databases whose rows reference the subject directly and carry a
 * soft-delete column. A database that cannot be reached now is listed with why.
 */
export async function crossRestoreNodes(config: Config, sd: SoftDeleteTable): Promise<{ nodes: CrossRestoreNode[]; unreachable: { label: string; error: string }[] }> {
  const nodes: CrossRestoreNode[] = [];
  const unreachable: { label: string; error: string }[] = [];
  for (const node of sd.dependents.filter((n) => n.target.name !== sd.target.name)) {
    const label = `${node.target.name}:${node.ref.schema}.${node.ref.table} (${node.ref.columns.join(", ")})`;
    try {
      const columns = await node.target.columns();
      const stamp = softDeleteConfigOf(config, node.target.name, node.ref, await node.target.defaultSchema())?.column ?? sd.column;
      const match = sd.config.cascadeId ?? stamp;
      const has = (c: string) => columns.some((x) => x.schema === node.ref.schema && x.table === node.ref.table && x.column === c);
      if (has(stamp) && has(match)) nodes.push({ node, stamp, label });
    } catch (err) {
      unreachable.push({ label, error: (err as Error).message });
    }
  }
  return { nodes, unreachable };
}

import type { ColumnsRef } from "../targets/types";
import type { Endpoint, Relation } from "./types";

/**
 * The one relation graph: which relations point at a table, and the trees and orders built
 * from that. Cleanups, purges and erasure verification all read the fleet through it, so
 * they agree on what lies below a table and name tables the same way. Pure: no database.
 */

/** A table somewhere in the fleet. */
export interface TableNode {
  target: string;
  schema: string;
  table: string;
}

/** The one key of a table in maps and paths (NUL-separated: names may contain ':' and '.'). */
export const tableKey = (t: TableNode) => `${t.target}\u0000${t.schema}\u0000${t.table}`;

/** How people read a table's name: "shop:public.orders". */
export const tableLabel = (t: TableNode) => `${t.target}:${t.schema}.${t.table}`;

export function node(e: Endpoint | TableNode): TableNode {
  return { target: e.target, schema: e.schema, table: e.table };
}

export function sameTable(a: TableNode, b: TableNode): boolean {
  return a.target === b.target && a.schema === b.schema && a.table === b.table;
}

/** The relations that point at each table (by tableKey of their parent). */
export function referencingIndex(relations: Relation[]): Map<string, Relation[]> {
  const index = new Map<string, Relation[]>();
  for (const r of relations) {
    const k = tableKey(r.parent);
    index.set(k, [...(index.get(k) ?? []), r]);
  }
  return index;
}

export type DependentPolicy = "cascade" | "set_null" | "protect";

/** A table whose rows reference the rows above it, with what happens to them when those go. */
export interface RelationNode {
  relation: Relation;
  /** The dependent table and its columns that point at the parent's `referenced` columns. */
  ref: ColumnsRef;
  referenced: string[];
  policy: DependentPolicy;
  /** In the same database as the rows it depends on. */
  sameTarget: boolean;
  /** Only a cascading dependent has children: one that stays (set_null, protect) leaves what is below it alone. */
  children: RelationNode[];
}

export interface DependentTree {
  nodes: RelationNode[];
  /** Reference cycles found below the root, described; their edges are not followed. */
  cycles: string[];
}

/** Every table that references `root`, transitively and across targets, as a tree in FK order. */
export function dependentTree(relations: Relation[], root: TableNode): DependentTree {
  const index = referencingIndex(relations);
  const cycles: string[] = [];
  const below = (table: TableNode, path: TableNode[]): RelationNode[] =>
    (index.get(tableKey(table)) ?? []).flatMap((r) => {
      const here = node(r.child);
      const back = path.findIndex((t) => sameTable(t, here));
      if (back >= 0) {
        cycles.push(`${[...path.slice(back), here].map(tableLabel).join(" → ")} (via ${r.name})`);
        return [];
      }
      const policy: DependentPolicy = r.config?.cleanup?.onParentRemoved ?? "cascade";
      return [
        {
          relation: r,
          ref: { schema: r.child.schema, table: r.child.table, columns: r.child.columns },
          referenced: r.parent.columns,
          policy,
          sameTarget: r.child.target === table.target,
          children: policy === "cascade" ? below(here, [...path, here]) : [],
        },
      ];
    });
  return { nodes: below(root, [node(root)]), cycles };
}

export interface SubjectGraph {
  /** Reachable tables, parents before their children; the subject's table first. */
  order: TableNode[];
  /** The relations followed into each table (by tableKey), each from a table earlier in `order`. */
  incoming: Map<string, Relation[]>;
  /**
   * Relations left out because they lead back into a table already on the path (a comment
   * replying to a comment): a row reached only that way belongs to whoever wrote it.
   */
  cycles: Relation[];
}

/**
 * Every table that reaches the subject's table through relations (child → parent),
 * transitively and across targets, ordered so that each table comes after all the tables
 * it is reached from. Relations that would close a cycle are set aside.
 */
export function subjectGraph(subject: TableNode, relations: Relation[]): SubjectGraph {
  const children = referencingIndex(relations);
  // Depth-first from the subject: an edge into a table on the current path is a back edge.
  const state = new Map<string, "open" | "done">();
  const postorder: TableNode[] = [];
  const cycles: Relation[] = [];
  const kept: Relation[] = [];
  const visit = (t: TableNode) => {
    const k = tableKey(t);
    state.set(k, "open");
    for (const r of children.get(k) ?? []) {
      const c = node(r.child);
      const s = state.get(tableKey(c));
      if (s === "open") {
        cycles.push(r);
        continue;
      }
      kept.push(r);
      if (!s) visit(c);
    }
    state.set(k, "done");
    postorder.push(t);
  };
  visit(subject);
  const order = postorder.reverse();
  const incoming = new Map<string, Relation[]>();
  for (const r of kept) {
    const k = tableKey(r.child);
    incoming.set(k, [...(incoming.get(k) ?? []), r]);
  }
  return { order, incoming, cycles };
}

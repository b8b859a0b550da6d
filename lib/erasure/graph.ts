import type { Endpoint, Relation } from "../relations/types";

/** A table somewhere in the fleet. */
export interface TableNode {
  target: string;
  schema: string;
  table: string;
}

export const tableKey = (t: TableNode) => `${t.target}\u0000${t.schema}\u0000${t.table}`;

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
  const children = new Map<string, Relation[]>();
  for (const r of relations) {
    const k = tableKey(node(r.parent));
    children.set(k, [...(children.get(k) ?? []), r]);
  }
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
    const k = tableKey(node(r.child));
    incoming.set(k, [...(incoming.get(k) ?? []), r]);
  }
  return { order, incoming, cycles };
}

export function node(e: Endpoint | TableNode): TableNode {
  return { target: e.target, schema: e.schema, table: e.table };
}

export function sameTable(a: TableNode, b: TableNode): boolean {
  return a.target === b.target && a.schema === b.schema && a.table === b.table;
}

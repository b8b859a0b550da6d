import type { Relation } from "../relations/types";
import type { Privilege } from "../targets/privileges";

/** A table some relation reads or cleans up, with the privileges that takes and the relations that take them. */
export interface TableNeed {
  target: string;
  schema: string;
  table: string;
  needs: Privilege[];
  relations: string[];
}

const ORDER: Privilege[] = ["select", "update", "delete", "ddl"];

/**
 * What the relations ask of each table, by target: both sides are read; a cleanup
 * deletes a child's orphans (or, with set_null, updates them); and where prevention
 * would apply (a configured reference inside one database, which a declared foreign key
 * would enforce) the child needs DDL.
 */
export function tableNeeds(relations: Relation[]): TableNeed[] {
  const byTable = new Map<string, { target: string; schema: string; table: string; needs: Set<Privilege>; relations: Set<string> }>();
  const add = (e: { target: string; schema: string; table: string }, relation: string, ...needs: Privilege[]) => {
    const key = `${e.target}\u0000${e.schema}\u0000${e.table}`;
    const t = byTable.get(key) ?? { target: e.target, schema: e.schema, table: e.table, needs: new Set<Privilege>(), relations: new Set<string>() };
    needs.forEach((n) => t.needs.add(n));
    t.relations.add(relation);
    byTable.set(key, t);
  };
  for (const r of relations) {
    const action = r.config?.cleanup?.action ?? "delete";
    add(r.child, r.name, "select", action === "set_null" ? "update" : "delete");
    if (r.origin === "configured" && r.child.target === r.parent.target) add(r.child, r.name, "ddl");
    add(r.parent, r.name, "select");
  }
  return [...byTable.values()]
    .map((t) => ({ ...t, needs: ORDER.filter((p) => t.needs.has(p)), relations: [...t.relations].sort() }))
    .sort((a, b) => a.target.localeCompare(b.target) || a.schema.localeCompare(b.schema) || a.table.localeCompare(b.table));
}

import type { TablePrivileges, TableRef, Target } from "./types";

export type { TablePrivileges };

export type Privilege = "select" | "update" | "delete" | "ddl";

export const PRIVILEGE_LABELS: Record<Privilege, string> = { select: "SELECT", update: "UPDATE", delete: "DELETE", ddl: "DDL (index, foreign key)" };

/** A privilege some work needs on one table of one target. */
export interface PrivilegeNeed {
  target: string;
  table: TableRef;
  privilege: Privilege;
  /** Why it is needed, for the person reading the preview ("delete the orphans", "null the reference"…). */
  why: string;
}

/** The same table, however its reference was spelled. */
export const sameTable = (a: TableRef, b: TableRef) => a.schema === b.schema && a.table === b.table;

/** The needs not covered by what the catalogs said, each once. */
export function unmet(needs: PrivilegeNeed[], held: TablePrivileges[]): PrivilegeNeed[] {
  const seen = new Set<string>();
  return needs.filter((n) => {
    const key = `${n.target}\u0000${n.table.schema}\u0000${n.table.table}\u0000${n.privilege}`;
    if (seen.has(key)) return false;
    seen.add(key);
    const h = held.find((p) => sameTable(p, n.table));
    return !h || !h.exists || !h[n.privilege];
  });
}

/** A need on an open target: what `missingPrivileges` checks. */
export interface NeedOn extends PrivilegeNeed {
  on: Pick<Target, "name" | "privileges">;
}

/** A need for `privilege` on `table` of `on`. */
export const needOn = (on: NeedOn["on"], table: TableRef, privilege: Privilege, why: string): NeedOn => ({
  on,
  target: on.name,
  table: { schema: table.schema, table: table.table },
  privilege,
  why,
});

/** The needs the targets' catalogs do not grant, each once (one catalog read per target). */
export async function missingPrivileges(needs: NeedOn[]): Promise<PrivilegeNeed[]> {
  const byTarget = new Map<string, NeedOn[]>();
  for (const n of needs) byTarget.set(n.target, [...(byTarget.get(n.target) ?? []), n]);
  const missing = await Promise.all(
    [...byTarget.values()].map(async (group) => {
      const tables = group.map((n) => n.table).filter((t, i, all) => all.findIndex((u) => sameTable(u, t)) === i);
      return unmet(group, await group[0].on.privileges(tables));
    }),
  );
  return missing.flat().map(({ target, table, privilege, why }) => ({ target, table, privilege, why }));
}

/** "shop: DELETE on public.orders (delete the orphans)": one missing privilege as the preview says it. */
export const describeNeed = (n: PrivilegeNeed) => `${n.target}: ${PRIVILEGE_LABELS[n.privilege]} on ${n.table.schema}.${n.table.table} (${n.why})`;

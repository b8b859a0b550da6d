import type { Store } from "../store/client";

/** One archive restore as its job page shows it: who put rows back, when, and how many per table. */
export interface ArchiveRestore {
  by: string | null;
  at: Date;
  tables: { table: string; rows: number }[];
  rows: number;
}

/**
 * The restores of a job's archive, newest first. Rows restored by one person within a
 * minute are one restore (a restore stamps its tables one transaction after the other).
 */
export async function archiveRestores(store: Store, jobId: string): Promise<ArchiveRestore[]> {
  const groups = await store.prisma.archivedRow.groupBy({
    by: ["restoredBy", "target", "schema", "table"],
    where: { jobId, restoredAt: { not: null } },
    _count: { _all: true },
    _max: { restoredAt: true },
    orderBy: [{ _max: { restoredAt: "desc" } }],
  });
  const restores: ArchiveRestore[] = [];
  for (const g of groups) {
    const at = g._max.restoredAt!;
    const table = `${g.target}.${g.schema}.${g.table}`;
    const same = restores.find((r) => r.by === g.restoredBy && Math.abs(r.at.getTime() - at.getTime()) < 60_000);
    const entry = same ?? restores[restores.push({ by: g.restoredBy, at, tables: [], rows: 0 }) - 1];
    entry.tables.push({ table, rows: g._count._all });
    entry.rows += g._count._all;
    if (at > entry.at) entry.at = at;
  }
  return restores;
}

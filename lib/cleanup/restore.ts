import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { insertRow, rowsByPk } from "../targets/features/cleanup";
import { TargetPool } from "../targets/pool";
import type { Row } from "./rows";

/** What one archive restore put back, per table ("target.schema.table"). */
export interface ArchiveRestoreResult {
  restored: number;
  alreadyThere: number;
  tables: { target: string; schema: string; table: string; restored: number; alreadyThere: number }[];
}

/**
 * Puts a job's archived rows back, the removed orphans first and the rows that hung below
 * them after (depth order), one transaction per table. A row whose primary key exists
 * again is left as it is (counted), never overwritten. Each row keeps who restored it and
 * when (the job page says so).
 */
export async function restoreArchive(
  store: Store,
  config: Config,
  jobId: string,
  opts: { timeoutMs?: number; restoredBy?: string } = {},
): Promise<ArchiveRestoreResult> {
  const rows = await store.prisma.archivedRow.findMany({ where: { jobId, restoredAt: null }, orderBy: [{ depth: "asc" }, { id: "asc" }] });
  const pool = new TargetPool(config.targets);
  let restored = 0;
  let alreadyThere = 0;
  const tables: ArchiveRestoreResult["tables"] = [];
  try {
    const groups = new Map<string, typeof rows>();
    for (const r of rows) {
      const k = `${r.depth}\u0000${r.target}\u0000${r.schema}\u0000${r.table}`;
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    for (const group of groups.values()) {
      const { target: name, schema, table } = group[0];
      const before = { restored, alreadyThere };
      const target = await pool.get(name);
      const pkColumns = (await target.uniqueKeys()).find((k) => k.primary && k.schema === schema && k.table === table)?.columns ?? [];
      await target.transaction(opts.timeoutMs ?? 5000, async (tx) => {
        const present = new Set<string>();
        if (pkColumns.length) {
          const existing = await tx.query(
            rowsByPk(
              { schema, table },
              pkColumns,
              group.map((r) => JSON.parse(r.pk)),
            ),
          );
          for (const e of existing) present.add(JSON.stringify(pkColumns.map((_, i) => String(e[`__pk${i}`]))));
        }
        for (const r of group) {
          if (present.has(r.pk)) {
            alreadyThere++;
            continue;
          }
          await tx.execute(insertRow({ schema, table }, r.row as Row));
          restored++;
        }
      });
      await store.prisma.archivedRow.updateMany({
        where: { id: { in: group.map((r) => r.id) } },
        data: { restoredAt: new Date(), restoredBy: opts.restoredBy ?? null },
      });
      const seen = tables.find((t) => t.target === name && t.schema === schema && t.table === table);
      const counts = { restored: restored - before.restored, alreadyThere: alreadyThere - before.alreadyThere };
      if (seen) Object.assign(seen, { restored: seen.restored + counts.restored, alreadyThere: seen.alreadyThere + counts.alreadyThere });
      else tables.push({ target: name, schema, table, ...counts });
    }
  } finally {
    await pool.close();
  }
  return { restored, alreadyThere, tables };
}

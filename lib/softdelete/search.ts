import type { Config } from "../config/types";
import { pkOf } from "../cleanup/rows";
import type { TargetPool } from "../targets/pool";
import { softDeletedBy } from "../targets/features/softdelete";
import { stampToDate } from "./grace";
import { softDeleteTableByName } from "./tables";

export interface SearchHit {
  key: string[];
  /** Which column matched: the primary key or a unique column (email). */
  by: string;
  deletedAt: string | null;
}

const MAX_HITS = 20;

/**
 * Soft-deleted rows of a table whose primary key or one of its unique columns is exactly
 * `value` (a unique column, such as an email, in any letter case). Live rows are never
 * returned: support cannot list or look up live accounts here.
 */
export async function searchSoftDeleted(config: Config, pool: TargetPool, table: string, value: string): Promise<SearchHit[]> {
  const sd = await softDeleteTableByName(config, pool, table);
  const columns = [...(sd.pk.length === 1 ? sd.pk : []), ...(sd.config.unique ?? [])];
  const hits = new Map<string, SearchHit>();
  for (const column of columns) {
    // An id column compared with text that is not a number would be an error on PostgreSQL.
    if (column === sd.pk[0] && sd.pk.length === 1 && !(await looksLikeKey(sd.target, sd.ref, column, value))) continue;
    const byKey = column === sd.pk[0] && sd.pk.length === 1;
    for (const row of await sd.target.query(softDeletedBy(sd.ref, sd.pk, sd.column, column, value, MAX_HITS, !byKey))) {
      const key = pkOf(row, sd.pk.length).map(String);
      const id = JSON.stringify(key);
      if (!hits.has(id)) hits.set(id, { key, by: column, deletedAt: stampToDate(row[sd.column])?.toISOString() ?? null });
    }
  }
  return [...hits.values()];
}

async function looksLikeKey(
  target: { columns(): Promise<{ schema: string; table: string; column: string; dataType: string }[]> },
  ref: { schema: string; table: string },
  column: string,
  value: string,
) {
  const info = (await target.columns()).find((c) => c.schema === ref.schema && c.table === ref.table && c.column === column);
  const numeric = /int|serial|numeric|decimal|real|double|float/i.test(info?.dataType ?? "");
  const uuid = /uuid/i.test(info?.dataType ?? "");
  if (numeric) return /^-?\d+$/.test(value);
  if (uuid) return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
  return true;
}

import type { Config } from "../config/types";
import type { Relation } from "../relations/types";
import type { Store } from "../store/client";
import type { LatestScan } from "../store/scans";

/** A relation's latest scan, by name (one index probe). */
export async function latestScanOf(store: Store, name: string): Promise<LatestScan | null> {
  const rows = await store.prisma.$queryRaw<LatestScan[]>`
    SELECT relation, origin, child_target AS "childTarget", child_schema AS "childSchema", child_table AS "childTable",
      child_columns AS "childColumns", parent_target AS "parentTarget", parent_schema AS "parentSchema",
      parent_table AS "parentTable", parent_columns AS "parentColumns", orphans, child_rows AS "childRows",
      duration_ms AS "durationMs", scanned_at AS "scannedAt", error_kind AS "errorKind", error, index_advice AS "indexAdvice",
      sightings_error AS "sightingsError"
    FROM scans WHERE relation = ${name} ORDER BY scanned_at DESC LIMIT 1`;
  return rows[0] ?? null;
}

/** The relation a scan was of, with its configured options (soft-deleted parents, cleanup, allowlist). */
export function relationOf(scan: LatestScan, config: Config): Relation {
  const configured = config.relations.find((r) => r.name === scan.relation);
  return {
    name: scan.relation,
    origin: scan.origin === "configured" ? "configured" : "declared",
    child: { target: scan.childTarget, schema: scan.childSchema, table: scan.childTable, columns: scan.childColumns },
    parent: { target: scan.parentTarget, schema: scan.parentSchema, table: scan.parentTable, columns: scan.parentColumns },
    parentSoftDelete: configured?.parentSoftDelete,
    config: configured,
  };
}

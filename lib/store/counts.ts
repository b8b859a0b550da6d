import type { Store } from "./client";

/**
 * Each relation's orphan count as of `at`: its latest successful scan at or before then.
 * The relations are found by skipping along scans(relation, scanned_at) (a recursive CTE,
 * one probe per relation; SELECT DISTINCT read every stored scan), then one index probe
 * per relation finds its count.
 */
export async function countsAt(store: Store, at: Date): Promise<Map<string, { orphans: number; scannedAt: Date }>> {
  const rows = await store.prisma.$queryRaw<{ relation: string; orphans: bigint; scanned_at: Date }[]>`
    WITH RECURSIVE names AS (
      (SELECT relation FROM scans ORDER BY relation LIMIT 1)
      UNION ALL
      SELECT (SELECT s.relation FROM scans s WHERE s.relation > n.relation ORDER BY s.relation LIMIT 1)
      FROM names n WHERE n.relation IS NOT NULL
    )
    SELECT r.relation, s.orphans, s.scanned_at
    FROM names r
    CROSS JOIN LATERAL (
      SELECT orphans, scanned_at FROM scans
      WHERE relation = r.relation AND scanned_at <= ${at} AND orphans IS NOT NULL
      ORDER BY scanned_at DESC LIMIT 1
    ) s`;
  return new Map(rows.map((r) => [r.relation, { orphans: Number(r.orphans), scannedAt: r.scanned_at }]));
}

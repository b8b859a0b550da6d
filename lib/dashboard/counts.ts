import type { Store } from "../store/client";

/**
 * Each relation's orphan count as of `at`: its latest successful scan at or before then
 * (one index probe per relation on scans(relation, scanned_at)).
 */
export async function countsAt(store: Store, at: Date): Promise<Map<string, { orphans: number; scannedAt: Date }>> {
  const rows = await store.prisma.$queryRaw<{ relation: string; orphans: bigint; scanned_at: Date }[]>`
    SELECT r.relation, s.orphans, s.scanned_at
    FROM (SELECT DISTINCT relation FROM scans) r
    CROSS JOIN LATERAL (
      SELECT orphans, scanned_at FROM scans
      WHERE relation = r.relation AND scanned_at <= ${at} AND orphans IS NOT NULL
      ORDER BY scanned_at DESC LIMIT 1
    ) s`;
  return new Map(rows.map((r) => [r.relation, { orphans: Number(r.orphans), scannedAt: r.scanned_at }]));
}

import { randomUUID } from "node:crypto";
import type { Config } from "../config/types";
import { orphanKeyPages } from "../detect/orphan-keys";
import type { SweepResult } from "../detect/sweep";
import type { Relation } from "../relations/types";
import type { Store } from "../store/client";
import { normaliseValue } from "../targets/keys";
import { TargetPool } from "../targets/pool";

/** How many keys travel to the store per statement while staging. */
const STAGE_BATCH = 5000;

/** A child key as stored in sightings: its values as text, in a JSON array. */
export function sightingKey(key: unknown[]): string {
  return JSON.stringify(key.map(normaliseValue));
}

/**
 * Records which orphan keys this sweep saw, per relation that scanned: new keys open a
 * sighting (first seen now), keys no longer found close theirs (last seen at the
 * relation's previous scan). Keys still there are not written at all, so a sweep over a
 * million unchanged orphans writes nothing but its staging; a relation that failed to scan
 * changes nothing.
 */
export async function recordSightings(store: Store, config: Config, result: SweepResult): Promise<void> {
  const pool = new TargetPool(config.targets);
  try {
    for (const r of result.results) {
      if (r.error || r.orphans == null) continue;
      const previous = await previousScanTime(store, r.relation.name, r.scannedAt);
      await recordRelationSightings(store, r.relation, r.scannedAt, previous, r.orphans === 0 ? emptyPages() : orphanKeyPages(r.relation, pool, { scannedAt: r.scannedAt }));
    }
  } finally {
    await pool.close();
  }
}

async function* emptyPages(): AsyncGenerator<unknown[][]> {}

export async function recordRelationSightings(
  store: Store,
  relation: Pick<Relation, "name">,
  seenAt: Date,
  previousScanAt: Date | null,
  pages: AsyncIterable<unknown[][]>,
): Promise<{ opened: number; closed: number }> {
  const run = randomUUID();
  try {
    let buffer: string[] = [];
    const flush = async () => {
      if (!buffer.length) return;
      const keys = buffer;
      buffer = [];
      await store.prisma.$executeRaw`INSERT INTO orphan_key_stage (run, key) SELECT ${run}::uuid, k FROM unnest(${keys}::text[]) AS k ON CONFLICT DO NOTHING`;
    };
    for await (const page of pages) {
      for (const key of page) buffer.push(sightingKey(key));
      if (buffer.length >= STAGE_BATCH) await flush();
    }
    await flush();
    return await store.prisma.$transaction(async (tx) => {
      const closed = await tx.$executeRaw`
        UPDATE orphan_sightings o SET open = false, last_seen = ${previousScanAt ?? seenAt}
        WHERE o.relation = ${relation.name} AND o.open
          AND NOT EXISTS (SELECT 1 FROM orphan_key_stage s WHERE s.run = ${run}::uuid AND s.key = o.key)`;
      const opened = await tx.$executeRaw`
        INSERT INTO orphan_sightings (relation, key, first_seen, last_seen, open)
        SELECT ${relation.name}, s.key, ${seenAt}, ${seenAt}, true FROM orphan_key_stage s
        WHERE s.run = ${run}::uuid
          AND NOT EXISTS (SELECT 1 FROM orphan_sightings o WHERE o.relation = ${relation.name} AND o.open AND o.key = s.key)`;
      return { opened, closed };
    });
  } finally {
    await store.prisma.$executeRaw`DELETE FROM orphan_key_stage WHERE run = ${run}::uuid`;
  }
}

async function previousScanTime(store: Store, relation: string, before: Date): Promise<Date | null> {
  const row = await store.prisma.scan.findFirst({
    where: { relation, scannedAt: { lt: before }, orphans: { not: null } },
    orderBy: { scannedAt: "desc" },
    select: { scannedAt: true },
  });
  return row?.scannedAt ?? null;
}

export interface Sighting {
  firstSeen: Date;
  lastSeen: Date;
}

/** First and last seen of some keys of a relation (open sightings: last seen at the latest scan). */
export async function sightingsOf(store: Store, relation: string, keys: unknown[][]): Promise<Map<string, Sighting>> {
  if (!keys.length) return new Map();
  const texts = keys.map(sightingKey);
  const [rows, latest] = await Promise.all([
    store.prisma.orphanSighting.findMany({ where: { relation, open: true, key: { in: texts } }, select: { key: true, firstSeen: true, lastSeen: true } }),
    store.prisma.scan.findFirst({ where: { relation, orphans: { not: null } }, orderBy: { scannedAt: "desc" }, select: { scannedAt: true } }),
  ]);
  return new Map(rows.map((r) => [r.key, { firstSeen: r.firstSeen, lastSeen: latest?.scannedAt ?? r.lastSeen }]));
}

import type { Relation } from "../relations/types";
import { sightingKey } from "../sightings/record";
import type { Store } from "../store/client";

const DAY_MS = 86_400_000;

export interface Eligibility {
  /** Keys (sighting form) kept on purpose by an allowlist entry that has not expired. */
  allowlisted: Set<string>;
  /** Keys first seen too recently: still inside the grace period. */
  inGrace: Set<string>;
}

/**
 * Which of these orphan keys a cleanup must leave alone now: allowlisted ones (config
 * `allow:` and entries added on the relation page, until they expire) and those whose
 * first sighting is younger than the grace period. A key no sweep has seen yet is as
 * young as can be: inside any grace period but zero.
 */
export async function eligibility(
  store: Store,
  relation: Relation,
  keys: unknown[][],
  graceDays: number,
  now = new Date(),
  opts: { fresh?: boolean } = {},
): Promise<Eligibility> {
  const allowlisted = new Set<string>();
  for (const entry of relation.config?.allow ?? []) {
    if (new Date(entry.until) > now) allowlisted.add(sightingKey(entry.key));
  }
  const inGrace = new Set<string>();
  // Most relations have no allowlist entry: one cheap probe (at most every second per
  // relation in a cleanup's batches; an entry added in another process protects from the
  // next second on) spares matching every key. A preview (`fresh`) always asks.
  const anyStored = keys.length > 0 && (await hasStoredEntries(store, relation.name, now, opts.fresh));
  // With no grace period and nothing stored to match, no key needs its text (a batch's up to 20,000).
  if (!anyStored && !(graceDays > 0 && keys.length)) return { allowlisted, inGrace };
  const texts = [...new Set(keys.map(sightingKey))];
  if (anyStored) {
    const stored = await store.prisma.allowlistEntry.findMany({
      where: { relation: relation.name, removedAt: null, until: { gt: now }, key: { in: texts } },
      select: { key: true },
    });
    for (const e of stored) allowlisted.add(e.key);
  }
  if (graceDays > 0 && texts.length) {
    const cutoff = new Date(now.getTime() - graceDays * DAY_MS);
    const old = await store.prisma.orphanSighting.findMany({
      where: { relation: relation.name, open: true, key: { in: texts }, firstSeen: { lte: cutoff } },
      select: { key: true },
    });
    const seasoned = new Set(old.map((s) => s.key));
    for (const t of texts) if (!seasoned.has(t)) inGrace.add(t);
  }
  return { allowlisted, inGrace };
}

const probed = new Map<string, { at: number; any: boolean }>();
const PROBE_TTL_MS = 1000;

/** An allowlist entry of the relation was added or removed in this process: its next probe asks the store. */
export function forgetAllowlistProbe(relation: string): void {
  probed.delete(relation);
}

async function hasStoredEntries(store: Store, relation: string, now: Date, fresh = false): Promise<boolean> {
  const hit = probed.get(relation);
  if (!fresh && hit && Date.now() - hit.at < PROBE_TTL_MS) return hit.any;
  const any = (await store.prisma.allowlistEntry.findFirst({ where: { relation, removedAt: null, until: { gt: now } }, select: { id: true } })) != null;
  probed.set(relation, { at: Date.now(), any });
  return any;
}

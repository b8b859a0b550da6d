import type { Relation } from "../relations/types";
import { rowsByKeys } from "../targets/features/rows";
import type { TargetPool } from "../targets/pool";
import { sharedRead } from "../targets/shared-read";
import { decodeCursor, encodeCursor, openRelation, orphanKeyStretch } from "./orphan-keys";

export interface OrphanPreviewPage {
  /** Column names of the child table, in the order the database gives them. */
  columns: string[];
  rows: { key: unknown[]; values: Record<string, unknown> }[];
  /** Orphan keys on this page (a key may carry several rows). */
  keys: unknown[][];
  /** Pass back as `after` for the next page; null when this is the last. */
  next: string | null;
  /** True when this page's keys carry more rows than were shown. */
  truncated: boolean;
}

const MAX_WALK = 20_000;

/**
 * A page of orphan rows: the child rows themselves, for at least `keys` orphan keys (the
 * walk stops at the first stretch that reaches it), in key order within the page.
 * `sharedForMs`: the same page asked for again in this process within that time (twenty
 * people on one relation page) is read from the target once and shared.
 */
export async function orphanPreview(
  relation: Relation,
  pool: TargetPool,
  opts: { after?: string | null; keys?: number; maxRows?: number; now?: Date; sharedForMs?: number } = {},
): Promise<OrphanPreviewPage> {
  if (!opts.sharedForMs) return readPreview(relation, pool, opts);
  const key = JSON.stringify([pool.fingerprint([relation.child.target, relation.parent.target]), relation, opts.after ?? null, opts.keys, opts.maxRows]);
  return sharedRead(key, opts.sharedForMs, () => readPreview(relation, pool, opts));
}

async function readPreview(relation: Relation, pool: TargetPool, opts: { after?: string | null; keys?: number; maxRows?: number; now?: Date }) {
  const want = opts.keys ?? 50;
  const maxRows = opts.maxRows ?? 200;
  const w = await openRelation(relation, pool, opts.now);
  let after = decodeCursor(opts.after, relation.child.columns.length);
  const keys: unknown[][] = [];
  // A stretch without orphans doubles the next one: a child whose orphans all sort after
  // its live keys is crossed in a few statements, not one round trip per 500 keys.
  let walk = Math.max(want * 4, 500);
  do {
    const stretch = await orphanKeyStretch(w, after, walk);
    keys.push(...stretch.keys);
    after = stretch.next;
    if (!stretch.keys.length) walk = Math.min(walk * 2, MAX_WALK);
  } while (after && keys.length < want);
  const rows = await rowsByKeys(w.child, w.childRef, keys, maxRows + 1);
  const columns = rows.length ? Object.keys(rows[0]) : [];
  return {
    columns,
    rows: rows.slice(0, maxRows).map((values) => ({ key: relation.child.columns.map((c) => values[c]), values })),
    keys,
    next: encodeCursor(after),
    truncated: rows.length > maxRows,
  };
}

/** Every orphan row, in batches of keys: for a streamed CSV export (never the whole set in memory). */
export async function* orphanRows(relation: Relation, pool: TargetPool, now?: Date): AsyncGenerator<Record<string, unknown>> {
  const w = await openRelation(relation, pool, now);
  let after: unknown[] | null = null;
  do {
    const stretch = await orphanKeyStretch(w, after, 5000);
    for (let i = 0; i < stretch.keys.length; i += 500) {
      const batch = stretch.keys.slice(i, i + 500);
      // a key's rows are all there: the limit only guards against a runaway statement
      yield* await rowsByKeys(w.child, w.childRef, batch, 10_000_000);
    }
    after = stretch.next;
  } while (after);
}

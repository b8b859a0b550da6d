import type { Relation } from "../relations/types";
import { rowsByKeys, rowsOfKeyAfter } from "../targets/features/rows";
import type { TargetPool } from "../targets/pool";
import type { ColumnsRef, Target } from "../targets/types";
import { sharedRead } from "../targets/shared-read";
import { openRelation, orphanKeyStretch, type OrphanKeyWalk } from "./orphan-keys";
import { decodePreviewCursor, encodePreviewCursor } from "./preview-cursor";

/** Rows on a page of the preview: a screenful a person reads, not a dump. */
export const PREVIEW_ROWS = 50;

/** Orphan keys whose rows are fetched per statement (bound values; well under every driver's limit). */
const KEYS_PER_READ = 200;

export interface OrphanPreviewPage {
  /** Column names of the child table, in the order the database gives them. */
  columns: string[];
  rows: { key: unknown[]; values: Record<string, unknown> }[];
  /** The distinct orphan keys of this page's rows, in page order. */
  keys: unknown[][];
  /** The child's primary key, which orders the rows of one key (empty: the table has none). */
  pk: string[];
  /** Pass back as `after` for the next page; null when this is the last. */
  next: string | null;
}

/**
 * A page of orphan rows: `rows` child rows (50 by default) in (child key, primary key)
 * order, from `after` on. Keyset on both: the rest of the key the last page cut in two is
 * read by primary key (`pk > $last`), then the key walk goes on past that key. The walk and
 * the parent lookups are the scan's, so the rows shown are exactly the rows counted.
 */
export async function orphanPreview(
  relation: Relation,
  pool: TargetPool,
  opts: { after?: string | null; rows?: number; now?: Date; sharedForMs?: number; version?: string } = {},
): Promise<OrphanPreviewPage> {
  if (!opts.sharedForMs) return readPreview(relation, pool, opts);
  // `version` (the relation's latest scan): a cleanup's refresh rescans the relation, so a read
  // shared from before it is never shown after it, even within the sharing time
  const key = JSON.stringify([
    pool.fingerprint([relation.child.target, relation.parent.target]),
    relation,
    opts.after ?? null,
    opts.rows ?? PREVIEW_ROWS,
    opts.version ?? null,
  ]);
  return sharedRead(key, opts.sharedForMs, () => readPreview(relation, pool, opts));
}

async function readPreview(relation: Relation, pool: TargetPool, opts: { after?: string | null; rows?: number; now?: Date }): Promise<OrphanPreviewPage> {
  const size = opts.rows ?? PREVIEW_ROWS;
  const w = await openRelation(relation, pool, opts.now);
  const pk = await primaryKey(w.child, w.childRef);
  const cursor = decodePreviewCursor(opts.after, relation.child.columns.length, pk.length);
  const found: Record<string, unknown>[] = [];
  let walkFrom: unknown[] | null = null;
  if (cursor) {
    walkFrom = cursor.key;
    // the key the last page ended in: its remaining rows, if it is still an orphan
    const still =
      cursor.pk &&
      (
        await w.parent.missingKeys(
          w.parentRef,
          cursor.key.map((v) => [v]),
          1,
          w.softDelete,
        )
      ).length > 0;
    if (still) found.push(...(await rowsOfKeyAfter(w.child, w.childRef, cursor.key, pk, cursor.pk!, size + 1)));
  }
  let done = false;
  // A stretch without orphans doubles the next one: a child whose orphans all sort after its
  // live keys is crossed in a few statements, not one round trip per 500 keys.
  let walk = walkSize(size);
  while (found.length <= size && !done) {
    const stretch = await orphanKeyStretch(w, walkFrom, walk);
    if (!stretch.keys.length) walk = Math.min(walk * 2, MAX_WALK);
    for (let i = 0; i < stretch.keys.length && found.length <= size; i += KEYS_PER_READ) {
      found.push(...(await rowsByKeys(w.child, w.childRef, stretch.keys.slice(i, i + KEYS_PER_READ), size + 1 - found.length, pk)));
    }
    walkFrom = stretch.next;
    done = !walkFrom;
  }
  const shown = found.slice(0, size);
  const rows = shown.map((values) => ({ key: relation.child.columns.map((c) => values[c]), values }));
  const last = rows.at(-1);
  const more = found.length > size;
  return {
    columns: shown.length ? Object.keys(shown[0]) : [],
    rows,
    keys: distinctKeys(rows.map((r) => r.key)),
    pk,
    next: more && last ? encodePreviewCursor({ key: last.key, pk: pk.length ? pk.map((c) => last.values[c]) : null }) : null,
  };
}

/** The longest stretch of keys one step walks. */
const MAX_WALK = 20_000;

/** Keys walked per step: enough for a page when orphans are dense, bounded when they are rare. */
function walkSize(rows: number): number {
  return Math.max(rows * 4, 500);
}

/**
 * The child's declared primary key. A table without one pages by whole keys: the rows of the
 * key a page ends in that did not fit are not shown (such tables are rare, and cannot be cleaned up).
 */
async function primaryKey(target: Target, ref: ColumnsRef): Promise<string[]> {
  const pk = (await target.uniqueKeys()).find((k) => k.primary && k.schema === ref.schema && k.table === ref.table);
  return pk?.columns ?? [];
}

function distinctKeys(keys: unknown[][]): unknown[][] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    const id = JSON.stringify(k.map(String));
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Every orphan row, in batches of keys: for a streamed CSV export (never the whole set in memory). */
export async function* orphanRows(relation: Relation, pool: TargetPool, now?: Date): AsyncGenerator<Record<string, unknown>> {
  const w: OrphanKeyWalk = await openRelation(relation, pool, now);
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

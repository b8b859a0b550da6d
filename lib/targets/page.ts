import type { KeyPage } from "./types";

// Walk pages without an object per key: with a { key: [...], rows } object per key, the
// bench's cross-target worker (old space capped at 64 MB) spent 234 ms of a 694 ms
// PostgreSQL→MariaDB scan collecting garbage. Where a dialect can, a page travels as one
// aggregate row (a list of keys, a list of counts): see walkKeysPacked per dialect.

/** A page from a row per key (`k0`, `k1`… and `n`, as walkKeysStatement names them). */
export function pageFromRows(rows: Record<string, unknown>[], columnCount: number, limit: number): KeyPage {
  const size = rows.length;
  const names = Array.from({ length: columnCount }, (_, c) => `k${c}`);
  const keys = names.map(() => new Array<unknown>(size));
  const counts = new Array<number>(size);
  let rowCount = 0;
  for (let i = 0; i < size; i++) {
    const r = rows[i];
    for (let c = 0; c < columnCount; c++) keys[c][i] = r[names[c]];
    rowCount += counts[i] = Number(r.n);
  }
  return { keys, rows: counts, size, rowCount, next: size < limit || size === 0 ? null : keys.map((k) => k[size - 1]) };
}

/**
 * "3,10,1" → [3, 10, 1]: non-negative integers (counts, positions), read without making a
 * string of each; `size`, when given, is how many the list must hold.
 */
export function parseCounts(list: string, size?: number): number[] {
  const out: number[] = size === undefined ? [] : new Array<number>(size);
  let i = 0;
  let n = 0;
  for (let p = 0; p < list.length; p++) {
    const c = list.charCodeAt(p);
    if (c === 44) {
      out[i++] = n;
      n = 0;
    } else n = n * 10 + (c - 48);
  }
  if (list.length > 0) out[i++] = n;
  if (size !== undefined && i !== size) throw new Error(`walk page: ${i} counts for ${size} keys`);
  return out;
}

/**
 * A page that travelled as one aggregate row: its size, its keys (one column, as
 * `readKeys` reads the dialect's list of them), counts as a list, and its greatest key.
 */
export function packedPage(row: { size: unknown; row_count: unknown; counts: unknown; last: unknown }, readKeys: () => unknown[], limit: number): KeyPage {
  const size = Number(row.size);
  if (size === 0) return { keys: [[]], rows: [], size: 0, rowCount: 0, next: null };
  const keys = readKeys();
  if (keys.length !== size) throw new Error(`walk page: ${keys.length} keys listed for ${size}`);
  return { keys: [keys], rows: parseCounts(String(row.counts), size), size, rowCount: Number(row.row_count), next: size < limit ? null : [row.last] };
}

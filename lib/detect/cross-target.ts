import type { ColumnsRef, KeyPage, KeyRange, OrphanCount, ParentSoftDelete, ScanBound, Target } from "../targets/types";
import { awaitedLater } from "../errors/logged";

/**
 * Distinct keys per walk page. Each page restarts an index range scan: on PostgreSQL a
 * 2M-row walk took 720 ms in 5K-key pages and 414 ms in 20K-key pages (`npm run bench`
 * data). With pages packed into one row (walkKeysPacked), 20K, 50K and 100K-key pages
 * walk alike (PostgreSQL 176–190, 177–180, 190 ms; MariaDB 245–258, 246–249, 239–240 ms),
 * so pages stay at 20K, the least memory. The parent lookup splits a page into batches
 * within its driver's limits.
 */
export const WALK_PAGE_KEYS = 20_000;

/**
 * Pages whose lookups may be under way at once. The walk never waits for a lookup
 * unless this many are pending, and memory stays bounded by this many pages (a 20K-key
 * page is a few MB at most).
 */
export const PAGES_IN_FLIGHT = 2;

export interface CrossTargetProgress {
  keysWalked: number;
  rowsWalked: number;
}

/** A chunk of a cross-target count: a range of the walked key, and each side's statement limit. */
export interface CrossTargetChunk {
  /** The stretch of the child's key (its columns: the walked ones) this count walks; the rows with a NULL key belong to the range open at its start. */
  range?: KeyRange;
  child?: ScanBound;
  parent?: ScanBound;
}

/**
 * Orphans of a relation whose parent lives in another database. No set-based query
 * can span both, so: walk the child's distinct keys in key order, one page at a time
 * (over the child's key index), and ask the parent which of them it lacks. The walk
 * runs ahead of the lookups by up to PAGES_IN_FLIGHT pages, so the child and the parent
 * work at the same time; memory stays flat whatever the table size (docs/architecture.md:
 * 1.7M rows/s vs 92 s by PK order).
 */
export async function countOrphansAcross(
  child: Target,
  childRef: ColumnsRef,
  parent: Target,
  parentRef: ColumnsRef,
  softDelete?: ParentSoftDelete,
  onProgress?: (p: CrossTargetProgress) => void,
  pageSize = WALK_PAGE_KEYS,
  chunk: CrossTargetChunk = {},
): Promise<OrphanCount> {
  const { range } = chunk;
  // child rows = the walk's rows + those with a NULL key column (which no walk sees), counted by the range that starts at the beginning
  const nullKeyRows = range?.from ? Promise.resolve(0) : awaitedLater(child.countNullKeys(childRef, chunk.child));
  let orphans = 0;
  const progress: CrossTargetProgress = { keysWalked: 0, rowsWalked: 0 };
  const walk = (after: unknown[] | null) => awaitedLater(child.walkKeys(childRef, after, pageSize, { ...chunk.child, upTo: range?.to ?? null }));
  const lookup = async (page: KeyPage) => {
    const missing = await parent.missingKeys(parentRef, page.keys, page.size, softDelete, chunk.parent);
    for (const i of missing) orphans += page.rows[i];
    progress.keysWalked += page.size;
    progress.rowsWalked += page.rowCount;
    onProgress?.(progress);
  };
  const pending: Promise<void>[] = [];
  let next: Promise<KeyPage> | null = walk(range?.from ?? null);
  try {
    while (next) {
      const page: KeyPage = await next;
      if (page.size === 0) break;
      // Ask for the next page and look this one up, both at once. The walk is the chain
      // the scan waits on, so its next page is asked for first, unless the child is
      // in-process: it would block the event loop before the lookup reached the parent. (A
      // PGlite child a one-off CLI command opened in a worker thread, lib/pglite/thread.ts,
      // would not; it keeps the in-process order, measured only that way.)
      // (Server child and parent, medians of 11 and 9 runs: MariaDB→PostgreSQL 298 ms walk
      // first against 329 ms lookup first, PostgreSQL→MariaDB 276 ms against 300 ms.)
      if (!child.inProcess) {
        next = page.next ? walk(page.next) : null;
        await ioTurn();
        pending.push(awaitedLater(lookup(page)));
      } else {
        pending.push(awaitedLater(lookup(page)));
        await ioTurn();
        next = page.next ? walk(page.next) : null;
      }
      if (pending.length >= PAGES_IN_FLIGHT) await pending.shift();
    }
    await Promise.all(pending);
  } finally {
    // a failed walk or lookup: let the others settle before the caller closes the targets
    await Promise.allSettled([...pending, ...(next ? [next] : [])]);
  }
  return { orphans, childRows: progress.rowsWalked + (await nullKeyRows) };
}

// Not done: walking stretches of the key range at once on a server child (two lanes
// split at the middle of the key index's value range). On the bench data the values are
// skewed (200K valid keys below 200,001, orphans up to 2.2M), so one lane did nearly all
// the work, and MariaDB→PostgreSQL took 392 ms against 355 ms in one lane (medians of 7);
// with the machine busy, 1,136 ms against 1,027 ms. An even split needs the key median,
// which costs a scan of half the index.

/** Lets requests already started reach their sockets before this process blocks. */
function ioTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

import type { ColumnsRef, KeyGroup, OrphanCount, ParentSoftDelete, Target } from "../targets/types";

/**
 * Distinct keys per walk page. Each page restarts an index range scan: on PostgreSQL a
 * 2M-row walk took 720 ms in 5K-key pages and 414 ms in 20K-key pages (`npm run bench`
 * data). The parent lookup splits a page into batches within its driver's limits.
 */
export const WALK_PAGE_KEYS = 20_000;

export interface CrossTargetProgress {
  keysWalked: number;
  rowsWalked: number;
}

/**
 * Orphans of a relation whose parent lives in another database. No set-based query
 * can span both, so: walk the child's distinct keys in key order, one page at a time
 * (over the child's key index), and ask the parent which of them it lacks. The next
 * page is fetched while the parent answers; only one page is ever held, so memory
 * stays flat whatever the table size (PERFORMANCE.md: 1.7M rows/s vs 92 s by PK order).
 */
export async function countOrphansAcross(
  child: Target,
  childRef: ColumnsRef,
  parent: Target,
  parentRef: ColumnsRef,
  softDelete?: ParentSoftDelete,
  onProgress?: (p: CrossTargetProgress) => void,
  pageSize = WALK_PAGE_KEYS,
): Promise<OrphanCount> {
  const childRows = quiet(child.countRows(childRef));
  let orphans = 0;
  const progress: CrossTargetProgress = { keysWalked: 0, rowsWalked: 0 };
  const walk = (after: unknown[] | null) => quiet(child.walkKeys(childRef, after, pageSize));
  const lookup = (page: KeyGroup[]) => quiet(parent.missingKeys(parentRef, page.map((g) => g.key), softDelete));
  let next = walk(null);
  for (;;) {
    const page: KeyGroup[] = await next;
    if (page.length === 0) break;
    const last = page.length < pageSize ? null : page[page.length - 1].key;
    // Overlap the next page with this lookup. An in-process database blocks the event
    // loop while it works, so the request to the server side goes out first.
    let missing: Promise<number[]>;
    if (parent.inProcess) {
      next = last ? walk(last) : Promise.resolve([]);
      await ioTurn();
      missing = lookup(page);
    } else {
      missing = lookup(page);
      await ioTurn();
      next = last ? walk(last) : Promise.resolve([]);
    }
    for (const i of await missing) orphans += page[i].rows;
    progress.keysWalked += page.length;
    for (const g of page) progress.rowsWalked += g.rows;
    onProgress?.(progress);
  }
  return { orphans, childRows: await childRows };
}

/** Lets requests already started reach their sockets before this process blocks. */
function ioTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A promise awaited later must not be reported as unhandled if it fails meanwhile. */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

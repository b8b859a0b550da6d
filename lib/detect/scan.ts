import type { ScanRecord } from "../store/scans";
import type { Relation } from "../relations/types";
import type { TargetSpec } from "../config/types";
import { isTargetError, TargetError, type TargetErrorKind } from "../targets/errors";
import type { TargetPool } from "../targets/pool";
import type { KeyRange, ScanBound } from "../targets/types";
import { countSplitting, type SplitOptions } from "./bounded";
import { indexAdvice, isUniqueKey } from "./checks";
import { countOrphansAcross, WALK_PAGE_KEYS } from "./cross-target";
import { openRelation } from "./orphan-keys";
import { chunkKey } from "./ranges";

/** One relation's count, as lib/store keeps it (orphans null when the scan failed: a relation that could not be scanned never reports 0). */
export interface ScanResult extends ScanRecord {
  errorKind?: TargetErrorKind;
}

export interface ScanOptions extends Pick<SplitOptions, "maxSplits" | "onSplit" | "rows"> {
  /** Only this range of the relation's chunk key (a part of a big relation): lib/detect/ranges.ts. */
  range?: KeyRange;
  /** Each target's limit on one scanning statement (`scanStatementTimeoutMs`), by target name. */
  bounds?: Record<string, ScanBound>;
}

/** The statement limits of the config's targets, by name, as scans take them. */
export function scanBounds(targets: Record<string, TargetSpec>): Record<string, ScanBound> {
  return Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, t.scanStatementTimeoutMs ? { timeoutMs: t.scanStatementTimeoutMs } : {}]));
}

/**
 * Counts one relation's orphans (or those of one range of it): one statement inside a
 * target, a key walk across two. With a statement limit, a count that runs past it is
 * split by key and retried (lib/detect/bounded.ts).
 */
export async function scanRelation(relation: Relation, pool: TargetPool, now = new Date(), opts: ScanOptions = {}): Promise<ScanResult> {
  // durationMs is the count's own time, as the same statement takes in psql: opening the
  // targets and reading their catalogs (cached per pool) come before it and are not counted.
  let started = performance.now();
  const finish = (partial: Partial<ScanResult>): ScanResult => ({
    relation,
    orphans: null,
    childRows: null,
    durationMs: Math.round(performance.now() - started),
    scannedAt: now,
    ...partial,
  });
  try {
    const { child, parent, childRef, parentRef, softDelete } = await openRelation(relation, pool, now);
    const advice = await indexAdvice(child, childRef, parent, parentRef);
    const bounds = opts.bounds ?? {};
    const childBound = bounds[child.name] ?? {};
    const parentBound = bounds[parent.name] ?? {};
    const sameTarget = child === parent;
    const parentKeyUnique = sameTarget && (await isUniqueKey(parent, parentRef));
    const count = (range: KeyRange | undefined) =>
      sameTarget
        ? child.countOrphans({ child: childRef, parent: parentRef, parentSoftDelete: softDelete, parentKeyUnique, childRange: range }, childBound)
        : countOrphansAcross(child, childRef, parent, parentRef, softDelete, undefined, WALK_PAGE_KEYS, { range, child: childBound, parent: parentBound });
    const bounded = !!(childBound.timeoutMs || parentBound.timeoutMs);
    const key = bounded ? (opts.range ?? (await chunkKey({ child, childRef, parent, parentRef }))) : null;
    started = performance.now();
    // Without a limit nothing is split: the one-statement count runs as it always did.
    const result = bounded
      ? await countSplitting(opts.range, count, {
          key,
          child,
          table: { schema: childRef.schema, table: childRef.table },
          bounds,
          rows: opts.rows,
          maxSplits: opts.maxSplits,
          onSplit: opts.onSplit,
        })
      : await count(opts.range);
    return finish({ orphans: result.orphans, childRows: result.childRows, indexAdvice: advice });
  } catch (err) {
    const e = isTargetError(err) ? err : new TargetError("query_failed", relation.child.target, (err as Error)?.message ?? String(err));
    return finish({ error: e.message, errorKind: e.kind });
  }
}

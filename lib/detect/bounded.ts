import { logFailure } from "../errors/logged";
import { normaliseValue } from "../targets/keys";
import { isTargetError, TargetError } from "../targets/errors";
import type { ChunkKey, KeyRange, OrphanCount, ScanBound, Target } from "../targets/types";
import { describeRange } from "./ranges";

/**
 * A chunk that runs past its target's `scanStatementTimeoutMs` is cut in two and each half
 * counted again, this many times over at most (down to a sixteenth of it); then the count
 * fails. A target slow for every statement (a lock held on the table) thus costs a few
 * timeouts, not a cascade of ever smaller ones.
 */
export const MAX_SPLITS = 4;

/** Rows a split assumes a range holds when neither the plan nor the catalog says. */
const UNKNOWN_RANGE_ROWS = 1_000_000;

export interface SplitOptions {
  /** The key ranges are cut along (the chunk's own, or the relation's chunk key); null: cannot be cut. */
  key: ChunkKey | null;
  /** The target whose key is cut (the child), for the statements finding a middle key. */
  child: Target;
  table: { schema: string; table: string };
  /** The limit of each side's statements, by target name. */
  bounds: Record<string, ScanBound>;
  /** About how many rows the range holds: where the first split cuts it. */
  rows?: number;
  maxSplits?: number;
  /** Told before the halves of a range that timed out are counted (tests, logs). */
  onSplit?: (range: KeyRange, at: unknown[]) => void | Promise<void>;
}

/**
 * Counts a range (undefined: the whole relation) with `count`, bounded by the targets'
 * statement limits. A count that times out is split at a middle key of its range and each
 * half counted, the halves' counts added; a range that still times out after `maxSplits`
 * cuts, or cannot be cut, fails the count with "timed out after N ms on range …". A
 * timed-out statement never counts as 0.
 */
export async function countSplitting(
  range: KeyRange | undefined,
  count: (range: KeyRange | undefined) => Promise<OrphanCount>,
  opts: SplitOptions,
): Promise<OrphanCount> {
  const maxSplits = opts.maxSplits ?? MAX_SPLITS;
  // read only once a count timed out: a count within its limit costs no catalog read
  const rowsOfWhole = async () =>
    opts.rows ??
    (await opts.child.estimateRows(opts.table).catch(logFailure("detect", `estimating ${opts.table.table}'s rows for a split`))) ??
    UNKNOWN_RANGE_ROWS;
  const attempt = async (r: KeyRange | undefined, known: number | null, depth: number): Promise<OrphanCount> => {
    try {
      return await count(r);
    } catch (err) {
      const ms = timedOutAfter(err, opts.bounds);
      if (ms == null) throw err;
      // the halves keep what the range is of (the reference: its parent bounded alike)
      const key = r ?? opts.key;
      const whole: KeyRange | null = key
        ? { columns: key.columns, ...(key.reference ? { reference: true } : {}), ...(r?.from ? { from: r.from } : {}), ...(r?.to ? { to: r.to } : {}) }
        : null;
      const rows = known ?? (await rowsOfWhole());
      const at =
        whole && depth < maxSplits
          ? await middleKey(whole, rows, opts).catch(async (e) => {
              // the count's timeout is the failure reported; why it could not be cut goes to the log
              await logFailure("detect", `finding a key to split ${describeRange(whole)} at`)(e);
              return null;
            })
          : null;
      if (!whole || !at) {
        const where = whole ? ` on range ${describeRange(whole)}` : " (no key to split the count along)";
        const splits = depth ? `, split ${depth} time${depth > 1 ? "s" : ""}` : "";
        const target = (err as TargetError).target;
        throw new TargetError("timeout", target, `${target}: timed out after ${ms} ms${where}${splits}`, err);
      }
      await opts.onSplit?.(whole, at);
      const lower = Math.max(1, Math.floor(rows / 2));
      const a = await attempt({ ...whole, to: at }, lower, depth + 1);
      const b = await attempt({ ...whole, from: at }, Math.max(1, rows - lower), depth + 1);
      return { orphans: a.orphans + b.orphans, childRows: a.childRows + b.childRows };
    }
  };
  return attempt(range, null, 0);
}

/** The limit a timed-out statement ran into (its target's), or null when the error is no statement timeout. */
function timedOutAfter(err: unknown, bounds: Record<string, ScanBound>): number | null {
  if (!isTargetError(err) || err.kind !== "timeout") return null;
  return bounds[err.target]?.timeoutMs ?? null;
}

/**
 * A key that cuts the range into two non-empty halves: the one about half its rows in
 * (fewer when the range holds fewer rows than thought), never its upper end (that would
 * leave the upper half empty and the lower one the whole range). Null for a range of one row.
 */
async function middleKey(range: KeyRange, rows: number, opts: SplitOptions): Promise<unknown[] | null> {
  const ref = { ...opts.table, columns: range.columns };
  const upper = range.to ? sameKey(range.to) : null;
  for (let offset = Math.max(1, Math.floor(rows / 2)); ; offset = Math.floor(offset / 2)) {
    const key = await opts.child.keyAtOffset(ref, range.from ?? null, range.to ?? null, offset - 1, opts.bounds[opts.child.name]);
    if (key && sameKey(key) !== upper) return key;
    if (offset === 1) return null;
  }
}

const sameKey = (key: unknown[]) => JSON.stringify(key.map(normaliseValue));

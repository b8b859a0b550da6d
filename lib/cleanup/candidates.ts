import { sightingKey } from "../sightings/record";
import { childStretch, sameTargetCandidates } from "../targets/features/cleanup";
import { keyAtOffsetStatement } from "../targets/sql";
import type { CleanupPlan, DependentNode } from "./plan";
import type { Row } from "./rows";
import { awaitedLater } from "../errors/logged";

export interface Candidate {
  pk: unknown[];
  key: unknown[];
}

export interface Candidates {
  rows: Candidate[];
  /** Child rows looked at to find them. */
  examined: number;
  /** Where the walk stands after them; null at the child's end. */
  cursor: unknown[] | null;
}

/** Across targets, rows read per step: orphans may be sparse, and each step asks the parent once. */
const CROSS_TARGET_STRETCH = 4;

/** The next candidates after the cursor, and where the walk stands after them. */
export async function nextCandidates(plan: CleanupPlan, after: unknown[] | null, size: number): Promise<Candidates> {
  const { child, childRef, pk } = plan;
  const split = (r: Row): Candidate => ({ pk: pk.map((_, i) => r[`p${i}`]), key: childRef.columns.map((_, i) => r[`k${i}`]) });
  if (plan.sameTarget) {
    const rows = (
      await child.query(sameTargetCandidates(childRef, pk, plan.parentRef, child.parentLive("p", plan.softDelete), after, size, child.orphanProbe))
    ).map(split);
    return { rows, examined: rows.length, cursor: rows.length < size ? null : rows[rows.length - 1].pk };
  }
  const limit = size * CROSS_TARGET_STRETCH;
  const stretch = (await child.query(childStretch(childRef, pk, after, limit))).map(split);
  const keyed = stretch.filter((r) => r.key.every((v) => v != null));
  const missing = await missingAmong(plan, keyed);
  return { rows: missing, examined: stretch.length, cursor: stretch.length < limit ? null : stretch[stretch.length - 1].pk };
}

/**
 * Child rows a batch under the write lock (locked-batch.ts) looks at per candidate asked: its
 * read is bounded by the rows it walks, not by the orphans it finds. Bounded by orphans, a
 * stretch where they are sparse would hold the file's write lock for a walk of the whole table.
 */
const LOCKED_STRETCH = 4;

/**
 * The next candidates after the cursor among at most `size × LOCKED_STRETCH` rows of the child,
 * in one database, and where the walk stands after them: the last candidate when `size` were
 * found, else the stretch's end (null at the child's end). Rows whose primary key has a NULL
 * column are left out: no statement can address them by their key.
 */
export async function candidatesWithinStretch(plan: CleanupPlan, after: unknown[] | null, size: number): Promise<Candidates> {
  const { child, childRef, pk } = plan;
  const stretch = size * LOCKED_STRETCH;
  const statement = sameTargetCandidates(childRef, pk, plan.parentRef, child.parentLive("p", plan.softDelete), after, size, child.orphanProbe, stretch);
  const rows = (await child.query(statement)).map((r): Candidate => ({ pk: pk.map((_, i) => r[`p${i}`]), key: childRef.columns.map((_, i) => r[`k${i}`]) }));
  if (rows.length === size) return { rows, examined: rows.length, cursor: rows[rows.length - 1].pk };
  // Fewer: the whole stretch was looked at, and the walk goes on after its last row (none: the child's end).
  const [end] = await child.query(keyAtOffsetStatement({ ...childRef, columns: pk }, after, null, stretch - 1));
  return { rows, examined: rows.length, cursor: end ? pk.map((_, i) => end[`k${i}`]) : null };
}

/** Of these rows, those whose key has no live parent in the parent's database (asked in batches, distinct keys once). */
export async function missingAmong(plan: CleanupPlan, rows: Candidate[]): Promise<Candidate[]> {
  if (!rows.length) return [];
  const distinct = new Map<string, unknown[]>();
  for (const r of rows) distinct.set(sightingKey(r.key), r.key);
  const keys = [...distinct.values()];
  const columns = plan.childRef.columns.map((_, c) => keys.map((k) => k[c]));
  const gone = new Set((await plan.parent.missingKeys(plan.parentRef, columns, keys.length, plan.softDelete)).map((i) => sightingKey(keys[i])));
  return rows.filter((r) => gone.has(sightingKey(r.key)));
}

/**
 * Reads a job's candidates batch by batch, and, when the child is a server, the next
 * batch's while the caller works on this one (its store writes and its transaction): the
 * candidate SELECT is a plain read that takes no lock, and every row it finds is checked
 * again inside the transaction that changes it, so reading it early never lets a wrong
 * row through. Not read ahead: in-process databases (one connection, the read would run
 * inside the batch's transaction) and a child whose rows are dependents of its own rows, or
 * its own parent (a batch may remove rows the next one would then count, or make orphans
 * the read missed).
 */
export class CandidateReader {
  private ahead: { after: string; size: number; result: Promise<Candidates> } | null = null;
  private readonly readsAhead: boolean;

  constructor(private readonly plan: CleanupPlan) {
    this.readsAhead = !plan.child.inProcess && !reachesItself(plan);
  }

  async take(after: unknown[] | null, size: number): Promise<Candidates> {
    const ahead = this.ahead && this.ahead.after === positionText(after) ? this.ahead : null;
    this.ahead = null;
    let result: Candidates;
    if (!ahead) result = await nextCandidates(this.plan, after, size);
    else if (ahead.size === size) result = await ahead.result;
    // The batch size changed since the read ahead (it grows while batches are quick): on one
    // database, whose candidates are each row looked at, the rows read are cut at the new size
    // or topped up, instead of being read again.
    else if (this.plan.sameTarget) result = await resized(await ahead.result, size, (from, n) => nextCandidates(this.plan, from, n));
    else result = await nextCandidates(this.plan, after, size);
    if (this.readsAhead && result.cursor) {
      const next = nextCandidates(this.plan, result.cursor, size);
      // Its failure surfaces when taken (and is then handled like any batch's); left untaken, it is dropped.
      this.ahead = { after: positionText(result.cursor), size, result: awaitedLater(next) };
    }
    return result;
  }
}

/**
 * Candidates read for another batch size, as a read of `size` would have found them: the
 * first `size` rows (the walk then stands at the last of them), or all of them and the
 * rest read after. Only for reads whose every row looked at is a candidate (one database).
 */
export async function resized(read: Candidates, size: number, more: (after: unknown[], n: number) => Promise<Candidates>): Promise<Candidates> {
  if (read.rows.length > size) {
    const rows = read.rows.slice(0, size);
    return { rows, examined: rows.length, cursor: rows[rows.length - 1].pk };
  }
  if (read.rows.length === size || !read.cursor) return read;
  const rest = await more(read.cursor, size - read.rows.length);
  return { rows: read.rows.concat(rest.rows), examined: read.examined + rest.examined, cursor: rest.cursor };
}

const positionText = (p: unknown[] | null) => (p ? JSON.stringify(p.map(String)) : "");

/** Whether the child is its own parent, or a table below it at any depth is its own table (a tree: comments under comments). */
function reachesItself(plan: CleanupPlan): boolean {
  const isChild = (target: string, ref: { schema: string; table: string }) =>
    target === plan.child.name && ref.schema === plan.childRef.schema && ref.table === plan.childRef.table;
  const self = (n: DependentNode): boolean => isChild(n.target.name, n.ref) || n.children.some(self);
  return isChild(plan.parent.name, plan.parentRef) || plan.dependents.some(self);
}

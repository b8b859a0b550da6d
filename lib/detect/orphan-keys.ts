import type { Relation } from "../relations/types";
import type { TargetPool } from "../targets/pool";
import type { ColumnsRef, ParentSoftDelete, ScanBound, Target } from "../targets/types";
import { assertColumnsExist } from "./checks";

const DAY_MS = 86_400_000;

/** Keys walked per step when listing orphans: small enough for a quick first preview page. */
export const LIST_WALK_KEYS = 2000;

export interface OrphanKeyWalk {
  child: Target;
  childRef: ColumnsRef;
  parent: Target;
  parentRef: ColumnsRef;
  softDelete?: ParentSoftDelete;
}

/** Opens a relation's two ends and checks their columns, as a scan does. */
export async function openRelation(relation: Relation, pool: TargetPool, now = new Date()): Promise<OrphanKeyWalk> {
  const child = await pool.get(relation.child.target);
  const parent = await pool.get(relation.parent.target);
  const childRef = { schema: relation.child.schema, table: relation.child.table, columns: relation.child.columns };
  const parentRef = { schema: relation.parent.schema, table: relation.parent.table, columns: relation.parent.columns };
  await assertColumnsExist(child, childRef, "child");
  await assertColumnsExist(parent, parentRef, "parent");
  const sd = relation.parentSoftDelete;
  if (sd) await assertColumnsExist(parent, { ...parentRef, columns: [sd.column] }, "parent");
  const softDelete = sd ? { column: sd.column, before: new Date(now.getTime() - sd.graceDays * DAY_MS) } : undefined;
  return { child, childRef, parent, parentRef, softDelete };
}

export interface OrphanKeyPage {
  /** Orphan keys found on this stretch of the walk, each as its column values. */
  keys: unknown[][];
  /** How many child rows carry each of them. */
  rows: number[];
  /** Where the next stretch starts (pass as `after`); null at the end of the child. */
  next: unknown[] | null;
}

/**
 * The orphan keys of a relation, a stretch of the child's key walk at a time: the same
 * walk and parent lookups as a cross-target scan (it works within one target too), so
 * it holds one page in memory whatever the table size. Same answer as the count: a key
 * with a NULL column is never an orphan; a parent soft-deleted past its grace is missing.
 */
export async function orphanKeyStretch(
  w: OrphanKeyWalk,
  after: unknown[] | null,
  walkKeys = LIST_WALK_KEYS,
  bounds: Record<string, ScanBound> = {},
): Promise<OrphanKeyPage> {
  const page = await w.child.walkKeys(w.childRef, after, walkKeys, bounds[w.child.name]);
  if (page.size === 0) return { keys: [], rows: [], next: null };
  const missing = await w.parent.missingKeys(w.parentRef, page.keys, page.size, w.softDelete, bounds[w.parent.name]);
  return { keys: missing.map((i) => page.keys.map((col) => col[i])), rows: missing.map((i) => page.rows[i]), next: page.next };
}

/**
 * Every orphan key of a relation, page by page (sightings, exports). `bounds`: each
 * target's limit on one statement (`scanStatementTimeoutMs`), as the count had.
 */
export async function* orphanKeyPages(
  relation: Relation,
  pool: TargetPool,
  opts: { scannedAt?: Date; bounds?: Record<string, ScanBound> } = {},
): AsyncGenerator<unknown[][]> {
  const w = await openRelation(relation, pool, opts.scannedAt);
  let after: unknown[] | null = null;
  do {
    const page = await orphanKeyStretch(w, after, 20_000, opts.bounds);
    if (page.keys.length) yield page.keys;
    after = page.next;
  } while (after);
}

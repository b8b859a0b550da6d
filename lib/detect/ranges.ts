import type { Relation } from "../relations/types";
import { normaliseValue, typeFamily } from "../targets/keys";
import type { TargetPool } from "../targets/pool";
import type { ChunkKey, KeyRange, ScanBound } from "../targets/types";
import { hasLeadingIndex } from "./checks";
import { openRelation, type OrphanKeyWalk } from "./orphan-keys";

/**
 * Rows one boundary step reads at most: a range of chunkRows rows is measured in steps of
 * this many index entries, so no statement of the cut walks millions of entries at once.
 */
export const BOUNDARY_STEP_ROWS = 100_000;

/**
 * The key a relation's count can be cut along. Across two databases: the key the walk
 * follows (the child's reference columns), so a chunk walks its own stretch of the key
 * index. Inside one: the child's reference columns too, where an index leads with them in
 * their order and their values order alike on both sides (cutsAlongReference), since each
 * range then reads the child's key index in key order and joins only its own slice of the
 * parent, as the one statement does over the whole. A range of the primary key joined the
 * whole parent again (PostgreSQL hashed it once per range) and probed it in the child's row
 * order (MariaDB, SQLite): `npm run bench:chunks`, 4 ranges of 2M rows against the one
 * statement, PostgreSQL 2.25–2.36× along the primary key, 0.67–0.76× along the reference;
 * MariaDB 4.35–8.27×, 1.45–1.50×; SQLite 1.28–9.86×, 1.27–1.55× (docs/architecture.md).
 * Such a key, and its ranges, say so (`reference`): a count bounds the parent only then.
 * Else the child's primary key (or SQLite's rowid), whose ranges each statement reads by
 * index. Null when there is none to cut along, or its values would not come back intact
 * from the part's JSON (only integer, text and uuid columns are cut).
 */
export async function chunkKey(w: Pick<OrphanKeyWalk, "child" | "childRef" | "parent" | "parentRef">): Promise<ChunkKey | null> {
  const { child, childRef } = w;
  // across targets the walk bounds no parent statement: the walked key is all a range says
  if (child !== w.parent) return (await hasLeadingIndex(child, childRef)) ? { columns: childRef.columns } : null;
  if (await cutsAlongReference(w)) return { columns: childRef.columns, reference: true };
  const primary = (await child.uniqueKeys()).find((k) => k.primary && k.schema === childRef.schema && k.table === childRef.table);
  if (!primary) return child.implicitRowKey ? { columns: [child.implicitRowKey] } : null;
  const types = await child.columnTypes({ ...childRef, columns: primary.columns });
  return types.every((t) => typeFamily(t) !== "other") ? { columns: primary.columns } : null;
}

/**
 * Whether a same-target relation is cut along its reference columns: an index on them in
 * their order, and each child column and the parent column it references of one family
 * that orders alike whatever the column's collation (integers, uuids). Text keys are cut
 * along the primary key: the bound on the parent's key compares in the parent column's
 * collation, which may order differently from the child's, and a parent outside its
 * range's bound would turn its children into orphans.
 */
async function cutsAlongReference(w: Pick<OrphanKeyWalk, "child" | "childRef" | "parentRef">): Promise<boolean> {
  if (!(await hasLeadingIndex(w.child, w.childRef, { inOrder: true }))) return false;
  const [childTypes, parentTypes] = await Promise.all([w.child.columnTypes(w.childRef), w.child.columnTypes(w.parentRef)]);
  return childTypes.every((t, i) => {
    const family = typeFamily(t);
    return (family === "integer" || family === "uuid") && typeFamily(parentTypes[i] ?? "") === family;
  });
}

/**
 * Cuts a relation whose child holds more than `chunkRows` rows (the catalog's estimate)
 * into ranges of its chunk key of about `chunkRows` rows each, lower bound exclusive and
 * upper inclusive, the first open at its start and the last at its end: together they
 * cover every row exactly once, so their counts add up to the one-statement count. The
 * boundaries are found by a keyset walk over the key's index, BOUNDARY_STEP_ROWS entries
 * per statement. Null: one count for the whole relation (small, or nothing to cut along).
 */
export async function planRanges(relation: Relation, pool: TargetPool, chunkRows: number, bound: ScanBound = {}): Promise<KeyRange[] | null> {
  const w = await openRelation(relation, pool);
  const estimate = await w.child.estimateRows(w.childRef);
  if (estimate == null || estimate <= chunkRows) return null;
  const key = await chunkKey(w);
  if (!key) return null;
  const ref = { schema: w.childRef.schema, table: w.childRef.table, columns: key.columns };
  const boundaries: unknown[][] = [];
  let after: unknown[] | null = null;
  let left = chunkRows;
  for (;;) {
    const step = Math.min(left, BOUNDARY_STEP_ROWS);
    const key = await w.child.keyAtOffset(ref, after, null, step - 1, bound);
    if (!key) break;
    after = key;
    left -= step;
    if (left === 0) {
      boundaries.push(key);
      left = chunkRows;
    }
  }
  // Fewer than a step's rows after the last boundary (none, often: the table ended on it):
  // they join the range before instead of making one of their own.
  if (left === chunkRows) boundaries.pop();
  if (!boundaries.length) return null;
  return rangesBetween(key, boundaries);
}

/** The ranges of this key cut at these boundaries (ascending): (−∞, b1], (b1, b2], …, (bn, +∞). */
export function rangesBetween(key: ChunkKey, boundaries: unknown[][]): KeyRange[] {
  return [...boundaries, null].map((to, i) => ({
    columns: key.columns,
    ...(key.reference ? { reference: true } : {}),
    ...(i > 0 ? { from: boundaries[i - 1] } : {}),
    ...(to ? { to } : {}),
  }));
}

/** A range as the part's JSON keeps it: big integers (bigint from SQLite) as their exact text, which every dialect compares back as the column's integer. */
export function rangeJson(range: KeyRange): KeyRange {
  const values = (key?: unknown[]) => key?.map((v) => (typeof v === "bigint" ? v.toString() : v));
  return {
    columns: range.columns,
    ...(range.reference ? { reference: true } : {}),
    ...(range.from ? { from: values(range.from) } : {}),
    ...(range.to ? { to: values(range.to) } : {}),
  };
}

/** How a range reads in a report or an error: `(id) in (5, 12]`, `(org_id, user_no) in (−∞, (2, 'x')]`. */
export function describeRange(range: KeyRange): string {
  const key = (k?: unknown[]) => (k ? (k.length === 1 ? show(k[0]) : `(${k.map(show).join(", ")})`) : null);
  const cols = range.columns.length === 1 ? range.columns[0] : `(${range.columns.join(", ")})`;
  return `${cols} in (${key(range.from) ?? "-∞"}, ${key(range.to) ?? "+∞"}${range.to ? "]" : ")"}`;
}

function show(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : normaliseValue(v);
}

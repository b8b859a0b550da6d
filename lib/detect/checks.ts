import { TargetError } from "../targets/errors";
import type { ColumnsRef, Target } from "../targets/types";

/**
 * Checks a table and its columns against the target's catalog before scanning, so a
 * typo gives "unknown column users.emial in shop" rather than a driver's SQL error.
 */
export async function assertColumnsExist(target: Target, ref: ColumnsRef, role: "child" | "parent"): Promise<void> {
  const all = await target.columns();
  const inTable = all.filter((c) => c.schema === ref.schema && c.table === ref.table);
  if (inTable.length === 0) {
    const near = [...new Set(all.filter((c) => c.table.toLowerCase() === ref.table.toLowerCase()).map((c) => `${c.schema}.${c.table}`))];
    const hint = near.length ? ` (did you mean ${near.join(" or ")}?)` : "";
    throw new TargetError("unknown_table", target.name, `${role} table ${ref.schema}.${ref.table} not found in target "${target.name}"${hint}`);
  }
  for (const column of ref.columns) {
    if (!inTable.some((c) => c.column === column)) {
      throw new TargetError(
        "unknown_column",
        target.name,
        `${role} column ${ref.table}.${column} not found in target "${target.name}" (columns: ${inTable.map((c) => c.column).join(", ")})`,
      );
    }
  }
}

/** True when the columns are, as a set, exactly a primary key or unique index. */
export async function isUniqueKey(target: Target, ref: ColumnsRef): Promise<boolean> {
  const keys = await target.uniqueKeys();
  const want = new Set(ref.columns);
  return keys.some((k) => k.schema === ref.schema && k.table === ref.table && k.columns.length === want.size && k.columns.every((c) => want.has(c)));
}

/**
 * True when some index starts with these columns (in any order): it serves lookups and
 * key-order walks. `inOrder`: in their order, as a range of the key (lib/detect/ranges.ts) needs.
 */
export async function hasLeadingIndex(target: Target, ref: ColumnsRef, opts: { inOrder?: boolean } = {}): Promise<boolean> {
  const indexes = await target.indexes();
  const want = new Set(ref.columns);
  return indexes.some(
    (i) =>
      i.schema === ref.schema &&
      i.table === ref.table &&
      i.columns.length >= want.size &&
      i.columns.slice(0, want.size).every((c, n) => (opts.inOrder ? c === ref.columns[n] : want.has(c))),
  );
}

/** CREATE INDEX advice for the child key (and the parent key) when either has no index. */
export async function indexAdvice(child: Target, childRef: ColumnsRef, parent: Target, parentRef: ColumnsRef): Promise<string | undefined> {
  const advice: string[] = [];
  if (!(await hasLeadingIndex(child, childRef))) advice.push(child.createIndexStatement(childRef));
  if (!(await hasLeadingIndex(parent, parentRef))) advice.push(parent.createIndexStatement(parentRef));
  return advice.length ? advice.join(";\n") + ";" : undefined;
}

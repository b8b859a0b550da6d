import type { RawBuilder } from "kysely";
import type { ColumnInfo, ColumnsRef } from "./types";

// Helpers the introspectors share for reading catalog rows.

/** The catalog entries of some columns, in order (undefined for a column the catalog does not list). */
export function columnsOf<C extends ColumnInfo>(all: C[], ref: ColumnsRef): (C | undefined)[] {
  return ref.columns.map((c) => all.find((x) => x.schema === ref.schema && x.table === ref.table && x.column === c));
}

/** Rows grouped by a key, groups and rows in the order they came (catalogs list a key or an index a row per column). */
export function groupRows<R>(rows: R[], key: (r: R) => string): R[][] {
  const groups = new Map<string, R[]>();
  for (const r of rows) {
    const k = key(r);
    const group = groups.get(k);
    if (group) group.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.values()];
}

/** The rows a catalog statement yields. */
export type RowsOf<Q> = Q extends RawBuilder<infer R> ? R[] : never;

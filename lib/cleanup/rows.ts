import { normaliseValue } from "../targets/keys";

/** A row as a target returned it, with its primary key as __pk0… */
export type Row = Record<string, unknown>;

export const pkOf = (row: Row, pkColumns: number): unknown[] => Array.from({ length: pkColumns }, (_, i) => row[`__pk${i}`]);

/** The row without the __pk aliases: what is archived and put back. */
export function plainRow(row: Row): Row {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith("__pk")));
}

/** A value as JSON can carry it and a target can take it back (bigints as text, bytes as \\x hex). */
export function jsonValue(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (Buffer.isBuffer(v)) return `\\x${v.toString("hex")}`;
  if (v instanceof Date) return v.toISOString();
  return v;
}

export function jsonRow(row: Row): Record<string, unknown> {
  return Object.fromEntries(Object.entries(plainRow(row)).map(([k, v]) => [k, jsonValue(v)]));
}

export const pkText = (pk: unknown[]) => JSON.stringify(pk.map(normaliseValue));

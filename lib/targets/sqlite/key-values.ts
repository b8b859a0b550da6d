import { accepted, canonicalFloat, refused, type KeyValueParse } from "../features/key-values";

export type Affinity = "INTEGER" | "TEXT" | "BLOB" | "REAL" | "NUMERIC";

/** SQLite's rules for a declared type's affinity (https://www.sqlite.org/datatype3.html#determination_of_column_affinity), in their order. */
export function affinityOf(type: string): Affinity {
  const t = type.toUpperCase();
  if (t.includes("INT")) return "INTEGER";
  if (/CHAR|CLOB|TEXT/.test(t)) return "TEXT";
  if (t.includes("BLOB") || t.trim() === "") return "BLOB";
  if (/REAL|FLOA|DOUB/.test(t)) return "REAL";
  return "NUMERIC";
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a key value as SQLite stores text given to a column of this declared type.
 * INTEGER and NUMERIC affinity turn a well-formed number that is exactly an integer into
 * that integer (`03047`, `+3047`, `3047.0` are all 3047), any other number into a REAL;
 * REAL affinity makes every number a REAL. An INTEGER or REAL key column is refused text
 * that is no number at all (`3O47`): SQLite would keep it as text, but no key of such a
 * column is meant to be one. NUMERIC columns (DATE, DECIMAL, UUID…) keep other text as
 * typed, like TEXT and untyped (BLOB) columns.
 */
export function parseSqliteKeyValue(type: string, text: string): KeyValueParse {
  const affinity = affinityOf(type);
  if (affinity === "TEXT" || affinity === "BLOB") return accepted(text);
  const t = text.trim();
  const number = NUMBER_TEXT.test(t) ? numeric(t) : null;
  if (number !== null && (affinity !== "INTEGER" || number.integer)) return accepted(affinity === "REAL" ? String(Number(number.value)) : number.value);
  if (affinity === "NUMERIC") return accepted(text);
  return refused(type || affinity, affinity === "INTEGER" ? "expected an integer" : "expected a number");
}

/** The value SQLite stores for a numeric literal: an exact int64 when it is one, else a double. */
function numeric(t: string): { value: string; integer: boolean } | null {
  if (/^[+-]?\d+$/.test(t)) {
    const n = BigInt(t);
    if (n >= INT64_MIN && n <= INT64_MAX) return { value: n.toString(), integer: true };
  }
  const f = canonicalFloat(t);
  if (f === null) return null;
  const d = Number(f);
  if (Number.isInteger(d) && Math.abs(d) <= Number.MAX_SAFE_INTEGER) return { value: String(d), integer: true };
  return { value: f, integer: false };
}

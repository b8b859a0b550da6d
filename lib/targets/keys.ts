/**
 * Keys cross databases with different types (bigint as string from pg, number from
 * SQLite, uuid vs text): compare them by one normal form.
 */
export function normaliseValue(v: unknown): string {
  if (v === null || v === undefined) return "\u0000null";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return `\\x${v.toString("hex")}`;
  return JSON.stringify(v);
}

/** Composite keys join with a separator that cannot appear in normalised text values. */
export function normaliseKey(key: readonly unknown[]): string {
  return key.length === 1 ? normaliseValue(key[0]) : key.map(normaliseValue).join("\u0001");
}

export type TypeFamily = "integer" | "text" | "uuid" | "other";

/** The family of a declared type, whatever the dialect spells it (bigint, int(11) unsigned, INTEGER, uuid…). */
export function typeFamily(type: string): TypeFamily {
  const t = type.toLowerCase();
  if (/int|serial/.test(t)) return "integer";
  if (/uuid/.test(t)) return "uuid";
  if (/char|text|clob|string/.test(t) || t === "") return "text";
  return "other";
}

const INTEGER = /^-?\d{1,20}$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * True when no row of a column of this family can hold the value ("abc" in a bigint
 * key, "x" in a uuid one): such a key has no parent, and sending it to the database
 * would make the cast fail the whole lookup (or, on MariaDB, turn it into 0).
 */
export function cannotBeOfFamily(value: unknown, family: TypeFamily): boolean {
  if (value == null) return false;
  if (family === "integer") {
    if (typeof value === "number") return !Number.isInteger(value);
    if (typeof value === "bigint") return false;
    return !(typeof value === "string" && INTEGER.test(value.trim()) && withinInt64(value.trim()));
  }
  if (family === "uuid") return !(typeof value === "string" && UUID.test(value.trim()));
  return false;
}

function withinInt64(digits: string): boolean {
  const n = BigInt(digits);
  return n >= -(2n ** 63n) && n < 2n ** 64n;
}

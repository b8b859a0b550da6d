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

/** Values as they are sent back to a database: strings, which every driver binds and casts. */
export function bindableValue(v: unknown): string | number {
  if (typeof v === "number") return v;
  return normaliseValue(v);
}

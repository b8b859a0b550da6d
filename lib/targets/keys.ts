/**
 * A key value as text, the form keys take when they travel to another database's
 * lookup (bigint as string from pg, BigInt from SQLite, dates as ISO, bytes as \x hex).
 */
export function normaliseValue(v: unknown): string {
  if (v === null || v === undefined) return "\u0000null";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return `\\x${v.toString("hex")}`;
  return JSON.stringify(v);
}

export type TypeFamily = "integer" | "text" | "uuid" | "other";

/** The family of a declared type, whatever the dialect spells it (bigint, int(11) unsigned, INTEGER, uuid…). */
export function typeFamily(type: string): TypeFamily {
  const t = type.toLowerCase();
  if (/\b(tiny|small|medium|big)?int(eger)?\b|\bint[248]\b|serial/.test(t)) return "integer";
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
    return !(typeof value === "string" && (plainDigits(value) || (INTEGER.test(value.trim()) && withinInt64(value.trim()))));
  }
  if (family === "uuid") return !(typeof value === "string" && UUID.test(value.trim()));
  return false;
}

/** An optional minus and 1 to 18 digits: always an int64. */
function plainDigits(s: string): boolean {
  return signedDigits(s, 18);
}

/**
 * An optional minus and 1 to `max` digits. Checked by char codes, since a cross-target
 * walk asks this of every key it looks up (the regex and BigInt path cost ~25 ms per 218K
 * keys in `npm run bench`).
 */
export function signedDigits(s: string, max: number): boolean {
  const n = s.length;
  let i = n > 0 && s.charCodeAt(0) === 45 ? 1 : 0;
  if (i >= n || n - i > max) return false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function withinInt64(digits: string): boolean {
  const n = BigInt(digits);
  return n >= -(2n ** 63n) && n < 2n ** 64n;
}

/**
 * The least and greatest of some integer keys (numbers, bigints or integer text, each
 * one an integer: see cannotBeOfFamily), compared as integers whatever order the child
 * walked them in, as decimal text; null for no keys or a value that is not an integer.
 * Exact: up to 15 digits compare as a double, more as a BigInt.
 */
export function integerBounds(values: readonly unknown[]): [string, string] | null {
  let lo: number | bigint | undefined;
  let hi: number | bigint | undefined;
  for (const v of values) {
    let x: number | bigint;
    if (typeof v === "number") x = v;
    else if (typeof v === "bigint") x = v;
    else if (typeof v === "string") {
      let t = v;
      if (!plainDigits(t)) {
        t = t.trim();
        if (!INTEGER.test(t)) return null;
      }
      x = t.length - (t.charCodeAt(0) === 45 ? 1 : 0) <= 15 ? Number(t) : BigInt(t);
    } else return null;
    if (typeof x === "number" && !Number.isSafeInteger(x)) return null;
    if (lo === undefined || x < lo) lo = x;
    if (hi === undefined || x > hi) hi = x;
  }
  return lo === undefined || hi === undefined ? null : [String(lo), String(hi)];
}

/** The values a declared integer type holds (MySQL's TINYINT … BIGINT [UNSIGNED], PostgreSQL's int2/4/8), or null for another type. */
export interface IntegerRange {
  min: bigint;
  max: bigint;
  /** Holds every signed 64-bit integer: a key of up to 18 characters that is an integer at all is inside. */
  wide: boolean;
}

export function integerRange(type: string): IntegerRange | null {
  const t = type.toLowerCase();
  const m = /^(tiny|small|medium|big)?int(eger)?\b|^int([248])\b|^(small|big)?serial\b/.exec(t);
  if (!m) return null;
  const size = m[1] ?? m[4]; // tiny, small, medium, big, or none: int, integer, serial
  const bits = m[3] ? Number(m[3]) * 8 : size === "tiny" ? 8 : size === "small" ? 16 : size === "medium" ? 24 : size === "big" ? 64 : 32;
  if (/unsigned/.test(t)) return { min: 0n, max: 2n ** BigInt(bits) - 1n, wide: false };
  return { min: -(2n ** BigInt(bits - 1)), max: 2n ** BigInt(bits - 1) - 1n, wide: bits === 64 };
}

/**
 * True when an integer key (as cannotBeOfFamily accepted it) lies outside the range: no
 * row of the column can hold it. Sent anyway, MariaDB's JSON_TABLE would clamp it to the
 * range's end (matching a parent that holds exactly that) and PostgreSQL's cast would
 * fail the whole lookup.
 */
export function outsideRange(value: unknown, range: IntegerRange): boolean {
  if (value == null) return false;
  if (typeof value === "number")
    return Number.isSafeInteger(value) ? value < Number(range.min) || value > Number(range.max) : Number.isInteger(value) && outsideRange(BigInt(value), range);
  if (typeof value === "bigint") return value < range.min || value > range.max;
  if (typeof value !== "string") return false;
  // bigint keys (pg hands them over as text): the common case, asked of every key a walk looks up
  if (range.wide && value.length <= 18) return false;
  const s = value.trim();
  // up to 10 characters: exact as a double, and the common case (checked per key of a walk)
  if (s.length <= 10 && plainDigits(s)) {
    const n = Number(s);
    return n < Number(range.min) || n > Number(range.max);
  }
  return INTEGER.test(s) && outsideRange(BigInt(s), range);
}

/**
 * Integer keys as one array literal ('{1,2,3}'), or null when any is not an integer. Sent
 * as one parameter where an array is expected (PostgreSQL), it spares the driver quoting
 * every element (16 ms of 218K keys).
 */
export function integerArrayLiteral(values: unknown[]): string | null {
  for (const v of values) {
    if (!(typeof v === "number" ? Number.isSafeInteger(v) : typeof v === "bigint" || (typeof v === "string" && signedDigits(v, 20)))) return null;
  }
  return `{${values.join(",")}}`;
}

/**
 * One column's keys as a JSON array for SQLite's json_each, or null when one of them would
 * not come back exactly as the value it is: integers (a BigInt, as SQLite returns them, or
 * a safe number) as JSON numbers, which json_each reads back as 64-bit integers; text as
 * JSON strings. Anything else (a real, a blob, a null) goes one parameter each.
 */
export function jsonKeyList(values: unknown[]): string | null {
  const parts: string[] = [];
  for (const v of values) {
    if (typeof v === "bigint" || (typeof v === "number" && Number.isSafeInteger(v))) parts.push(String(v));
    else if (typeof v === "string") parts.push(JSON.stringify(v));
    else return null;
  }
  return `[${parts.join(",")}]`;
}

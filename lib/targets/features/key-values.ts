import type { IntegerRange } from "../keys";

/**
 * A key value a person typed, read as a value of one column's declared type: its
 * canonical text (the spelling the database itself prints, so `03047` and `+3047` are one
 * key, `3047`), or why it is none. Each dialect maps its catalog's type names onto these
 * readers (lib/targets/<dialect>/key-values.ts); what is shared lives here.
 */
export type KeyValueParse = { ok: true; value: string } | { ok: false; expected: string; detail?: string };

export const accepted = (value: string): KeyValueParse => ({ ok: true, value });
export const refused = (expected: string, detail?: string): KeyValueParse => ({ ok: false, expected, ...(detail ? { detail } : {}) });

const INTEGER_TEXT = /^[+-]?\d+$/;

/** `+0042` → `42`, `-0` → `0`; null for anything that is not an integer literal or lies outside `range`. */
export function canonicalInteger(text: string, range: IntegerRange | null): string | null {
  const t = text.trim();
  if (!INTEGER_TEXT.test(t)) return null;
  const n = BigInt(t);
  if (range && (n < range.min || n > range.max)) return null;
  return n.toString();
}

/** Whether an integer literal is one at all but out of a type's range (for the message). */
export function outOfRange(text: string): boolean {
  return INTEGER_TEXT.test(text.trim());
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * A decimal literal (`3047`, `+3047.50`, `1e3`) in its shortest exact form: no sign for
 * positives, no leading zeros, no trailing fraction zeros (`3047.50` → `3047.5`). Null for
 * anything else. `scale`/`precision` (numeric(p,s)) refuse values the column cannot hold
 * exactly: a key with more fraction digits never equals a stored value.
 */
export function canonicalDecimal(text: string, limits: { precision?: number; scale?: number } = {}): string | null {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (!m || (!m[2] && !m[3])) return null;
  const [, sign, whole, fraction = "", exp] = m;
  const shift = exp ? Number(exp) : 0;
  if (!Number.isSafeInteger(shift) || Math.abs(shift) > 1000) return null;
  let digits = `${whole}${fraction}`;
  let point = whole.length + shift; // position of the decimal point within digits
  if (point < 0) {
    digits = "0".repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits += "0".repeat(point - digits.length);
  const intPart = digits.slice(0, point).replace(/^0+/, "") || "0";
  const fracPart = digits.slice(point).replace(/0+$/, "");
  if (limits.scale !== undefined && fracPart.length > limits.scale) return null;
  if (limits.precision !== undefined && (intPart === "0" ? 0 : intPart.length) > limits.precision - (limits.scale ?? 0)) return null;
  const zero = intPart === "0" && !fracPart;
  return `${sign === "-" && !zero ? "-" : ""}${intPart}${fracPart ? `.${fracPart}` : ""}`;
}

/** A finite floating-point literal as JavaScript prints the double (`3047.0` → `3047`). */
export function canonicalFloat(text: string): string | null {
  const t = text.trim();
  if (!DECIMAL_TEXT.test(t) || t === "" || t === "." || /^[+-]?\.?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? String(n) : null;
}

const UUID_TEXT = /^\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

/** A uuid, lower case with its four hyphens (how PostgreSQL prints one), from any spelling it accepts. */
export function canonicalUuid(text: string): string | null {
  const m = UUID_TEXT.exec(text.trim());
  return m ? m.slice(1, 6).join("-").toLowerCase() : null;
}

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date `YYYY-MM-DD` that exists (no 2023-02-30). */
export function canonicalDate(text: string): string | null {
  const m = DATE_TEXT.exec(text.trim());
  return m && realDate(+m[1], +m[2], +m[3]) ? m[0] : null;
}

function realDate(y: number, mo: number, d: number): boolean {
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * A date and time. Without a zone: `YYYY-MM-DD HH:MM:SS[.ffffff]` as written (the column
 * holds wall-clock time). With `zone` (a timestamptz), a value that names its offset is
 * turned into UTC (`…T10:00:00+02:00` → `… 08:00:00Z`) so two spellings of one instant are
 * one key; one without an offset is kept as written (the database reads it in its time zone).
 */
export function canonicalTimestamp(text: string, opts: { zone: boolean }): string | null {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac = "", offset] = m;
  if (!realDate(+y, +mo, +d) || +h > 23 || +mi > 59 || +s > 59) return null;
  const fraction = frac.replace(/0+$/, "");
  if (!offset) return `${y}-${mo}-${d} ${h}:${mi}:${s}${fraction ? `.${fraction}` : ""}`;
  if (!opts.zone) return null; // a zone on a column without one: the database would drop it silently
  const minutes = offset.toUpperCase() === "Z" ? 0 : offsetMinutes(offset);
  if (minutes === null) return null;
  const utc = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - minutes * 60_000).toISOString().slice(0, 19).replace("T", " ");
  return `${utc}${fraction ? `.${fraction}` : ""}Z`;
}

function offsetMinutes(offset: string): number | null {
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset);
  if (!m || +m[2] > 15 || +(m[3] ?? 0) > 59) return null;
  return (m[1] === "-" ? -1 : 1) * (+m[2] * 60 + +(m[3] ?? 0));
}

const TRUE = new Set(["t", "true", "y", "yes", "on", "1"]);
const FALSE = new Set(["f", "false", "n", "no", "off", "0"]);

/** PostgreSQL's boolean spellings, printed as `true` / `false`. */
export function canonicalBoolean(text: string): string | null {
  const t = text.trim().toLowerCase();
  return TRUE.has(t) ? "true" : FALSE.has(t) ? "false" : null;
}

/**
 * Text is taken as typed (a key's spaces and case may matter to the column's collation);
 * only a length bound (`varchar(36)`, counted in characters) refuses a value.
 */
export function textValue(text: string, type: string, maxLength: number | null): KeyValueParse {
  if (maxLength !== null && [...text].length > maxLength) return refused(type, `longer than ${maxLength} characters`);
  return accepted(text);
}

/** The `(n)` of `varchar(36)` / `character varying(36)` / `char(2)`, or null. */
export function lengthOf(type: string): number | null {
  const m = /\((\d+)\)/.exec(type);
  return m ? Number(m[1]) : null;
}

/** The precision and scale of `numeric(10,2)` / `decimal(10)`, each undefined when not declared. */
export function precisionOf(type: string): { precision?: number; scale?: number } {
  const m = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(type);
  return m ? { precision: Number(m[1]), scale: m[2] ? Number(m[2]) : 0 } : {};
}

import {
  accepted,
  canonicalBoolean,
  canonicalDate,
  canonicalDecimal,
  canonicalFloat,
  canonicalInteger,
  canonicalTimestamp,
  canonicalUuid,
  lengthOf,
  outOfRange,
  precisionOf,
  refused,
  textValue,
  type KeyValueParse,
} from "../features/key-values";
import { integerRange } from "../keys";

/**
 * Reads a key value as PostgreSQL would read it into a column of this type (the type as
 * format_type prints it: `bigint`, `numeric(10,2)`, `character varying(36)`, `uuid`,
 * `timestamp(3) with time zone`…), in the form PostgreSQL prints it back. Types not
 * listed (domains, enums, bytea…) are taken as typed: the database compares them, and a
 * value it cannot read makes that table's check fail visibly rather than pass.
 */
export function parsePostgresKeyValue(type: string, text: string): KeyValueParse {
  const t = type.toLowerCase().trim();
  const integer = integerRange(t);
  if (integer) {
    const v = canonicalInteger(text, integer);
    return v !== null ? accepted(v) : refused(t, outOfRange(text) ? "out of its range" : undefined);
  }
  if (/^(numeric|decimal)\b/.test(t)) {
    const v = canonicalDecimal(text, precisionOf(t));
    return v !== null ? accepted(v) : refused(t);
  }
  if (t === "real" || t === "double precision" || t === "float4" || t === "float8") {
    const v = canonicalFloat(text);
    return v !== null ? accepted(v) : refused(t);
  }
  if (t === "uuid") {
    const v = canonicalUuid(text);
    return v !== null ? accepted(v) : refused(t);
  }
  if (t === "date") {
    const v = canonicalDate(text);
    return v !== null ? accepted(v) : refused(t, "expected YYYY-MM-DD");
  }
  if (/^timestamp\b/.test(t)) {
    const v = canonicalTimestamp(text, { zone: /with time zone/.test(t) });
    return v !== null ? accepted(v) : refused(t, "expected YYYY-MM-DD HH:MM:SS");
  }
  if (t === "boolean") {
    const v = canonicalBoolean(text);
    return v !== null ? accepted(v) : refused(t);
  }
  if (/^character varying\b|^varchar\b/.test(t)) return textValue(text, t, lengthOf(t));
  if (/^character\b|^char\b|^bpchar\b/.test(t)) {
    // char(n) compares without its trailing blanks: `ab ` and `ab` are one value
    return textValue(text.replace(/ +$/, ""), t, lengthOf(t) ?? 1);
  }
  return accepted(text);
}

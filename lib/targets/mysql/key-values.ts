import {
  accepted,
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
 * Reads a key value as a value of a MySQL / MariaDB column of this type (COLUMN_TYPE:
 * `bigint(20) unsigned`, `int`, `decimal(10,2)`, `varchar(36)`, `datetime(3)`, `uuid`,
 * `enum('a','b')`…), in the form the server prints it. In a comparison the server would
 * turn `3O47` into 3 and `abc` into 0 for an integer column: here they are refused. Types
 * not listed (binary, json, bit…) are taken as typed.
 */
export function parseMysqlKeyValue(type: string, text: string): KeyValueParse {
  const t = type.toLowerCase().trim();
  const integer = integerRange(t);
  if (integer) {
    const v = canonicalInteger(text, integer);
    return v !== null ? accepted(v) : refused(t, outOfRange(text) ? "out of its range" : undefined);
  }
  if (/^(decimal|numeric|dec|fixed)\b/.test(t)) {
    const v = canonicalDecimal(text, { precision: 10, scale: 0, ...precisionOf(t) });
    return v !== null ? accepted(v) : refused(t);
  }
  if (/^(float|double|real)\b/.test(t)) {
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
  if (/^(datetime|timestamp)\b/.test(t)) {
    const v = canonicalTimestamp(text, { zone: false });
    return v !== null ? accepted(v) : refused(t, "expected YYYY-MM-DD HH:MM:SS");
  }
  if (/^enum\(/.test(t)) return enumValue(type, text);
  if (/^(var)?char\b/.test(t)) return textValue(text, t, lengthOf(t));
  return accepted(text);
}

/** One of the declared members (compared case-insensitively, as the default collations do), spelled as declared. */
function enumValue(type: string, text: string): KeyValueParse {
  const members = [...type.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1].replace(/''/g, "'"));
  const found = members.find((m) => m.toLowerCase() === text.trim().toLowerCase());
  return found !== undefined ? accepted(found) : refused(type, `one of ${members.map((m) => `'${m}'`).join(", ")}`);
}

import type { Config } from "../config/types";
import { TargetError } from "../targets/errors";
import type { TargetPool } from "../targets/pool";
import { UserError, type UserErrorKind } from "../errors/user-error";

type SubjectConfig = Config["subjects"][number];

/** A key value that is no value of its column's type (`3O47` for a bigint id): refused, nothing stored. */
export class KeyValueError extends UserError {
  constructor(message: string) {
    super("usage", message);
  }
}

/** The key column's types could not be read (the subject's database is unreachable…): nothing is stored either. */
export class KeyCheckError extends UserError {
  /** usage when the configured table or column does not exist; the target's own kind (unreachable, timeout…) otherwise. */
  constructor(message: string, kind: UserErrorKind = "usage") {
    super(kind, message);
  }
}

/** Errors listed in one message before "and N more". */
const LISTED = 5;

/**
 * Reads each key by the subject's key column types, as the subject's database would
 * (lib/targets/<dialect>/key-values.ts), and returns them in canonical form: `03047` and
 * `+3047` are both `3047`, a uuid is lower case. A key that is no value of its column's
 * type would match no row anywhere and so be certified erased: every such key is refused
 * with the type it is not, and none of the keys is returned. `lines` (a CSV upload) puts
 * each key's line in its message.
 */
export async function canonicalKeys(pool: TargetPool, subject: SubjectConfig, keys: string[][], lines?: number[]): Promise<string[][]> {
  const { types, schema, parse } = await keyColumnTypes(pool, subject);
  const errors: string[] = [];
  keys.forEach((key, i) => {
    if (key.length !== subject.key.length)
      errors.push(`${lines?.[i] ? `line ${lines[i]}: ` : ""}expected ${subject.key.length} key value(s) (${subject.key.join(", ")}), found ${key.length}`);
  });
  const out = keys.map((key, i) =>
    key.map((text, j) => {
      const r = parse(types[j], text);
      if (r.ok) return r.value;
      const where = `${subject.target}.${subject.schema ? `${schema}.` : ""}${subject.table}.${subject.key[j]}`;
      errors.push(`${lines?.[i] ? `line ${lines[i]}: ` : ""}key '${text}' is not ${article(r.expected)} (${where})${r.detail ? `: ${r.detail}` : ""}`);
      return text;
    }),
  );
  if (errors.length) {
    // every problem of an upload at once (the first few), so a person fixes the file in one go
    throw new KeyValueError(
      `${errors.slice(0, LISTED).join("; ")}${errors.length > LISTED ? `; and ${errors.length - LISTED} more` : ""}. Nothing was stored.`,
    );
  }
  return out;
}

async function keyColumnTypes(pool: TargetPool, subject: SubjectConfig) {
  try {
    const target = await pool.get(subject.target);
    const schema = subject.schema ?? (await target.defaultSchema());
    const columns = (await target.columns()).filter((c) => c.schema === schema && c.table === subject.table);
    if (!columns.length)
      throw new KeyCheckError(`subject "${subject.name}": table ${subject.target}.${schema}.${subject.table} does not exist, so its keys cannot be checked`);
    const types = subject.key.map((k) => {
      const column = columns.find((c) => c.column === k);
      if (!column)
        throw new KeyCheckError(`subject "${subject.name}": ${subject.target}.${schema}.${subject.table} has no column "${k}", so its keys cannot be checked`);
      return column.dataType;
    });
    return { types, schema, parse: target.parseKeyValue.bind(target) };
  } catch (err) {
    if (err instanceof TargetError)
      throw new KeyCheckError(`cannot check the key against ${subject.target}.${subject.table}'s column types: ${err.message}`, err.toUserError().kind);
    throw err;
  }
}

/** "a bigint", "an integer", "an INTEGER". */
function article(type: string): string {
  return `${/^[aeiou]/i.test(type) ? "an" : "a"} ${type}`;
}

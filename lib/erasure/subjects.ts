import { z } from "zod";
import type { Config } from "../config/types";
import type { TargetPool } from "../targets/pool";
import { canonicalKeys } from "./keys";
import { UserError } from "../errors/user-error";

/** A configured subject (`subjects:`) with its schema resolved, and one key of it. */
export interface ResolvedSubject {
  name: string;
  target: string;
  schema: string;
  table: string;
  keyColumns: string[];
  /** The key's values as text, one per key column. */
  key: string[];
}

/** A subject reference a person can act on: unknown subject, wrong number of key values. */
export class SubjectError extends UserError {
  constructor(message: string) {
    super("usage", message);
  }
}

type SubjectConfig = Config["subjects"][number];

/** The configured subject with this name, or a clear error naming the ones there are. */
export function subjectByName(config: Config, name: string): SubjectConfig {
  const s = config.subjects.find((x) => x.name === name);
  if (!s) throw new SubjectError(`unknown subject "${name}"; ${knownSubjects(config)}`);
  return s;
}

function knownSubjects(config: Config): string {
  return config.subjects.length
    ? `configured: ${config.subjects.map((s) => `${s.name} (${s.target}.${s.schema ? `${s.schema}.` : ""}${s.table})`).join(", ")}`
    : "no subjects are configured (add `subjects:` to the config)";
}

/**
 * Parses `TARGET.TABLE:KEY` (or `TARGET.SCHEMA.TABLE:KEY`) against the configured
 * subjects. Matching whole configured names rather than splitting on "." and ":" lets
 * table names and keys hold either. A composite key is a JSON array: `shop.members:["acme",7]`.
 */
export function parseSubjectRef(config: Config, ref: string): { subject: SubjectConfig; key: string[] } {
  const prefixes = config.subjects.flatMap((s) => [
    { s, prefix: `${s.target}.${s.table}:` },
    ...(s.schema ? [{ s, prefix: `${s.target}.${s.schema}.${s.table}:` }] : []),
  ]);
  const match = prefixes.filter((p) => ref.startsWith(p.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
  if (!match) throw new SubjectError(`"${ref}" names no configured subject (expected TARGET.TABLE:KEY); ${knownSubjects(config)}`);
  return { subject: match.s, key: parseKey(match.s, ref.slice(match.prefix.length)) };
}

const keyValue = z.union([z.string(), z.number().finite()]).transform(String);

/** One value per key column: plain text for a one-column key, a JSON array otherwise. */
export function parseKey(subject: SubjectConfig, text: string): string[] {
  if (subject.key.length === 1) {
    if (!text.length) throw new SubjectError(`expected a key value for ${subject.name}`);
    return [text];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SubjectError(`expected ${subject.key.length} key values as a JSON array, e.g. ["acme",7] (key columns: ${subject.key.join(", ")})`);
  }
  const values = z.array(keyValue).length(subject.key.length).safeParse(parsed);
  if (!values.success) throw new SubjectError(`expected ${subject.key.length} key values (${subject.key.join(", ")}) as a JSON array`);
  return values.data;
}

/**
 * The subject and its key, ready to verify. The key is read by its column's type again
 * (a request filed before keys were checked, a column whose type changed): one that is no
 * value of it is refused (KeyValueError), never walked into "0 rows, complete".
 */
export async function resolveSubject(pool: TargetPool, subject: SubjectConfig, key: string[]): Promise<ResolvedSubject> {
  const schema = subject.schema ?? (await (await pool.get(subject.target)).defaultSchema());
  const [canonical] = await canonicalKeys(pool, subject, [key]);
  return { name: subject.name, target: subject.target, schema, table: subject.table, keyColumns: subject.key, key: canonical };
}

/** How a subject is written on the command line and in reports. */
export function subjectLabel(s: { target: string; table: string; key: string[] }): string {
  return `${s.target}.${s.table}:${s.key.length === 1 ? s.key[0] : JSON.stringify(s.key)}`;
}

import type { Config } from "../config/types";
import type { Relation } from "../relations/types";
import { TargetError } from "../targets/errors";
import { cannotBeOfFamily, normaliseValue, typeFamily, type TypeFamily } from "../targets/keys";
import type { TargetPool } from "../targets/pool";
import { boundValues, referencedKeysStatement, residueCountStatement, residueSampleStatement, type RowFilter } from "../targets/features/subject";
import type { Target } from "../targets/types";
import { node, sameTable, subjectGraph, tableKey, type TableNode } from "../relations/graph";
import type { ResolvedSubject } from "./subjects";

/** Sample keys kept per table: enough for a person to find the rows, never their contents. */
const SAMPLES = 5;
/** Distinct keys fetched per statement when keys must travel to another target. */
const KEY_PAGE = 5000;
/** Keys of one table's residue carried to another target: beyond this the walk says so instead of growing. */
const MAX_CARRIED_KEYS = 1_000_000;

export interface TableResidue {
  target: string;
  schema: string;
  table: string;
  /** Rows still holding the subject's data (rows kept with their PII emptied are not). */
  residualRows: number;
  /** Rows kept on purpose (a softDelete table's `pii:` columns all emptied). */
  redactedRows: number;
  /** The columns `sampleKeys` holds (the table's primary key, else the referencing columns). */
  keyColumns: string[];
  /** The first residual rows' keys, as text: ids only. */
  sampleKeys: string[][];
  /** PII columns checked (from `softDelete:`), when any. */
  piiColumns: string[];
  /** The relations followed into this table (none for the subject's own table). */
  via: string[];
  /** Why this table could not be verified: its residue is unknown, so the verdict is incomplete. */
  error?: string;
}

export interface WalkResult {
  tables: TableResidue[];
  /** Relations not followed because they close a cycle. */
  cycles: string[];
}

interface Walked {
  filter: RowFilter | null;
  target: Target | null;
}

/**
 * Counts, per table, the rows still holding one subject's data: the subject's own row
 * (residue unless its PII is emptied), then every table that reaches it through the
 * relations, parents first, transitively and across targets.
 *
 * Within a target, a table's rows are found by a filter that names its parent's filter
 * (EXISTS, pushed down: no rows travel). Across targets, the parent's matching keys
 * travel in keyset pages (only the subject's residue, never a whole table) and are bound
 * into the child's statements in chunks the driver accepts.
 */
export async function walkSubject(config: Config, pool: TargetPool, relations: Relation[], subject: ResolvedSubject): Promise<WalkResult> {
  const root: TableNode = { target: subject.target, schema: subject.schema, table: subject.table };
  const graph = subjectGraph(root, relations);
  const walked = new Map<string, Walked>();
  const tables: TableResidue[] = [];

  for (const t of graph.order) {
    const via = (graph.incoming.get(tableKey(t)) ?? []).map((r) => r.name);
    const residue: TableResidue = { ...t, residualRows: 0, redactedRows: 0, keyColumns: [], sampleKeys: [], piiColumns: [], via };
    tables.push(residue);
    try {
      const target = await pool.get(t.target);
      const filter = sameTable(t, root)
        ? await valuesFilter(target, t, subject.keyColumns, [subject.key])
        : await incomingFilter(t, target, graph.incoming.get(tableKey(t)) ?? [], walked, subject, root);
      walked.set(tableKey(t), { filter, target });
      await measure(config, target, t, filter, residue, graph.incoming.get(tableKey(t))?.[0]?.child.columns ?? subject.keyColumns);
    } catch (err) {
      walked.set(tableKey(t), { filter: null, target: null });
      residue.error = err instanceof TargetError || err instanceof WalkLimitError ? err.message : `${(err as Error)?.message ?? err}`;
    }
  }
  return { tables, cycles: graph.cycles.map((r) => r.name) };
}

/** A residue too large to carry between targets in bounded memory. */
export class WalkLimitError extends Error {}

async function incomingFilter(
  t: TableNode,
  target: Target,
  incoming: Relation[],
  walked: Map<string, Walked>,
  subject: ResolvedSubject,
  root: TableNode,
): Promise<RowFilter> {
  const parts: RowFilter[] = [];
  for (const r of incoming) {
    const from = node(r.parent);
    // Straight off the subject's key: its value is known even when its row is long gone.
    if (sameTable(from, root) && r.parent.columns.every((c) => subject.keyColumns.includes(c))) {
      const key = r.parent.columns.map((c) => subject.key[subject.keyColumns.indexOf(c)]);
      parts.push(await valuesFilter(target, t, r.child.columns, [key]));
      continue;
    }
    const parent = walked.get(tableKey(from));
    if (!parent?.filter || !parent.target)
      throw new WalkLimitError(`not verified: ${from.target}.${from.table}, which it is reached through (${r.name}), could not be read`);
    if (from.target === t.target && boundValues(parent.filter) <= target.lookupBatchSize(1)) {
      parts.push({
        kind: "parent",
        columns: r.child.columns,
        parent: { schema: from.schema, table: from.table },
        parentColumns: r.parent.columns,
        filter: parent.filter,
      });
      continue;
    }
    const keys = await referencedKeys(parent.target, from, r.parent.columns, parent.filter);
    parts.push(await valuesFilter(target, t, r.child.columns, keys));
  }
  return parts.length === 1 ? parts[0] : { kind: "any", of: parts };
}

/** `columns IN keys`, each value bound in the form the column's type compares with; impossible keys dropped. */
async function valuesFilter(target: Target, t: TableNode, columns: string[], keys: unknown[][]): Promise<RowFilter> {
  const families = (await target.columnTypes({ schema: t.schema, table: t.table, columns })).map(typeFamily);
  const bindable = keys.filter((k) => k.every((v, i) => !cannotBeOfFamily(v, families[i])));
  return { kind: "values", columns, keys: bindable.map((k) => k.map((v, i) => bindValue(v, families[i]))) };
}

/**
 * Keys travel between databases as text (a pg bigint is a string, a SQLite one a BigInt);
 * an integer column gets a number when exact, so an untyped SQLite column still matches.
 */
function bindValue(v: unknown, family: TypeFamily): unknown {
  const text = normaliseValue(v);
  if (family === "integer" && /^-?\d{1,15}$/.test(text)) return Number(text);
  return text;
}

/** The distinct values of `columns` among a table's matching rows, page by page. */
async function referencedKeys(target: Target, t: TableNode, columns: string[], filter: RowFilter): Promise<unknown[][]> {
  const out: unknown[][] = [];
  const seen = new Set<string>();
  await chunked(target, t, filter, async (f) => {
    let after: unknown[] | null = null;
    for (;;) {
      const rows: Record<string, unknown>[] = await target.query(referencedKeysStatement(t, columns, f, after, KEY_PAGE));
      for (const row of rows) {
        const key = columns.map((_, i) => row[`k${i}`]);
        const id = JSON.stringify(key.map(normaliseValue));
        if (seen.has(id)) continue;
        seen.add(id);
        out.push(key);
        if (out.length > MAX_CARRIED_KEYS) {
          throw new WalkLimitError(
            `more than ${MAX_CARRIED_KEYS.toLocaleString("en-US")} keys of ${t.target}.${t.table} would have to be carried to another database`,
          );
        }
      }
      if (rows.length < KEY_PAGE) return;
      after = columns.map((_, i) => rows[rows.length - 1][`k${i}`]);
    }
  });
  return out;
}

/**
 * Runs `fn` on the filter, or, when it binds more values than the driver takes, on slices
 * of its keys. Only a plain `values` filter is sliced: its keys are distinct, so each row
 * matches one slice and per-slice counts add up exactly.
 */
async function chunked(target: Target, t: TableNode, filter: RowFilter, fn: (f: RowFilter) => Promise<void>): Promise<void> {
  const limit = target.lookupBatchSize(1);
  if (boundValues(filter) <= limit) return fn(filter);
  if (filter.kind !== "values") {
    throw new WalkLimitError(`${t.target}.${t.table} is reached by several relations carrying more keys than one statement can bind (${boundValues(filter)})`);
  }
  const per = Math.max(1, Math.floor(limit / filter.columns.length));
  for (let i = 0; i < filter.keys.length; i += per) await fn({ ...filter, keys: filter.keys.slice(i, i + per) });
}

/** Counts a table's matching rows (residual and redacted) and samples the residual ones' keys. */
async function measure(config: Config, target: Target, t: TableNode, filter: RowFilter, out: TableResidue, fallbackKey: string[]): Promise<void> {
  const pii = await piiColumns(config, target, t);
  out.piiColumns = pii.map((p) => p.column);
  const primary = (await target.uniqueKeys()).find((u) => u.primary && u.schema === t.schema && u.table === t.table);
  out.keyColumns = primary?.columns ?? fallbackKey;
  await chunked(target, t, filter, async (f) => {
    const [row] = await target.query(residueCountStatement(t, f, pii));
    const n = Number(row?.n ?? 0);
    const redacted = Number(row?.redacted ?? 0);
    out.residualRows += n - redacted;
    out.redactedRows += redacted;
    if (n - redacted > 0 && out.sampleKeys.length < SAMPLES) {
      const rows = await target.query(residueSampleStatement(t, out.keyColumns, f, pii, SAMPLES - out.sampleKeys.length));
      out.sampleKeys.push(...rows.map((r) => out.keyColumns.map((_, i) => normaliseValue(r[`k${i}`]))));
    }
  });
}

/** The `pii:` columns configured for this table under `softDelete:`, with whether each is text. */
async function piiColumns(config: Config, target: Target, t: TableNode): Promise<{ column: string; text: boolean }[]> {
  const defaultSchema = await target.defaultSchema();
  const entry = config.softDelete.find((s) => s.target === t.target && (s.schema ?? defaultSchema) === t.schema && s.table === t.table);
  if (!entry?.pii?.length) return [];
  const types = await target.columnTypes({ schema: t.schema, table: t.table, columns: entry.pii });
  return entry.pii.map((column, i) => ({ column, text: typeFamily(types[i]) === "text" }));
}

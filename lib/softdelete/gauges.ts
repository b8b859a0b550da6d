import type { Config } from "../config/types";
import { isTargetError } from "../targets/errors";
import type { TargetPool } from "../targets/pool";
import { gaugeStatement } from "../targets/features/softdelete";
import type { PartialIndex } from "../targets/types";
import { graceCutoff, olderThan, stampToDate } from "./grace";
import { notYetRedacted } from "./pending";
import { findSoftDeleteConfig, resolveSoftDeleteTable, tableIdOf, type SoftDeleteConfig } from "./tables";

/** Histogram edges in days; the table's grace is added as an edge of its own. */
const EDGES = [1, 7, 14, 30, 60, 90, 180, 365];

export interface HistogramBucket {
  label: string;
  /** Ages from `fromDays` (inclusive) to `toDays` (exclusive; null: and older). */
  fromDays: number;
  toDays: number | null;
  rows: number;
  pastGrace: boolean;
}

export interface SoftDeleteGauge {
  table: string;
  target: string;
  column: string;
  graceDays: number;
  purge: "delete" | "redact";
  deleted: number;
  pending: number;
  oldestPendingAt: string | null;
  alertAt: number;
  alert: boolean;
  histogram: HistogramBucket[];
  /** An index whose first column is the stamp, or a partial index on it. */
  columnIndexed: boolean;
  columnIndexStatement: string | null;
  /** Per unique column: a partial unique index over live rows, or the statement that adds it (null where the dialect has none). */
  unique: { column: string; partialUnique: boolean; statement: string | null }[];
  error?: string;
}

const isLiveOnly = (p: PartialIndex, stamp: string) =>
  new RegExp(`${stamp.replace(/[^a-z0-9_]/gi, "")}"?\\)?\\s+IS\\s+NULL`, "i").test(p.predicate) && !/NOT\s+NULL/i.test(p.predicate);
const mentions = (p: PartialIndex, stamp: string) => p.predicate.toLowerCase().includes(stamp.toLowerCase());

/** The gauges of every soft-delete table (a table whose database cannot be read says so, with the others shown). */
export async function softDeleteGauges(config: Config, pool: TargetPool, now = new Date()): Promise<SoftDeleteGauge[]> {
  return Promise.all(config.softDelete.map((entry) => gaugeOf(config, pool, entry as SoftDeleteConfig, now)));
}

export async function gaugeOf(config: Config, pool: TargetPool, entry: SoftDeleteConfig, now = new Date()): Promise<SoftDeleteGauge> {
  const base = { target: entry.target, column: entry.column, graceDays: entry.graceDays, purge: entry.purge, alertAt: entry.pendingAlert };
  try {
    const sd = await resolveSoftDeleteTable(
      config,
      pool,
      findSoftDeleteConfig(config, `${entry.target}.${entry.schema ? `${entry.schema}.` : ""}${entry.table}`),
    );
    const t = sd.target;
    const edges = [...new Set([...EDGES, entry.graceDays])].filter((d) => d > 0).sort((a, b) => a - b);
    const older = edges.map((d) => olderThan(t, "r", entry.column, graceCutoff(d, now)));
    const notRedacted = await notYetRedacted(config, sd);
    const [row] = await t.query(gaugeStatement(sd.ref, entry.column, olderThan(t, "r", entry.column, graceCutoff(entry.graceDays, now)), older, notRedacted));
    const deleted = Number(row.deleted ?? 0);
    const olderCounts = edges.map((_, i) => Number(row[`b${i}`] ?? 0));
    const bounds = [0, ...edges];
    const histogram: HistogramBucket[] = bounds.map((from, i) => {
      const to = i < edges.length ? edges[i] : null;
      const olderThanFrom = i === 0 ? deleted : olderCounts[i - 1];
      const olderThanTo = to === null ? 0 : olderCounts[i];
      return {
        label: to === null ? `${from}+ d` : `${from}–${to} d`,
        fromDays: from,
        toDays: to,
        rows: olderThanFrom - olderThanTo,
        pastGrace: from >= entry.graceDays,
      };
    });

    const [indexes, partial] = await Promise.all([t.indexes(), t.partialIndexes()]);
    const onTable = <X extends { schema: string; table: string }>(x: X) => x.schema === sd.ref.schema && x.table === sd.ref.table;
    const columnIndexed = indexes.some((i) => onTable(i) && i.columns[0] === entry.column) || partial.some((p) => onTable(p) && mentions(p, entry.column));
    const unique = (entry.unique ?? []).map((column) => {
      const partialUnique = partial.some((p) => onTable(p) && p.unique && p.columns.length === 1 && p.columns[0] === column && isLiveOnly(p, entry.column));
      return {
        column,
        partialUnique,
        statement: partialUnique ? null : t.partialIndexStatement({ ...sd.ref, columns: [column] }, entry.column, { unique: true, live: true }),
      };
    });
    const pending = Number(row.pending ?? 0);
    return {
      ...base,
      table: sd.id,
      deleted,
      pending,
      oldestPendingAt: stampToDate(row.oldest)?.toISOString() ?? null,
      alert: pending > entry.pendingAlert,
      histogram,
      columnIndexed,
      columnIndexStatement: columnIndexed
        ? null
        : (t.partialIndexStatement({ ...sd.ref, columns: sd.pk }, entry.column, { unique: false, live: false }) ??
          t.createIndexStatement({ ...sd.ref, columns: [entry.column] })),
      unique,
    };
  } catch (err) {
    if (!isTargetError(err)) throw err;
    return {
      ...base,
      table: tableIdOf(entry.target, { schema: entry.schema ?? "?", table: entry.table }),
      deleted: 0,
      pending: 0,
      oldestPendingAt: null,
      alert: false,
      histogram: [],
      columnIndexed: false,
      columnIndexStatement: null,
      unique: [],
      error: err.message,
    };
  }
}

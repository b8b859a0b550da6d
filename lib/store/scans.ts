import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Relation } from "../relations/types";
import type { Store } from "./client";

/**
 * What the store keeps of one sweep's counts. Declared here, not imported from lib/detect:
 * the store sits below the capabilities; lib/detect's ScanResult extends ScanRecord.
 */
export interface SweepRecord {
  scannedAt: Date;
  results: ScanRecord[];
}

export interface ScanRecord {
  relation: Relation;
  /** Null when the scan failed: a relation that could not be scanned never reports 0. */
  orphans: number | null;
  childRows: number | null;
  durationMs: number;
  scannedAt: Date;
  error?: string;
  errorKind?: string;
  indexAdvice?: string;
  /** Set after the count when its orphan sightings could not be recorded (lib/sightings/record.ts). */
  sightingsError?: string;
}

export function configHash(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
}

/** Stores a sweep and one scan row per relation (failed ones with their error and no counts). */
export async function recordSweep(store: Store, result: SweepRecord, meta: { trigger: string; configHash: string }): Promise<string> {
  const sweep = await store.prisma.sweep.create({
    data: { trigger: meta.trigger, configHash: meta.configHash, startedAt: result.scannedAt, status: "running" },
  });
  await completeSweep(store, sweep.id, result);
  return sweep.id;
}

/** Stores a claimed sweep's scans and marks it completed. */
export async function completeSweep(store: Store, sweepId: string, result: SweepRecord): Promise<void> {
  await storeScans(store, sweepId, result);
  await store.prisma.sweep.update({ where: { id: sweepId }, data: { status: "completed", finishedAt: new Date(), activity: null } });
}

/**
 * Stores a claimed sweep's scans and counts in one transaction (all there or none), the
 * sweep still running: what follows a count (sightings, suggestions, alerts) can take a
 * while, and a failure there must never lose the count.
 */
export async function storeScans(store: Store, sweepId: string, result: SweepRecord): Promise<void> {
  const failed = result.results.filter((r) => r.error).length;
  await store.prisma.$transaction(async (tx) => {
    await tx.scan.deleteMany({ where: { sweepId } }); // a sweep taken over from a dead worker starts clean
    await tx.scan.createMany({ data: result.results.map((r) => scanRow(sweepId, r)) });
    await tx.sweep.update({
      where: { id: sweepId },
      data: { relations: result.results.length, total: result.results.length, done: result.results.length, failed, heartbeatAt: new Date() },
    });
  });
}

function scanRow(sweepId: string, r: ScanRecord) {
  return {
    sweepId,
    relation: r.relation.name,
    origin: r.relation.origin,
    childTarget: r.relation.child.target,
    childSchema: r.relation.child.schema,
    childTable: r.relation.child.table,
    childColumns: r.relation.child.columns,
    parentTarget: r.relation.parent.target,
    parentSchema: r.relation.parent.schema,
    parentTable: r.relation.parent.table,
    parentColumns: r.relation.parent.columns,
    orphans: r.orphans == null ? null : BigInt(r.orphans),
    childRows: r.childRows == null ? null : BigInt(r.childRows),
    durationMs: r.durationMs,
    scannedAt: r.scannedAt,
    errorKind: r.errorKind ?? null,
    error: r.error ?? null,
    indexAdvice: r.indexAdvice ?? null,
    sightingsError: r.sightingsError ?? null,
  };
}

export interface LatestScan {
  relation: string;
  origin: string;
  childTarget: string;
  childSchema: string;
  childTable: string;
  childColumns: string[];
  parentTarget: string;
  parentSchema: string;
  parentTable: string;
  parentColumns: string[];
  orphans: bigint | null;
  childRows: bigint | null;
  durationMs: number;
  scannedAt: Date;
  errorKind: string | null;
  error: string | null;
  indexAdvice: string | null;
  sightingsError: string | null;
}

/**
 * The newest scan of every relation, in relation order. The relations are found by
 * skipping along the (relation, scanned_at) index (a recursive CTE: one probe per
 * relation), then each one's newest scan is one more probe: ~2 probes per relation
 * whatever the history. (DISTINCT ON sorted every stored scan: 450 ms for a year of
 * hourly scans of 50 relations.)
 */
export async function latestScans(store: Store): Promise<LatestScan[]> {
  return store.prisma.$queryRaw<LatestScan[]>`
    WITH RECURSIVE names AS (
      (SELECT relation FROM scans ORDER BY relation LIMIT 1)
      UNION ALL
      SELECT (SELECT s.relation FROM scans s WHERE s.relation > n.relation ORDER BY s.relation LIMIT 1)
      FROM names n WHERE n.relation IS NOT NULL
    )
    SELECT l.* FROM names n
    CROSS JOIN LATERAL (
      SELECT relation, origin, child_target AS "childTarget", child_schema AS "childSchema", child_table AS "childTable",
        child_columns AS "childColumns", parent_target AS "parentTarget", parent_schema AS "parentSchema",
        parent_table AS "parentTable", parent_columns AS "parentColumns", orphans, child_rows AS "childRows",
        duration_ms AS "durationMs", scanned_at AS "scannedAt", error_kind AS "errorKind", error, index_advice AS "indexAdvice",
        sightings_error AS "sightingsError"
      FROM scans WHERE relation = n.relation
      ORDER BY scanned_at DESC LIMIT 1
    ) l
    ORDER BY l.relation`;
}

/**
 * Declared relations seen before. When a target cannot be read its foreign keys are
 * unknown; these let the sweep report each of them as failed rather than drop them.
 */
export async function knownDeclaredRelations(store: Store): Promise<Relation[]> {
  const rows = await latestScans(store);
  return rows
    .filter((r) => r.origin === "declared")
    .map((r) => ({
      name: r.relation,
      origin: "declared" as const,
      child: { target: r.childTarget, schema: r.childSchema, table: r.childTable, columns: r.childColumns },
      parent: { target: r.parentTarget, schema: r.parentSchema, table: r.parentTable, columns: r.parentColumns },
    }));
}

/**
 * The latest completed sweep (queued and running ones are progress, not results). A
 * refresh after an action (trigger "refresh": lib/sweeps/refresh.ts) scans only what the
 * action touched, so it is no sweep of the fleet and does not count.
 */
export async function lastSweep(store: Store) {
  return store.prisma.sweep.findFirst({ where: { status: "completed", trigger: { not: "refresh" } }, orderBy: { startedAt: "desc" } });
}

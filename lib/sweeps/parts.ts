import type { SweepPartStatus } from "../../generated/prisma/enums";
import type { Config } from "../config/types";
import { planSweep, type SweepResult } from "../detect/sweep";
import { scanBounds, type ScanResult } from "../detect/scan";
import { describeRange, planRanges, rangeJson } from "../detect/ranges";
import { logFailure } from "../errors/logged";
import { claim, workerName, type JobModel } from "../jobs/lifecycle";
import type { Relation } from "../relations/types";
import type { Store } from "../store/client";
import { knownDeclaredRelations } from "../store/scans";
import { TargetPool } from "../targets/pool";
import type { KeyRange } from "../targets/types";

/**
 * A sweep run by the queue is cut into parts, one per relation, or one per range of a
 * relation whose child holds more than `sweep.chunkRows` rows: any worker takes any part,
 * a worker that dies loses only its part (taken over once its heartbeat is stale), and the
 * sweep is completed by whoever lands the last one (lib/sweeps/part-jobs.ts).
 */

/** A running part whose worker has not been heard of for this long is taken over: pg-boss's heartbeat for a part's job is as long. */
export const PART_STALE_MS = 30_000;

/** A part whose worker died this many times is not tried again: it lands as a failed count, and the sweep completes without it. */
export const MAX_PART_ATTEMPTS = 3;

export const sweepParts: JobModel<SweepPartStatus> = {
  noun: "sweep part",
  missing: "no such sweep part",
  rows: (store) => store.prisma.sweepPart,
  active: ["queued", "running"],
  staleMs: PART_STALE_MS,
};

/** Who runs a part, as its row records it (host:pid, as every job row). */
export { workerName };

export interface PartRef {
  sweepId: string;
  partId: string;
}

/**
 * Plans a claimed sweep's parts, or finds the ones planned before (the sweep's job taken
 * over after its worker died): the parts not landed yet, to send to the queue.
 */
export async function planParts(store: Store, config: Config, sweepId: string): Promise<{ pending: PartRef[]; total: number }> {
  const existing = await store.prisma.sweepPart.findMany({ where: { sweepId }, select: { id: true, status: true }, orderBy: { seq: "asc" } });
  if (existing.length) {
    const pending = existing.filter((p) => p.status === "queued" || p.status === "running").map((p) => ({ sweepId, partId: p.id }));
    return { pending, total: existing.length };
  }
  const sweep = await store.prisma.sweep.findUniqueOrThrow({ where: { id: sweepId }, select: { only: true } });
  const only = Array.isArray(sweep.only) ? (sweep.only as string[]) : undefined;
  const pool = new TargetPool(config.targets);
  const bounds = scanBounds(config.targets);
  const planned: { relation: Relation; range?: KeyRange }[] = [];
  try {
    const { relations } = await planSweep(config, pool, { only, known: await knownDeclaredRelations(store) });
    for (const relation of relations) {
      // A relation that cannot be cut (its target unreachable now, say) is one part: its count reports the failure.
      const ranges = await planRanges(relation, pool, config.sweep.chunkRows, bounds[relation.child.target]).catch(async (err) => {
        await logFailure("sweeps", `cutting ${relation.name} into ranges`)(err);
        return null;
      });
      if (ranges) for (const range of ranges) planned.push({ relation, range: rangeJson(range) });
      else planned.push({ relation });
    }
  } finally {
    await pool.close();
  }
  const parts = planned.map(({ relation, range }, seq) => ({
    sweepId,
    seq,
    relationName: relation.name,
    relation: relation as object,
    ...(range ? { range: range as object } : {}),
  }));
  await store.prisma.$transaction([
    store.prisma.sweepPart.createMany({ data: parts }),
    store.prisma.sweep.update({ where: { id: sweepId }, data: { total: parts.length, done: 0, heartbeatAt: new Date() } }),
  ]);
  const created = await store.prisma.sweepPart.findMany({ where: { sweepId }, select: { id: true }, orderBy: { seq: "asc" } });
  return { pending: created.map((p) => ({ sweepId, partId: p.id })), total: created.length };
}

/** Takes a part for this worker (queued, or running with a stale heartbeat): its relation as planned, or null when another worker has it or it landed. */
export async function claimPart(
  store: Store,
  partId: string,
  worker = workerName(),
  now = new Date(),
): Promise<{ relation: Relation; range: KeyRange | null; attempts: number } | null> {
  const won = await claim(
    store,
    sweepParts,
    partId,
    { free: ["queued"], silent: ["running"], restart: true, reset: { worker, attempts: { increment: 1 } } },
    now,
  );
  if (!won) return null;
  const part = await store.prisma.sweepPart.findUniqueOrThrow({ where: { id: partId }, select: { relation: true, range: true, attempts: true } });
  return { relation: part.relation as unknown as Relation, range: (part.range as KeyRange | null) ?? null, attempts: part.attempts };
}

/**
 * Lands a part's count, only if this worker still holds it (a worker taken over after a
 * long pause must not overwrite its successor's count). Failed scans land too, as counts
 * with an error: a part is `failed` only when it was given up.
 */
export async function landPart(store: Store, partId: string, worker: string, result: ScanResult, status: "done" | "failed" = "done"): Promise<boolean> {
  const n = await store.prisma.sweepPart.updateMany({
    where: { id: partId, status: "running", worker },
    data: { status, result: toJson(result), finishedAt: new Date(), heartbeatAt: null, error: status === "failed" ? (result.error ?? null) : null },
  });
  return n.count === 1;
}

/** Parts landed of parts, written on the sweep (its progress, and a heartbeat: the sweep is alive while its parts land). */
export async function partsProgress(store: Store, sweepId: string): Promise<{ landed: number; total: number }> {
  const counts = await store.prisma.sweepPart.groupBy({ by: ["status"], where: { sweepId }, _count: { _all: true } });
  const total = counts.reduce((s, c) => s + c._count._all, 0);
  const landed = counts.filter((c) => c.status === "done" || c.status === "failed").reduce((s, c) => s + c._count._all, 0);
  await store.prisma.sweep.updateMany({ where: { id: sweepId, status: "running" }, data: { done: landed, total, heartbeatAt: new Date() } });
  return { landed, total };
}

/**
 * The sweep's counts as its parts landed them, one per relation in relation order (the
 * ranges of a chunked relation added up): what follows the counts (scans, sightings,
 * alerts) runs on them as on an in-process sweep's.
 */
export async function partsResult(store: Store, sweepId: string): Promise<SweepResult | null> {
  const sweep = await store.prisma.sweep.findUniqueOrThrow({ where: { id: sweepId }, select: { startedAt: true } });
  const parts = await store.prisma.sweepPart.findMany({
    where: { sweepId },
    orderBy: { seq: "asc" },
    select: { status: true, result: true, relationName: true, range: true },
  });
  if (parts.some((p) => p.status !== "done" && p.status !== "failed")) return null;
  const byRelation = new Map<string, { result: ScanResult; range: KeyRange | null }[]>();
  for (const p of parts) {
    const list = byRelation.get(p.relationName) ?? [];
    list.push({ result: fromJson(p.result), range: (p.range as KeyRange | null) ?? null });
    byRelation.set(p.relationName, list);
  }
  return { scannedAt: sweep.startedAt, results: [...byRelation.values()].map(combineRanges), failures: [] };
}

/**
 * One relation's count from its ranges' counts: the sum, which equals the one-statement
 * count since the ranges cover every row once. One failed range fails the relation (its
 * count would be short): orphans null, never a partial sum, and the error names the range.
 */
export function combineRanges(parts: { result: ScanResult; range: KeyRange | null }[]): ScanResult {
  if (parts.length === 1) return parts[0].result;
  const [first] = parts;
  const failed = parts.filter((p) => p.result.error || p.result.orphans == null);
  const durationMs = parts.reduce((s, p) => s + p.result.durationMs, 0);
  if (failed.length) {
    const f = failed[0];
    const where = f.range ? ` (range ${describeRange(f.range)})` : "";
    const more = failed.length > 1 ? `; ${failed.length} of ${parts.length} ranges failed` : "";
    return {
      ...first.result,
      orphans: null,
      childRows: null,
      durationMs,
      error: `${f.result.error ?? "not counted"}${f.result.error?.includes("on range") ? "" : where}${more}`,
      errorKind: f.result.errorKind,
    };
  }
  return {
    ...first.result,
    orphans: parts.reduce((s, p) => s + (p.result.orphans ?? 0), 0),
    childRows: parts.reduce((s, p) => s + (p.result.childRows ?? 0), 0),
    durationMs,
  };
}

/** The parts of a sweep as `custodian sweep --wait` reports them. */
export async function partsReport(store: Store, sweepId: string) {
  const parts = await store.prisma.sweepPart.findMany({ where: { sweepId }, orderBy: { seq: "asc" } });
  return parts.map((p) => {
    const r = p.result ? fromJson(p.result) : null;
    return {
      relation: p.relationName,
      ...(p.range ? { range: p.range as unknown as KeyRange } : {}),
      status: p.status,
      worker: p.worker,
      orphans: r?.orphans ?? null,
      durationMs: r?.durationMs ?? null,
      attempts: p.attempts,
      ...(r?.error ? { error: r.error } : {}),
    };
  });
}

function toJson(r: ScanResult): object {
  return { ...r, scannedAt: r.scannedAt.toISOString() };
}

function fromJson(json: unknown): ScanResult {
  const r = json as ScanResult & { scannedAt: string };
  return { ...r, scannedAt: new Date(r.scannedAt) };
}

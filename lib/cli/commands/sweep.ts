import type { Config } from "../../config/types";
import { planSweep } from "../../detect/sweep";
import { usageError } from "../../errors/user-error";
import { startQueue } from "../../jobs/queue";
import { openStore, type Store } from "../../store/client";
import { configHash, knownDeclaredRelations } from "../../store/scans";
import { enqueueRequestedSweep } from "../../sweeps/job";
import { partsReport, partsResult } from "../../sweeps/parts";
import { describeRange } from "../../detect/ranges";
import { TargetPool } from "../../targets/pool";
import { EXIT, formatCount, table, type Output } from "../io";
import { scanJson } from "./scan";

/** How often `--wait` reads the sweep's progress. */
const POLL_MS = 1000;

/**
 * `custodian sweep [--relation NAME]... [--wait]`: asks the workers for a sweep (it scans
 * nothing in this process, unlike `scan`). Its parts are counted by whichever `custodian
 * worker`s (and web servers) run; `--wait` follows it to the end and prints its counts and
 * parts, exit 1 if a relation failed. Needs the PostgreSQL store: the embedded one is one
 * process, where `scan` is the way.
 */
export async function sweepCommand(config: Config, out: Output, opts: { only: string[]; wait: boolean; env?: NodeJS.ProcessEnv }): Promise<number> {
  const env = opts.env ?? process.env;
  if (!env.DATABASE_URL) {
    throw usageError(
      "custodian sweep hands the sweep to the workers, which share the PostgreSQL store: set DATABASE_URL (the embedded store admits one process; `custodian scan` counts in this one)",
    );
  }
  const store = await openStore({ purpose: "custodian sweep", env });
  try {
    if (opts.only.length) await checkRelations(store, config, opts.only);
    const sweep = await store.prisma.sweep.create({
      data: { trigger: "manual", status: "queued", requestedBy: "cli", configHash: configHash(config.file), only: opts.only.length ? opts.only : undefined },
    });
    const boss = await startQueue(store);
    try {
      await enqueueRequestedSweep(boss, sweep.id);
    } finally {
      await boss.stop({ graceful: false });
    }
    if (!opts.wait) {
      out.result(
        { sweepId: sweep.id, status: "queued" },
        () => `sweep ${sweep.id} queued: the workers count it (custodian sweep --wait follows one to its end)`,
      );
      return EXIT.ok;
    }
    return await waitForSweep(store, sweep.id, out);
  } finally {
    await store.close();
  }
}

/** Unknown relation names are a usage error here, before anything is queued (a worker would only fail the sweep). */
async function checkRelations(store: Store, config: Config, only: string[]): Promise<void> {
  const pool = new TargetPool(config.targets);
  try {
    await planSweep(config, pool, { only, known: await knownDeclaredRelations(store) });
  } finally {
    await pool.close();
  }
}

async function waitForSweep(store: Store, sweepId: string, out: Output): Promise<number> {
  let said = "";
  const started = Date.now();
  for (;;) {
    const s = await store.prisma.sweep.findUniqueOrThrow({ where: { id: sweepId } });
    if (s.status === "completed" || s.status === "failed") break;
    const line =
      s.status === "queued"
        ? Date.now() - started > 10_000
          ? "queued: waiting for a worker (is a `custodian worker` running on this store?)"
          : "queued"
        : `${s.done} of ${s.total ?? "?"} parts counted${s.activity ? `; ${s.activity}` : ""}`;
    if (line !== said) out.progress(`sweep ${sweepId}: ${line}`);
    said = line;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const sweep = await store.prisma.sweep.findUniqueOrThrow({ where: { id: sweepId } });
  const counted = await partsResult(store, sweepId);
  const scans = await store.prisma.scan.findMany({ where: { sweepId }, select: { relation: true, sightingsError: true } });
  const sightingsError = new Map(scans.map((s) => [s.relation, s.sightingsError]));
  const relations = (counted?.results ?? []).map((r) => scanJson({ ...r, sightingsError: sightingsError.get(r.relation.name) ?? undefined }));
  const parts = await partsReport(store, sweepId);
  const failed = sweep.status === "failed" || relations.some((r) => r.error || r.sightingsError);
  out.result({ sweepId, status: sweep.status, ...(sweep.error ? { error: sweep.error } : {}), relations, parts }, () => {
    const rows = [["relation", "orphans", "worker", "attempts", "ms", "note"]];
    for (const p of parts)
      rows.push([
        p.range ? `${p.relation} ${describeRange(p.range)}` : p.relation,
        p.error ? "FAILED" : formatCount(p.orphans),
        p.worker ?? "",
        String(p.attempts),
        String(p.durationMs ?? ""),
        p.error ?? "",
      ]);
    return `sweep ${sweepId}: ${sweep.status}${sweep.error ? ` (${sweep.error})` : ""}\n${table(rows, ["l", "r", "l", "r", "r", "l"])}`;
  });
  return failed ? EXIT.failed : EXIT.ok;
}

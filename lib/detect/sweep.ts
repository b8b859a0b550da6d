import type { Config } from "../config/types";
import { resolveRelations, type TargetFailure } from "../relations/resolve";
import type { Relation } from "../relations/types";
import { TargetPool } from "../targets/pool";
import { scanRelation, type ScanResult } from "./scan";

export interface SweepResult {
  scannedAt: Date;
  results: ScanResult[];
  /** Targets whose catalog could not be read (their declared relations are unknown). */
  failures: TargetFailure[];
}

export class UnknownRelationError extends Error {
  constructor(
    readonly names: string[],
    readonly known: string[],
  ) {
    super(`unknown relation${names.length > 1 ? "s" : ""} ${names.map((n) => `"${n}"`).join(", ")}; known: ${known.join(", ") || "(none)"}`);
  }
}

export interface SweepOptions {
  /** Only these relation names (unknown names are an error, not silently nothing). */
  only?: string[];
  /** Relations scanned at once; statements on one PGlite or SQLite target still queue. */
  concurrency?: number;
  onResult?: (r: ScanResult, done: number, total: number) => void;
}

/** Scans every relation (or the named ones): one failing relation never stops the others. */
export async function sweep(config: Config, opts: SweepOptions = {}): Promise<SweepResult> {
  const pool = new TargetPool(config.targets);
  const scannedAt = new Date();
  try {
    const { relations, failures } = await resolveRelations(config, pool);
    const selected = select(relations, opts.only);
    const results: ScanResult[] = new Array(selected.length);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < selected.length) {
        const i = next++;
        results[i] = await scanRelation(selected[i], pool, scannedAt);
        opts.onResult?.(results[i], ++done, selected.length);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
    return { scannedAt, results, failures: opts.only ? failures.filter((f) => selected.some((r) => r.child.target === f.target || r.parent.target === f.target)) : failures };
  } finally {
    await pool.close();
  }
}

function select(relations: Relation[], only?: string[]): Relation[] {
  if (!only || only.length === 0) return relations;
  const unknown = only.filter((n) => !relations.some((r) => r.name === n));
  if (unknown.length) throw new UnknownRelationError(unknown, relations.map((r) => r.name));
  return relations.filter((r) => only.includes(r.name));
}

import type { Config } from "../config/types";
import { resolveRelations, type TargetFailure } from "../relations/resolve";
import type { Relation } from "../relations/types";
import { withPool, type TargetPool } from "../targets/pool";
import { scanBounds, scanRelation, type ScanResult } from "./scan";
import { UserError } from "../errors/user-error";

export interface SweepResult {
  scannedAt: Date;
  results: ScanResult[];
  /** Targets whose catalog could not be read (their declared relations are unknown). */
  failures: TargetFailure[];
}

export class UnknownRelationError extends UserError {
  constructor(
    readonly names: string[],
    readonly known: string[],
    failures: TargetFailure[] = [],
  ) {
    const unread = failures.length ? ` (not readable now, so their declared relations are unknown: ${failures.map((f) => f.target).join(", ")})` : "";
    super("usage", `unknown relation${names.length > 1 ? "s" : ""} ${names.map((n) => `"${n}"`).join(", ")}; known: ${known.join(", ") || "(none)"}${unread}`);
  }
}

export interface SweepOptions {
  /** Only these relation names (unknown names are an error, not silently nothing). */
  only?: string[];
  /** Relations scanned at once; statements on one PGlite or SQLite target still queue. */
  concurrency?: number;
  onResult?: (r: ScanResult, done: number, total: number) => void;
  /** Called once the relations to scan are known, before the first is scanned (progress reads "0 of 17", never "0 of ?"). */
  onStart?: (total: number) => void;
  /**
   * Declared relations seen in earlier sweeps: those of a target whose catalog cannot be
   * read now are reported as failed (never silently dropped, never 0).
   */
  known?: Relation[];
  /** The sweep's time (default: the clock): scans are recorded at it, a parent's soft-delete grace ends relative to it. */
  now?: Date;
  /** Targets already open (left open); without it the sweep opens and closes its own. */
  pool?: TargetPool;
}

/** What a sweep will scan: every relation (or the named ones), and the targets whose catalogs could not be read. */
export interface SweepPlan {
  relations: Relation[];
  failures: TargetFailure[];
}

/** Resolves what a sweep scans, without scanning: a sweep run by the queue plans its parts from it. */
export async function planSweep(config: Config, pool: TargetPool, opts: Pick<SweepOptions, "only" | "known"> = {}): Promise<SweepPlan> {
  const resolved = await resolveRelations(config, pool);
  const { failures } = resolved;
  const unreadable = new Map(failures.map((f) => [f.target, f]));
  const missing = (opts.known ?? []).filter(
    (k) => unreadable.has(k.child.target) && config.targets[k.child.target] && !resolved.relations.some((r) => r.name === k.name),
  );
  const selected = select([...resolved.relations, ...missing], opts.only, failures);
  return {
    relations: selected,
    failures: opts.only ? failures.filter((f) => selected.some((r) => r.child.target === f.target || r.parent.target === f.target)) : failures,
  };
}

/** Scans every relation (or the named ones) in this process: one failing relation never stops the others. */
export async function sweep(config: Config, opts: SweepOptions = {}): Promise<SweepResult> {
  const scannedAt = opts.now ?? new Date();
  // Counts read a replica where the target has one.
  return withPool(
    config.targets,
    opts.pool,
    async (pool) => {
      const { relations: selected, failures } = await planSweep(config, pool, opts);
      opts.onStart?.(selected.length);
      const results: ScanResult[] = new Array(selected.length);
      const bounds = scanBounds(config.targets);
      let next = 0;
      let done = 0;
      const worker = async () => {
        while (next < selected.length) {
          const i = next++;
          results[i] = await scanRelation(selected[i], pool, scannedAt, { bounds });
          opts.onResult?.(results[i], ++done, selected.length);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
      return { scannedAt, results, failures };
    },
    { use: "reads" },
  );
}

function select(relations: Relation[], only: string[] | undefined, failures: TargetFailure[]): Relation[] {
  if (!only || only.length === 0) return relations;
  const unknown = only.filter((n) => !relations.some((r) => r.name === n));
  if (unknown.length)
    throw new UnknownRelationError(
      unknown,
      relations.map((r) => r.name),
      failures,
    );
  return relations.filter((r) => only.includes(r.name));
}

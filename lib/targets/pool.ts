import { createHash } from "node:crypto";
import type { TargetSpec } from "../config/types";
import { isTargetError, TargetError } from "./errors";
import { openTarget } from "./open";
import type { Target } from "./types";
import { awaitedLater, logFailure } from "../errors/logged";

/**
 * The targets of one unit of work (a sweep, a command): each opened once, on first
 * use; a target that fails to open keeps failing with the same precise error for every
 * relation that needs it, without being retried per relation.
 */
export class TargetPool {
  private opened = new Map<string, Promise<Target>>();

  /**
   * `use: "reads"` opens each target's replica (`readUrl`) where it has one: for scans,
   * previews and verification reads. The default, the primary, is what every cleanup,
   * purge and restore writes to and re-checks on.
   */
  constructor(
    private specs: Record<string, TargetSpec>,
    private readonly opts: {
      use?: "primary" | "reads";
      /**
       * A reads pool's source for the targets without a replica (what it would open is the
       * primary itself): one connection pool, one embedded database opened (seconds, for a
       * PGlite folder), shared by the reads and the writes of one unit of work. That pool
       * opens and closes them; this one closes only the replicas it opened.
       */
      primary?: TargetPool;
    } = {},
  ) {}

  names(): string[] {
    return Object.keys(this.specs);
  }

  /**
   * What these targets are in this pool (dialect, URL, limits, primary or replica), as a
   * digest: a key for reads shared between pools, which never holds a URL's credentials.
   */
  fingerprint(names: string[]): string {
    const specs = names.map((n) => this.specs[n] ?? null);
    return createHash("sha256")
      .update(JSON.stringify([this.opts.use ?? "primary", specs]))
      .digest("base64url");
  }

  get(name: string): Promise<Target> {
    if (this.opts.use === "reads" && this.opts.primary && this.specs[name] && !this.specs[name].readUrl) return this.opts.primary.get(name);
    let p = this.opened.get(name);
    if (!p) {
      const spec = this.specs[name];
      p = spec
        ? openTarget(this.opts.use === "reads" ? readSpecOf(spec) : spec).catch((err) => {
            throw isTargetError(err) ? err : new TargetError("unreachable", name, `cannot open target "${name}": ${(err as Error).message}`, err);
          })
        : Promise.reject(new TargetError("unreachable", name, `target "${name}" is not defined in the config`));
      // awaited by every get(name); a failure is the caller's (and is cached: one attempt per pool)
      this.opened.set(name, awaitedLater(p));
    }
    return p;
  }

  async close(): Promise<void> {
    const all = [...this.opened.values()];
    this.opened.clear();
    await Promise.all(
      all.map((p) =>
        p
          .then(
            (t) => t.close(),
            () => undefined /* never opened: its caller was told */,
          )
          .catch(logFailure("targets", "closing a target")),
      ),
    );
  }
}

/** The spec reads go to: the replica's URL in place of the primary's, the rest (name, limits) alike. */
export function readSpecOf(spec: TargetSpec): TargetSpec {
  return spec.readUrl ? { ...spec, url: spec.readUrl, readUrl: undefined } : spec;
}

/**
 * Runs `fn` with the caller's pool (left open: the caller keeps using it) or, without one,
 * with a pool of its own, closed afterwards. A caller running many units of work in a row
 * (the demo's replayed month) opens each in-process database once instead of per unit.
 */
export async function withPool<T>(
  specs: Record<string, TargetSpec>,
  given: TargetPool | undefined,
  fn: (pool: TargetPool) => Promise<T>,
  options?: ConstructorParameters<typeof TargetPool>[1],
): Promise<T> {
  if (given) return fn(given);
  const pool = new TargetPool(specs, options);
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}

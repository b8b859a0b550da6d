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

  constructor(private specs: Record<string, TargetSpec>) {}

  names(): string[] {
    return Object.keys(this.specs);
  }

  get(name: string): Promise<Target> {
    let p = this.opened.get(name);
    if (!p) {
      const spec = this.specs[name];
      p = spec
        ? openTarget(spec).catch((err) => {
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

/**
 * Runs `fn` with the caller's pool (left open: the caller keeps using it) or, without one,
 * with a pool of its own, closed afterwards. A caller running many units of work in a row
 * (the demo's replayed month) opens each in-process database once instead of per unit.
 */
export async function withPool<T>(specs: Record<string, TargetSpec>, given: TargetPool | undefined, fn: (pool: TargetPool) => Promise<T>): Promise<T> {
  if (given) return fn(given);
  const pool = new TargetPool(specs);
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}

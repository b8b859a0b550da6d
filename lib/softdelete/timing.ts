import type { RawBuilder } from "kysely";
import type { TargetTransaction } from "../targets/types";

/**
 * How long each statement a purge sends takes, measured where it is sent: the issue's
 * promise (no statement over a second) is checked by the numbers the job itself records.
 */
export class StatementClock {
  private count = 0;

  /** `max`: the longest statement recorded before (a resumed step keeps its record). */
  constructor(private max = 0) {}

  record(ms: number) {
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  /** The statements so far, for a new row. */
  totals(): { statements: number; maxStatementMs: number } {
    return { statements: this.count, maxStatementMs: this.max };
  }

  /** The statements since the last flush, as an increment, and the longest statement so far. */
  flush(): { statements: { increment: number }; maxStatementMs?: number } {
    const out = { statements: { increment: this.count }, ...(this.max > 0 ? { maxStatementMs: this.max } : {}) };
    this.count = 0;
    return out;
  }
}

export function timed(tx: TargetTransaction, clock: StatementClock): TargetTransaction {
  const time = async <T>(fn: () => Promise<T>) => {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      clock.record(performance.now() - t);
    }
  };
  return {
    query: <R>(s: RawBuilder<R>) => time(() => tx.query(s)),
    execute: (s: RawBuilder<unknown>) => time(() => tx.execute(s)),
  };
}

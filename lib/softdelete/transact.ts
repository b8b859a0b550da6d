import { TargetError } from "../targets/errors";
import type { Target, TargetTransaction } from "../targets/types";

/**
 * A target transaction whose callback may refuse with an error of its own (a restore
 * refused, a subject restored under a purge): the transaction rolls back and that error
 * comes out as it was thrown, not as a database failure.
 */
export async function transact<T>(target: Target, timeoutMs: number, fn: (tx: TargetTransaction) => Promise<T>): Promise<T> {
  let own: unknown = null;
  try {
    return await target.transaction(timeoutMs, async (tx) => {
      try {
        return await fn(tx);
      } catch (err) {
        if (!(err instanceof TargetError)) own = err;
        throw err;
      }
    });
  } catch (err) {
    throw own ?? err;
  }
}

/**
 * Polls until `check` holds (a worker got somewhere, a job ended), or fails saying what it
 * waited for. The limit is generous: it only turns a hang into a failure, it measures nothing.
 */
export async function waitFor(check: () => Promise<boolean>, opts: { timeoutMs?: number; everyMs?: number; what?: string } = {}): Promise<void> {
  const until = Date.now() + (opts.timeoutMs ?? 120_000);
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 50));
  }
  throw new Error(`timed out waiting${opts.what ? ` for ${opts.what}` : ""}`);
}

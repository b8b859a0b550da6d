import path from "node:path";

/**
 * Whether this process opens its embedded (PGlite) targets in worker threads
 * (lib/pglite/thread.ts). One-off CLI commands do (lib/cli/run.ts): one that opens the embedded
 * store and an embedded target starts both at once, one on each core, where on the main thread
 * the two starts (~0.5 s of CPU each) run one after the other. Processes that stay up (the web
 * server, `custodian worker`) open each instance once and keep it: they keep PGlite in-process.
 *
 * Kept apart from shared.ts so that setting it does not load PGlite.
 */
const settings = ((globalThis as typeof globalThis & { __custodianPgliteThreads?: { targets: boolean; except: Set<string> } }).__custodianPgliteThreads ??= {
  targets: false,
  except: new Set(),
});

/**
 * Embedded targets opened from now on in this process run in worker threads, but for the
 * folders in `except`: the embedded store's, which the store opens on this thread with PGlite's
 * whole API (a target configured on the store's own folder shares that instance, as before).
 */
export function openPGliteTargetsInThreads(opts: { except?: string[] } = {}): void {
  settings.targets = true;
  for (const folder of opts.except ?? []) settings.except.add(path.resolve(folder));
}

/** Whether the target at `folder` opens in a thread of its own. */
export function pgliteTargetInThread(folder: string): boolean {
  return settings.targets && !settings.except.has(path.resolve(folder));
}

/**
 * Whether this process opens its embedded (PGlite) targets in worker threads
 * (lib/pglite/thread.ts). One-off CLI commands do (lib/cli/run.ts): one that opens the embedded
 * store and an embedded target starts both at once, one on each core, where on the main thread
 * the two starts (~0.5 s of CPU each) run one after the other. Processes that stay up (the web
 * server, `custodian worker`) open each instance once and keep it: they keep PGlite in-process.
 *
 * Kept apart from shared.ts so that setting it does not load PGlite.
 */
const settings = ((globalThis as typeof globalThis & { __custodianPgliteThreads?: { targets: boolean } }).__custodianPgliteThreads ??= {
  targets: false,
});

/** Embedded targets opened from now on in this process run in worker threads. */
export function openPGliteTargetsInThreads(): void {
  settings.targets = true;
}

export function pgliteTargetsInThreads(): boolean {
  return settings.targets;
}

/**
 * The web process's startup work (opening the store, the demo's replay, the first sweep) is
 * CPU work on the same thread that renders pages: begun while Next.js loads the modules of its
 * first page, it made that page wait seconds (PGlite compiling and starting PostgreSQL, then
 * sweeping). Custodian's own web server (scripts/serve.ts) therefore holds that work until
 * it has answered its first page, then lets it go. Under a bare `next start` nobody holds it:
 * it starts at once, as before.
 *
 * Kept on globalThis: scripts/serve.ts and the instrumentation hook (bundled by Next.js) each
 * load their own copy of this module.
 */
interface Gate {
  promise: Promise<void>;
  release: () => void;
}

const holder = globalThis as unknown as { __custodianFirstPageGate?: Gate };

/** Called by the web server before Next.js starts: startup work waits for firstPageServed(). */
export function holdStartupForFirstPage(): void {
  if (holder.__custodianFirstPageGate) return;
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  holder.__custodianFirstPageGate = { promise, release };
}

/** Called by the web server once its first page is answered (or could not be): startup work may begin. */
export function firstPageServed(): void {
  holder.__custodianFirstPageGate?.release();
}

/** Resolves when startup work may begin: at once unless a web server holds it for its first page. */
export function startupMayBegin(): Promise<void> {
  return holder.__custodianFirstPageGate?.promise ?? Promise.resolve();
}

import type { TargetSpec } from "../config/types";

/**
 * Starts opening every embedded (PGlite) target now, before anything asks for one, and
 * returns what ends this early hold. Opening a PGlite folder is seconds of mostly WebAssembly
 * work; a command that opens its embedded store first (a scan: the store, then the sweep's
 * targets) otherwise opens them one after the other, leaving the waits of each (its wasm
 * compiled off the main thread, its files read) unused. PGlite instances are shared by folder
 * in a process (lib/pglite/shared.ts): the pool that later opens the target takes the
 * instance this started. A target that cannot be opened is left to that pool, which reports
 * it as before (a failed open is not kept).
 */
export function openEmbeddedTargetsAhead(targets: Record<string, TargetSpec>): () => Promise<void> {
  const embedded = Object.values(targets).filter((t) => t.dialect === "pglite");
  if (embedded.length === 0) return async () => {};
  const held = import("../pglite/shared").then(({ acquirePGliteQueries }) =>
    Promise.all(embedded.map((t) => acquirePGliteQueries(t.url, { purpose: `target ${t.name}` }).catch(() => null))),
  );
  return async () => {
    for (const handle of await held) await handle?.release();
  };
}

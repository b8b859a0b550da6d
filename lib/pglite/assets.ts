import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * What every PGlite instance loads before PostgreSQL starts: its WebAssembly (pglite.wasm,
 * 8.7 MB) and the file-system bundle it unpacks (pglite.data, 5.3 MB). Left to PGlite, each
 * instance reads both files itself, and two opened at once (a scan's store and the demo's shop)
 * each compile the wasm; the main thread then waits, idle, for those reads and compiles (~0.1 s
 * of each small scan, measured). Loaded here once per process and handed to every instance
 * (`pgliteWasmModule`, `fsBundle`), they can also be started early (startLoadingPGliteAssets),
 * while the command's own code is still being loaded on the main thread.
 */
export interface PGliteAssets {
  pgliteWasmModule: WebAssembly.Module;
  fsBundle: Blob;
}

// on globalThis, like the instance registry: Next's module reloading keeps one load per process
const state = globalThis as typeof globalThis & { __custodianPgliteAssets?: Promise<PGliteAssets | null> };

/**
 * Starts loading PGlite's assets (once per process) and returns them; null when they could not
 * be read here (an unexpected package layout, a bundler's module URLs): PGlite then loads its
 * own, as it always did.
 */
export function startLoadingPGliteAssets(): Promise<PGliteAssets | null> {
  return (state.__custodianPgliteAssets ??= loadPGliteAssets().catch(() => null));
}

async function loadPGliteAssets(): Promise<PGliteAssets> {
  // pglite.wasm and pglite.data sit beside the package's entry (dist/index.js, dist/index.cjs)
  const dist = path.dirname(pgliteEntry());
  const [wasm, data] = [readFile(path.join(dist, "pglite.wasm")), readFile(path.join(dist, "pglite.data"))];
  // compiled off the main thread (V8 compiles a wasm function when it first runs)
  const pgliteWasmModule = await WebAssembly.compile(await wasm);
  return { pgliteWasmModule, fsBundle: new Blob([await data]) };
}

/** PGlite's module as a file URL, for a worker thread to import (lib/pglite/thread.ts). */
export function pgliteEntryUrl(): string {
  return pathToFileURL(pgliteEntry()).href;
}

function pgliteEntry(): string {
  return createRequire(import.meta.url).resolve("@electric-sql/pglite");
}

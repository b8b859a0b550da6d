import { setFlagsFromString } from "node:v8";

/**
 * Keeps V8 from optimising this process's WebAssembly (PGlite, Prisma's query compiler): for a
 * command that runs once and exits. Called before any wasm module is compiled.
 *
 * V8 runs a wasm function first as baseline code (Liftoff) and recompiles the ones that run a
 * while with its optimising compiler, on a background thread. A handful of PGlite's largest
 * functions get hot while PostgreSQL starts and answers its first statements, even at 100× V8's
 * default tiering budget: optimising them costs ~0.65 s of the second core on Node 20, and on
 * Node 24 one of them (~100 kB of code) alone takes V8 ~2 s and 600 MB, which the process waits
 * for at exit (a small scan took 3.35 s with it, 1.69 s without). The cost falls on a long
 * command: a scan of 1M rows with 20,000 orphans took 1.16× as long on Node 20.
 *
 * V8's flag for it is `--wasm-tier-up-filter` ("only tier up the function with this index"):
 * function 0 is an import in both modules, so no function is tiered up. Processes that stay up
 * (the web server, `custodian worker`) keep V8's defaults.
 */
export function skipWasmOptimisation(): void {
  setFlagsFromString("--wasm-tier-up-filter=0");
}

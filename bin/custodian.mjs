#!/usr/bin/env node
// The CLI ships as JavaScript built by `npm run build:cli` (dist/cli, made by postinstall).
// Without that build, or when a source file changed since it was made, the TypeScript
// sources run instead, compiled on the fly by tsx (slower to start, same behaviour).
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { bundleIsFresh } from "../scripts/bundle-stamp.mjs";

// Prisma's query compiler and PGlite are WebAssembly. V8 recompiles a wasm function with its
// optimising compiler once it has run a while; for a command of a few seconds that costs more
// CPU than it saves (a small scan on a PostgreSQL store: ~3.1 s of CPU, ~1.9 s without).
// A function that keeps running (a long sweep, the worker) is still optimised, after 100×
// V8's default budget. Set before any wasm module is compiled.
setFlagsFromString("--wasm-tiering-budget=180000000");

// Under --json stdout carries exactly one document: anything a library logs goes to stderr.
console.log = console.error;
console.info = console.error;

const root = new URL("../", import.meta.url);

/** The bundle, if it exists and is newer than every source file it was built from. */
function builtEntry() {
  return bundleIsFresh(fileURLToPath(root)) ? new URL("dist/cli/main.mjs", root).href : null;
}

const entry = process.env.CUSTODIAN_CLI_FROM_SOURCE === "1" ? null : builtEntry();
let main;
if (entry) {
  ({ main } = await import(entry));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../lib/cli/main.ts"));
}
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Drivers' idle timers must not hold the exit; stdout is flushed first.
process.stdout.write("", () => process.exit(code));

#!/usr/bin/env node
// The CLI ships as JavaScript built by `npm run build:cli` (dist/cli, made by postinstall).
// Without that build, or when a source file changed since it was made, the TypeScript
// sources run instead, compiled on the fly by tsx (slower to start, same behaviour).
import { fileURLToPath } from "node:url";
import { bundleIsFresh } from "../scripts/bundle-stamp.mjs";

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

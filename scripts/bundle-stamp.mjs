// The stamp scripts/build-cli.mjs writes beside its bundle (dist/cli/inputs.json: when it was
// built, from which source files). One test of it for everything that picks the bundle over
// the TypeScript sources: bin/custodian.mjs, scripts/start.mjs, scripts/start.ts, and the
// build's own --if-stale. Plain JavaScript: the bin reads it before anything is compiled.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";

/**
 * Whether the bundle in `root`/dist/cli was built from `source` (when given) and no source it
 * was built from has changed (or gone) since. False without a readable stamp.
 */
export function bundleIsFresh(root, source) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path.join(root, "dist/cli/inputs.json"), "utf8"));
  } catch {
    return false;
  }
  if (source && !stamp.inputs.includes(source)) return false;
  return stamp.inputs.every((f) => (statSync(path.join(root, f), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) <= stamp.builtAt);
}

// `npm start` (scripts/start.ts) as plain JavaScript, dist/cli/start.mjs (scripts/build-cli.mjs),
// while that build is newer than every source it was built from, as bin/custodian.mjs runs the
// CLI: through tsx, loading and compiling start.ts took a second before the server was even
// spawned. Otherwise the TypeScript runs through tsx, and rebuilds the bundle for next time.
import { readFileSync, statSync } from "node:fs";

const root = new URL("../", import.meta.url);

function bundleIsFresh() {
  try {
    const stamp = JSON.parse(readFileSync(new URL("dist/cli/inputs.json", root), "utf8"));
    if (!stamp.inputs.includes("scripts/start.ts")) return false;
    return stamp.inputs.every((file) => (statSync(new URL(file, root), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) <= stamp.builtAt);
  } catch {
    return false;
  }
}

if (bundleIsFresh()) {
  await import(new URL("dist/cli/start.mjs", root).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./start.ts");
}

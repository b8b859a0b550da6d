// `npm start` (scripts/start.ts) as plain JavaScript, dist/cli/start.mjs (scripts/build-cli.mjs),
// while that build is newer than every source it was built from, as bin/custodian.mjs runs the
// CLI: through tsx, loading and compiling start.ts took a second before the server was even
// spawned. Otherwise the TypeScript runs through tsx, and rebuilds the bundle for next time.
import { fileURLToPath } from "node:url";
import { bundleIsFresh } from "./bundle-stamp.mjs";

const root = new URL("../", import.meta.url);

if (bundleIsFresh(fileURLToPath(root), "scripts/start.ts")) {
  await import(new URL("dist/cli/start.mjs", root).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./start.ts");
}

import path from "node:path";

/**
 * The app's folder (where .next, package.json and node_modules are). Two levels up, from
 * lib/server in the sources and from dist/cli in the bundle (scripts/build-cli.mjs), which
 * sits as deep for this reason.
 */
export const APP_DIR = path.resolve(import.meta.dirname, "../..");

import { existsSync } from "node:fs";
import path from "node:path";

/** The committed demo config; its targets point at ./data beside it. */
export const DEMO_CONFIG = path.resolve(import.meta.dirname, "../../demo/custodian.config.yaml");
export const DEMO_DATA_DIR = path.resolve(import.meta.dirname, "../../demo/data");

/** What buildDemo leaves in the data folder: the shop's PGlite folder and the SQLite files. */
export const DEMO_DATABASES = ["shop", "activity.db", "social.db", "codegraph.db"] as const;

/**
 * The demo databases not built yet in `dir`. Loads no driver: `npm start` asks this first and
 * loads the builder (PGlite, better-sqlite3, the seed data) only when one is missing.
 */
export function missingDemoDatabases(dir: string = DEMO_DATA_DIR): string[] {
  return DEMO_DATABASES.filter((name) => !existsSync(path.join(dir, name)));
}

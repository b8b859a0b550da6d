import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { PGlite } from "@electric-sql/pglite";
import { ACTIVITY_SQL, CODEGRAPH_SQL, SOCIAL_SQL } from "./sqlite.sql";
import { SHOP_DATA, SHOP_SCHEMA } from "./shop.sql";
import { DEMO_DATA_DIR } from "./paths";

export { DEMO_CONFIG, DEMO_DATA_DIR } from "./paths";

export interface BuildDemoOptions {
  dir?: string;
  /** Rebuild even when the databases exist (drops any change made to them). */
  force?: boolean;
  log?: (line: string) => void;
}

/**
 * Builds the demo databases. Each is written under a temporary name and renamed when
 * complete, so a build that dies half-way never leaves a demo with the wrong counts.
 */
export async function buildDemo(opts: BuildDemoOptions = {}): Promise<{ dir: string; built: string[] }> {
  const dir = path.resolve(opts.dir ?? DEMO_DATA_DIR);
  const log = opts.log ?? (() => {});
  mkdirSync(dir, { recursive: true });
  const built: string[] = [];

  const shop = path.join(dir, "shop");
  if (opts.force || !existsSync(shop)) {
    const tmp = `${shop}.building`;
    rmSync(tmp, { recursive: true, force: true });
    log("building demo target shop (PGlite)…");
    const db = await PGlite.create(tmp);
    try {
      await db.exec(SHOP_SCHEMA);
      await db.exec(SHOP_DATA);
    } finally {
      await db.close();
    }
    rmSync(shop, { recursive: true, force: true });
    renameSync(tmp, shop);
    built.push("shop");
  }

  for (const [name, script] of [
    ["activity", ACTIVITY_SQL],
    ["social", SOCIAL_SQL],
    ["codegraph", CODEGRAPH_SQL],
  ] as const) {
    const file = path.join(dir, `${name}.db`);
    if (!opts.force && existsSync(file)) continue;
    log(`building demo target ${name} (SQLite)…`);
    const tmp = `${file}.building`;
    rmSync(tmp, { force: true });
    const db = new Database(tmp);
    // better-sqlite3 turns FK enforcement on; the seed's code graph ran with SQLite's default (off).
    db.pragma("foreign_keys = OFF");
    try {
      db.exec("BEGIN");
      db.exec(script);
      db.exec("COMMIT");
      db.exec("ANALYZE");
    } finally {
      db.close();
    }
    renameSync(tmp, file);
    built.push(name);
  }
  return { dir, built };
}

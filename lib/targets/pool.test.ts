import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import type { TargetSpec } from "../config/types";
import { TargetPool } from "./pool";

const dir = mkdtempSync(path.join(tmpdir(), "custodian-pool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A SQLite file with `rows` rows in table t. */
function database(name: string, rows: number): string {
  const file = path.join(dir, `${name}.db`);
  const db = new Database(file);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  for (let i = 1; i <= rows; i++) db.prepare("INSERT INTO t (id) VALUES (?)").run(i);
  db.close();
  return file; // a resolved spec: the config turns `file:` URLs into paths
}

const specs: Record<string, TargetSpec> = {
  plain: { name: "plain", dialect: "sqlite", url: database("plain", 1) },
  replicated: { name: "replicated", dialect: "sqlite", url: database("primary", 1), readUrl: database("replica", 2) },
};
const rowsOf = async (pool: TargetPool, name: string) => (await pool.get(name)).estimateRows({ schema: "main", table: "t" });

describe("a reads pool over a primary pool", () => {
  it("takes a target without a replica from the primary pool (opened once), and opens a replica itself", async () => {
    const primary = new TargetPool(specs);
    const reads = new TargetPool(specs, { use: "reads", primary });
    try {
      expect(await reads.get("plain")).toBe(await primary.get("plain"));
      expect(await reads.get("replicated")).not.toBe(await primary.get("replicated"));
      expect(await rowsOf(reads, "replicated")).toBe(2); // the replica
      expect(await rowsOf(primary, "replicated")).toBe(1);
      // closing the reads pool closes its replica only: the primary's targets stay usable
      await reads.close();
      expect(await rowsOf(primary, "plain")).toBe(1);
    } finally {
      await reads.close();
      await primary.close();
    }
  });

  it("without a primary pool, opens every target itself", async () => {
    const primary = new TargetPool(specs);
    const reads = new TargetPool(specs, { use: "reads" });
    try {
      expect(await reads.get("plain")).not.toBe(await primary.get("plain"));
    } finally {
      await reads.close();
      await primary.close();
    }
  });
});

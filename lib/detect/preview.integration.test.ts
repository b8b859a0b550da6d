import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "../config/load";
import type { Config } from "../config/types";
import { resolveRelations } from "../relations/resolve";
import { TargetPool } from "../targets/pool";
import { orphanPreview } from "./preview";

// Every orphan key sorts after 5,000 live ones: the preview crosses them in growing stretches
// and must still list the orphans in order, none skipped, page after page.
describe("the orphan preview when the orphans sort after every live key", () => {
  let dir: string;
  let config: Config;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "custodian-preview-"));
    const file = path.join(dir, "t.db");
    const db = new Database(file);
    db.exec(`CREATE TABLE accounts (id INTEGER PRIMARY KEY);
      CREATE TABLE events (id INTEGER PRIMARY KEY, account_id INTEGER);
      CREATE INDEX events_account ON events (account_id);
      WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 5000) INSERT INTO accounts SELECT n FROM g;
      WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 12000)
        INSERT INTO events SELECT n, CASE WHEN n <= 10000 THEN 1 + n % 5000 WHEN n % 10 = 0 THEN NULL ELSE 100000 + n END FROM g;`);
    db.close();
    config = validateConfig(
      {
        targets: { t: { dialect: "sqlite", url: `file:${file}` } },
        relations: [
          {
            name: "events_account",
            child: { target: "t", table: "events", columns: ["account_id"] },
            parent: { target: "t", table: "accounts", columns: ["id"] },
          },
        ],
      },
      "test.yaml",
      {},
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists every orphan key once, in key order, across pages", async () => {
    const pool = new TargetPool(config.targets);
    try {
      const relation = (await resolveRelations(config, pool)).relations.find((r) => r.name === "events_account")!;
      const seen: number[] = [];
      let after: string | null = null;
      do {
        const page = await orphanPreview(relation, pool, { after, keys: 50 });
        seen.push(...page.keys.map((k) => Number(k[0])));
        after = page.next;
      } while (after);
      const expected = Array.from({ length: 2000 }, (_, i) => 10_001 + i)
        .filter((n) => n % 10 !== 0)
        .map((n) => 100_000 + n);
      expect(seen).toEqual(expected);
    } finally {
      await pool.close();
    }
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { resolveRelations } from "../relations/resolve";
import type { Config } from "../config/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "../config/load";
import type { Dialect } from "../config/types";
import { UserError } from "../errors/user-error";
import type { Relation } from "../relations/types";
import { TargetPool } from "../targets/pool";
import { createFixture, type Fixture } from "../../test/fixtures";
import { hasMysql, hasPostgres } from "../../test/services";
import { orphanPreview } from "./preview";

const dialects: Dialect[] = ["pglite", "sqlite", ...(hasPostgres ? (["postgres"] as const) : []), ...(hasMysql ? (["mysql"] as const) : [])];

// 7 orphan keys (100…106) with 9 rows each, their ids interleaved with live rows of parents 1…3:
// pages of 10 rows cut most keys in two, which is what the primary-key half of the cursor is for.
const ORPHAN_KEYS = [100, 101, 102, 103, 104, 105, 106];
const childRows = () => {
  const rows: [number, number][] = [];
  let id = 1;
  for (let r = 0; r < 9; r++) for (const k of [...ORPHAN_KEYS, 1, 2, 3]) rows.push([id++ * 3, k]);
  return rows;
};
const orphanIds = (key: number) =>
  childRows()
    .filter(([, k]) => k === key)
    .map(([id]) => id);

describe.each(dialects)("the orphan preview on %s pages 50 rows by (child key, primary key)", (dialect) => {
  let fx: Fixture;
  let relation: Relation;
  let targets: ReturnType<typeof validateConfig>["targets"];
  // a pool per call: an embedded target (PGlite) is one connection, and the test writes to it between pages
  const preview = async (opts: Parameters<typeof orphanPreview>[2]) => {
    const pool = new TargetPool(targets);
    try {
      return await orphanPreview(relation, pool, opts);
    } finally {
      await pool.close();
    }
  };
  beforeAll(async () => {
    fx = await createFixture(dialect);
    const q = (n: string) => (dialect === "mysql" ? `\`${n}\`` : `"${n}"`);
    const t = (n: string) => (fx.schema && dialect === "postgres" ? `${q(fx.schema)}.${q(n)}` : q(n));
    await fx.exec(
      [
        `CREATE TABLE ${t("pv_parent")} (id INTEGER PRIMARY KEY)`,
        `CREATE TABLE ${t("pv_child")} (id INTEGER PRIMARY KEY, parent_id INTEGER, note VARCHAR(20))`,
        `INSERT INTO ${t("pv_parent")} (id) VALUES (1), (2), (3)`,
        `INSERT INTO ${t("pv_child")} (id, parent_id, note) VALUES ${childRows()
          .map(([id, k]) => `(${id}, ${k}, 'n${id}')`)
          .join(", ")}`,
      ].join(";\n"),
    );
    const server = dialect === "postgres" || dialect === "mysql";
    const at = (table: string, columns: string[]) => ({ target: "db", schema: fx.schema ?? (dialect === "sqlite" ? "main" : "public"), table, columns });
    relation = { name: "pv", origin: "configured", child: at("pv_child", ["parent_id"]), parent: at("pv_parent", ["id"]) };
    const url = server ? "${DB_URL}" : fx.url;
    targets = validateConfig({ targets: { db: { dialect, url } }, relations: [] }, "test.yaml", { DB_URL: fx.url }).targets;
  });
  afterAll(async () => {
    await fx?.drop();
  });

  it("walks every orphan row exactly once, in order, across pages that cut keys in two", async () => {
    const seen: [number, number][] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page = await preview({ after, rows: 10 });
      expect(page.rows.length).toBeLessThanOrEqual(10);
      expect(page.pk).toEqual(["id"]);
      seen.push(...page.rows.map((r) => [Number(r.values.parent_id), Number(r.values.id)] as [number, number]));
      after = page.next;
      pages++;
    } while (after && pages < 20);
    const expected = ORPHAN_KEYS.flatMap((k) => orphanIds(k).map((id) => [k, id] as [number, number]));
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 10));
  });

  it("shows 50 rows a page by default, with the distinct keys of those rows", async () => {
    const page = await preview({});
    expect(page.rows).toHaveLength(50);
    expect(page.keys.map((k) => Number(k[0]))).toEqual([100, 101, 102, 103, 104, 105]);
    const rest = await preview({ after: page.next });
    expect(rest.rows.map((r) => Number(r.values.id))).toEqual([...orphanIds(105).slice(5), ...orphanIds(106)]);
    expect(rest.next).toBeNull();
  });

  it("leaves out the rest of a key whose parent came back between two pages", async () => {
    const first = await preview({ rows: 4 });
    expect(first.rows.map((r) => Number(r.values.parent_id))).toEqual([100, 100, 100, 100]);
    const q = (n: string) => (dialect === "mysql" ? `\`${n}\`` : `"${n}"`);
    const parent = fx.schema && dialect === "postgres" ? `${q(fx.schema)}.${q("pv_parent")}` : q("pv_parent");
    await fx.exec(`INSERT INTO ${parent} (id) VALUES (100)`);
    try {
      const next = await preview({ after: first.next, rows: 4 });
      expect(next.rows.map((r) => Number(r.values.id))).toEqual(orphanIds(101).slice(0, 4));
    } finally {
      await fx.exec(`DELETE FROM ${parent} WHERE id = 100`);
    }
  });

  it("shares a page between viewers for a while, but never across a rescan of the relation (a cleanup's refresh)", async () => {
    const q = (n: string) => (dialect === "mysql" ? `\`${n}\`` : `"${n}"`);
    const parent = fx.schema && dialect === "postgres" ? `${q(fx.schema)}.${q("pv_parent")}` : q("pv_parent");
    const shared = { rows: 4, sharedForMs: 60_000 };
    const before = await preview({ ...shared, version: `${dialect}-scan-1` });
    expect(before.rows.map((r) => Number(r.values.parent_id))).toEqual([100, 100, 100, 100]);
    await fx.exec(`INSERT INTO ${parent} (id) VALUES (100)`);
    try {
      // the same scan: the page read a moment ago is shared
      expect((await preview({ ...shared, version: `${dialect}-scan-1` })).rows).toEqual(before.rows);
      // a newer scan (the relation was rescanned after a change): read afresh
      const after = await preview({ ...shared, version: `${dialect}-scan-2` });
      expect(after.rows.map((r) => Number(r.values.parent_id))).toEqual([101, 101, 101, 101]);
    } finally {
      await fx.exec(`DELETE FROM ${parent} WHERE id = 100`);
    }
  });

  it("refuses a page link that is not a position in this relation, as a usage error", async () => {
    for (const bad of ["not-base64-json", Buffer.from(JSON.stringify({ k: ["1", "2"], p: ["1"] })).toString("base64url")]) {
      const err = await preview({ after: bad }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).kind).toBe("usage");
    }
  });
});

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
        const page = await orphanPreview(relation, pool, { after, rows: 50 });
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

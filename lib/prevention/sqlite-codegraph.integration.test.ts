import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfigText } from "../config/load";
import type { Config } from "../config/types";
import { CODEGRAPH_SQL } from "../demo/sqlite.sql";
import { TargetPool } from "../targets/pool";
import { applyPrevention } from "./apply";
import { proposePrevention } from "./propose";

// The seed's code graph (SQLite, symbols keyed by text FQNs): FKs declared without
// ON DELETE CASCADE, summaries and glossary never declared. After its orphans are
// cleaned, the proposals make every one of them a CASCADE foreign key by rebuilding the
// tables, and everything in them stays.

const RELATIONS = ["codegraph.edges.from_fqn", "codegraph.edges.to_fqn", "codegraph.entry_points.symbol_fqn", "summary_symbol", "glossary_symbol"];

let dir: string;
let file: string;
let config: Config;
let pool: TargetPool;

function configFor(dbFile: string): Config {
  return parseConfigText(
    `targets:
  codegraph: { dialect: sqlite, url: "file:${dbFile}" }
relations:
  - name: summary_symbol
    child:  { target: codegraph, table: summaries, columns: [target_fqn] }
    parent: { target: codegraph, table: symbols, columns: [fqn] }
    cleanup: { action: archive_then_delete, graceDays: 0 }
  - name: glossary_symbol
    child:  { target: codegraph, table: glossary, columns: [source_fqn] }
    parent: { target: codegraph, table: symbols, columns: [fqn] }
`,
    path.join(dir, "custodian.config.yaml"),
  );
}

/** Everything sqlite_schema holds for these tables but the tables' own statements, and every row. */
function snapshot(db: Database.Database) {
  const objects = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE type <> 'table' ORDER BY name").all();
  const rows = Object.fromEntries(
    ["symbols", "edges", "entry_points", "summaries", "glossary"].map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY id`).all()]),
  );
  const columns = Object.fromEntries(
    ["edges", "entry_points", "summaries", "glossary"].map((t) => [t, db.prepare(`SELECT * FROM pragma_table_info(?)`).all(t)]),
  );
  return { objects, rows, columns };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "custodian-prevention-"));
  file = path.join(dir, "codegraph.db");
  const db = new Database(file);
  db.pragma("foreign_keys = OFF");
  db.exec(CODEGRAPH_SQL);
  // a default, a CHECK, a trigger and a view the rebuild must keep
  db.exec(`ALTER TABLE edges ADD COLUMN weight REAL NOT NULL DEFAULT 1.5 CHECK (weight > 0);
CREATE TABLE edge_log (edge_id INTEGER, at TEXT);
CREATE TRIGGER edges_logged AFTER INSERT ON edges BEGIN INSERT INTO edge_log VALUES (new.id, 'x'); END;
CREATE VIEW edge_count AS SELECT from_fqn, count(*) AS n FROM edges GROUP BY from_fqn;`);
  db.close();
  config = configFor(file);
  pool = new TargetPool(config.targets);
});

afterEach(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The demo's orphans removed (as the cleanups would), one glossary row with no source kept: NULL references nothing. */
function clean() {
  const db = new Database(file);
  db.pragma("foreign_keys = OFF");
  db.exec(`DELETE FROM edges WHERE from_fqn NOT IN (SELECT fqn FROM symbols) OR to_fqn NOT IN (SELECT fqn FROM symbols);
DELETE FROM entry_points WHERE symbol_fqn NOT IN (SELECT fqn FROM symbols);
DELETE FROM summaries WHERE target_fqn NOT IN (SELECT fqn FROM symbols);
DELETE FROM glossary WHERE source_fqn NOT IN (SELECT fqn FROM symbols);
INSERT INTO glossary (id, source_fqn, term) VALUES (9999, NULL, 'free-standing term');`);
  db.close();
}

describe("prevention on the SQLite code graph", () => {
  it("proposes blocked while orphans remain, with CASCADE from the config and its reason", async () => {
    const proposals = await proposePrevention(config, pool, { only: RELATIONS });
    const by = Object.fromEntries(proposals.map((p) => [p.relation, p]));
    expect(by["codegraph.edges.from_fqn"]).toMatchObject({ status: "blocked", orphans: 60, action: "CASCADE" });
    expect(by["codegraph.edges.from_fqn"].reason).toContain("/relations/codegraph.edges.from_fqn");
    expect(by["summary_symbol"]).toMatchObject({ status: "blocked", orphans: 7, action: "CASCADE" });
    expect(by["summary_symbol"].actionReason).toContain("archive_then_delete");
    // the declared FK with no ON DELETE is weaker: replaced
    expect(by["codegraph.edges.to_fqn"].replaces).toBeTruthy();
    expect(by["glossary_symbol"].replaces).toBeNull();
  });

  it("after cleaning, applying gives every table its CASCADE foreign keys and keeps everything", async () => {
    clean();
    const before = snapshot(new Database(file, { readonly: true }));
    const proposals = await proposePrevention(config, pool, { only: RELATIONS });
    expect(proposals.map((p) => p.status)).toEqual(["ready", "ready", "ready", "ready", "ready"]);
    const edges = proposals.find((p) => p.relation === "codegraph.edges.from_fqn")!;
    const sqlText = edges.statements.flatMap((s) => s.statements.map((x) => x.sql));
    // one rebuild adds both of edges' keys, written out for the real table
    expect(edges.statements).toHaveLength(1);
    expect(sqlText[0]).toBe("PRAGMA foreign_keys = OFF");
    expect(sqlText.some((s) => s.startsWith('CREATE TABLE "main"."edges__rebuilt"') && s.includes("DEFAULT 1.5") && s.includes("CHECK (weight > 0)"))).toBe(
      true,
    );
    expect(sqlText.some((s) => s.includes("CREATE TRIGGER edges_logged"))).toBe(true);
    expect(sqlText.at(-1)).toBe("PRAGMA foreign_keys = ON");
    expect(edges.impact).toMatchObject({ writesBlocked: "yes", copiesTable: true });

    const result = await applyPrevention(config, pool, RELATIONS);
    expect(result.reason).toBe("5 constraint(s) added and validated");
    expect(result.status).toBe("applied");
    expect(result.steps.map((s) => s.status)).toEqual(["done", "done", "done", "done"]);
    expect(result.verified.every((v) => v.exists && v.validated && v.onDelete === "CASCADE")).toBe(true);
    expect((await proposePrevention(config, pool, { only: RELATIONS })).map((p) => p.status)).toEqual(["exists", "exists", "exists", "exists", "exists"]);

    const db = new Database(file);
    try {
      // everything kept, and the two keys without an index got one
      const after = snapshot(db);
      const added = after.objects.filter((o) => !before.objects.some((b) => JSON.stringify(b) === JSON.stringify(o)));
      expect(added.map((o) => (o as { name: string }).name)).toEqual(["entry_points_symbol_fqn_idx", "glossary_source_fqn_idx"]);
      expect({ ...after, objects: after.objects.filter((o) => !added.includes(o)) }).toEqual(before);
      expect(db.prepare("PRAGMA foreign_key_check").all()).toEqual([]);
      const fks = db.prepare('SELECT m.name AS tbl, f."from" AS col, f.on_delete FROM sqlite_schema m, pragma_foreign_key_list(m.name) f ORDER BY 1, 2').all();
      expect(fks).toEqual([
        { tbl: "edges", col: "from_fqn", on_delete: "CASCADE" },
        { tbl: "edges", col: "to_fqn", on_delete: "CASCADE" },
        { tbl: "entry_points", col: "symbol_fqn", on_delete: "CASCADE" },
        { tbl: "glossary", col: "source_fqn", on_delete: "CASCADE" },
        { tbl: "summaries", col: "target_fqn", on_delete: "CASCADE" },
      ]);
      // the trigger still fires, the view still reads
      db.prepare("INSERT INTO edges (id, from_fqn, to_fqn, relation) SELECT 50000, fqn, fqn, 'self' FROM symbols WHERE id = 7").run();
      expect(db.prepare("SELECT count(*) AS n FROM edge_log WHERE edge_id = 50000").get()).toEqual({ n: 1 });
      expect(db.prepare("SELECT count(*) AS n FROM edge_count").get()).toMatchObject({ n: expect.any(Number) });

      // deleting a symbol (foreign_keys on) removes its edges and nothing else
      db.pragma("foreign_keys = ON");
      const fqn = (db.prepare("SELECT fqn FROM symbols WHERE id = 7").get() as { fqn: string }).fqn;
      const count = (sql: string) => (db.prepare(sql).get(fqn) as { n: number }).n;
      const edgesOf = "SELECT count(*) AS n FROM edges WHERE ? IN (from_fqn, to_fqn)";
      const totals = () =>
        ["symbols", "edges", "entry_points", "summaries", "glossary"].map((t) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n);
      const [symbols0, edges0, entries0, summaries0, glossary0] = totals();
      const mine = count(edgesOf);
      const mineEntries = count("SELECT count(*) AS n FROM entry_points WHERE symbol_fqn = ?");
      const mineSummaries = count("SELECT count(*) AS n FROM summaries WHERE target_fqn = ?");
      const mineGlossary = count("SELECT count(*) AS n FROM glossary WHERE source_fqn = ?");
      expect(mine).toBeGreaterThan(0);
      db.prepare("DELETE FROM symbols WHERE fqn = ?").run(fqn);
      expect(count(edgesOf)).toBe(0);
      expect(totals()).toEqual([symbols0 - 1, edges0 - mine, entries0 - mineEntries, summaries0 - mineSummaries, glossary0 - mineGlossary]);
    } finally {
      db.close();
    }
  });

  it("an enforced key without an index on its columns gets the index proposed on its own", async () => {
    const db = new Database(file);
    db.exec("CREATE TABLE tags (id INTEGER PRIMARY KEY, symbol_fqn TEXT REFERENCES symbols (fqn) ON DELETE CASCADE)");
    db.close();
    const [tags] = await proposePrevention(config, pool, { only: ["codegraph.tags.symbol_fqn"] });
    expect(tags).toMatchObject({
      status: "exists",
      action: "CASCADE",
      statements: [],
      indexAdvice: 'CREATE INDEX "main"."tags_symbol_fqn_idx" ON "tags" ("symbol_fqn")',
    });
  });

  it("refuses as blocked, changing nothing, when orphans appeared since the proposal", async () => {
    clean();
    const proposals = await proposePrevention(config, pool, { only: ["glossary_symbol"] });
    expect(proposals[0].status).toBe("ready");
    const db = new Database(file);
    db.pragma("foreign_keys = OFF");
    db.exec("INSERT INTO glossary (id, source_fqn, term) VALUES (10001, 'com.example.Gone', 'late')");
    const schemaBefore = db.prepare("SELECT sql FROM sqlite_schema ORDER BY name").all();
    db.close();
    const result = await applyPrevention(config, pool, ["glossary_symbol"]);
    expect(result.status).toBe("blocked");
    expect(result.reason).toContain("1 orphan row(s) remain");
    expect(result.steps).toEqual([]);
    const after = new Database(file, { readonly: true });
    expect(after.prepare("SELECT sql FROM sqlite_schema ORDER BY name").all()).toEqual(schemaBefore);
    after.close();
  });
});

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "../config/load";
import type { Config, Dialect } from "../config/types";
import { resolveRelations } from "../relations/resolve";
import type { Relation } from "../relations/types";
import { TargetPool } from "../targets/pool";
import type { KeyRange } from "../targets/types";
import { createMysqlDatabase, hasMysql, hasPostgres, POSTGRES_URL, postgresAdmin } from "../../test/services";
import { planRanges, rangeJson } from "./ranges";
import { scanRelation, type ScanResult } from "./scan";

/**
 * A big relation is counted in ranges of its key: the ranges' counts must add up exactly
 * to the one-statement count, whatever the key (composite, text in a collation that is
 * not byte order) and with NULL references inside the ranges. A tiny chunkRows (7) cuts
 * these tables into dozens of ranges.
 */

const CHUNK_ROWS = 7;
const WORDS = ["Zebra", "apple", "Éclair", "über", "Ärger", "zeta", "Alpha", "ßtraße", "naïve", "ZZ", "a", "Ölig"];

/** The rows, the same in every dialect; the expected orphans are counted here, from the rows themselves. */
function data() {
  const orgs = [1, 2, 3];
  const codes = ["x", "Y", "ü"];
  const parentsC = orgs.flatMap((o) => codes.filter((c) => !(o === 3 && c === "ü")).map((c) => [o, c] as const));
  const childrenC: [string, number, number | null, string | null][] = [];
  for (let i = 0; i < 150; i++) {
    const region = WORDS[i % WORDS.length];
    const org = i % 11 === 0 ? null : (i % 4) + 1; // org 4 has no parent
    const code = i % 13 === 0 ? null : codes[i % 3];
    childrenC.push([region, i, org, code]);
  }
  const tags = WORDS.filter((_, i) => i % 3 !== 0);
  const notes: [string, string | null][] = [];
  for (let i = 0; i < 160; i++) notes.push([`${WORDS[(i * 7) % WORDS.length]}-${i}`, i % 9 === 0 ? null : WORDS[i % WORDS.length]]);
  const parentKey = new Set(parentsC.map((p) => `${p[0]}|${p[1]}`));
  const orphansC = childrenC.filter(([, , o, c]) => o != null && c != null && !parentKey.has(`${o}|${c}`)).length;
  const orphansT = notes.filter(([, t]) => t != null && !tags.includes(t)).length;
  return { parentsC, childrenC, tags, notes, orphansC, orphansT };
}

const D = data();

function ddl(d: Dialect): string[] {
  const text = d === "mysql" ? "VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" : d === "postgres" ? 'VARCHAR(40) COLLATE "C"' : "TEXT";
  // PostgreSQL: a collation of its own on the key (C, byte order, unlike the default) shows the statements compare as the column does.
  const lit = (v: string | number | null) => (v == null ? "NULL" : typeof v === "number" ? String(v) : `'${v.replace(/'/g, "''")}'`);
  return [
    `CREATE TABLE parents_c (org_id INTEGER NOT NULL, code ${text} NOT NULL, PRIMARY KEY (org_id, code))`,
    `CREATE TABLE children_c (region ${text} NOT NULL, seq INTEGER NOT NULL, org_id INTEGER NULL, code ${text} NULL, PRIMARY KEY (region, seq))`,
    `CREATE INDEX children_c_ref ON children_c (org_id, code)`,
    `CREATE TABLE tags_t (name ${text} NOT NULL PRIMARY KEY)`,
    `CREATE TABLE notes_t (slug ${text} NOT NULL PRIMARY KEY, tag_name ${text} NULL)`,
    `CREATE INDEX notes_t_tag ON notes_t (tag_name)`,
    `INSERT INTO parents_c (org_id, code) VALUES ${D.parentsC.map((r) => `(${r.map(lit).join(", ")})`).join(", ")}`,
    `INSERT INTO children_c (region, seq, org_id, code) VALUES ${D.childrenC.map((r) => `(${r.map(lit).join(", ")})`).join(", ")}`,
    `INSERT INTO tags_t (name) VALUES ${D.tags.map((t) => `(${lit(t)})`).join(", ")}`,
    `INSERT INTO notes_t (slug, tag_name) VALUES ${D.notes.map((r) => `(${r.map(lit).join(", ")})`).join(", ")}`,
  ];
}

interface Place {
  target: { dialect: Dialect; url: string };
  env: Record<string, string>;
  schema?: string;
  drop(): Promise<void>;
}

async function place(d: Dialect): Promise<Place> {
  const suffix = randomBytes(4).toString("hex");
  if (d === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "custodian-chunks-"));
    const file = path.join(dir, "chunks.db");
    const db = new Database(file);
    for (const s of ddl(d)) db.exec(s);
    db.close();
    return { target: { dialect: d, url: `file:${file}` }, env: {}, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  if (d === "postgres") {
    const schema = `cust_chunks_${suffix}`;
    await postgresAdmin([`CREATE SCHEMA ${schema}`, `SET search_path = ${schema}`, ...ddl(d), `ANALYZE parents_c, children_c, tags_t, notes_t`].join(";\n"));
    return {
      target: { dialect: d, url: "${CHUNKS_PG}" },
      env: { CHUNKS_PG: POSTGRES_URL },
      schema,
      drop: () => postgresAdmin(`DROP SCHEMA ${schema} CASCADE`),
    };
  }
  const db = await createMysqlDatabase(`cust_chunks_${suffix}`);
  const c = await mysql.createConnection({ uri: db.url });
  for (const s of ddl(d)) await c.query(s);
  await c.query("ANALYZE TABLE parents_c, children_c, tags_t, notes_t");
  await c.end();
  return { target: { dialect: d, url: "${CHUNKS_MY}" }, env: { CHUNKS_MY: db.url }, schema: new URL(db.url).pathname.slice(1), drop: db.drop };
}

/** A second database holding the tags, for the cross-target relation (the walk's key is cut there). */
function sqliteTags(): { url: string; drop(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "custodian-chunks-tags-"));
  const file = path.join(dir, "tags.db");
  const db = new Database(file);
  db.exec(`CREATE TABLE tags (name TEXT PRIMARY KEY)`);
  const insert = db.prepare("INSERT INTO tags (name) VALUES (?)");
  for (const t of D.tags) insert.run(t);
  db.close();
  return { url: `file:${file}`, drop: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The ranges' counts added up, each range passed through JSON as a sweep part stores it. */
async function chunked(relation: Relation, pool: TargetPool, ranges: KeyRange[], opts: Parameters<typeof scanRelation>[3] = {}) {
  let orphans = 0;
  let childRows = 0;
  for (const range of ranges) {
    const stored = JSON.stringify(rangeJson(range));
    const r: ScanResult = await scanRelation(relation, pool, new Date(), { ...opts, range: JSON.parse(stored) });
    expect(r.error, stored).toBeUndefined();
    orphans += r.orphans!;
    childRows += r.childRows!;
  }
  return { orphans, childRows };
}

const dialects: Dialect[] = ["sqlite", ...(hasPostgres ? (["postgres"] as const) : []), ...(hasMysql ? (["mysql"] as const) : [])];

describe.each(dialects)("chunked counts equal the one-statement count on %s", (d) => {
  let p: Place;
  let tags: ReturnType<typeof sqliteTags>;
  let config: Config;
  let pool: TargetPool;
  let relations: Relation[];
  beforeAll(async () => {
    p = await place(d);
    tags = sqliteTags();
    const schema = p.schema ? { schema: p.schema } : {};
    config = validateConfig(
      {
        targets: { db: p.target, tagsdb: { dialect: "sqlite", url: tags.url } },
        relations: [
          {
            name: "composite",
            child: { target: "db", ...schema, table: "children_c", columns: ["org_id", "code"] },
            parent: { target: "db", ...schema, table: "parents_c", columns: ["org_id", "code"] },
          },
          {
            name: "text",
            child: { target: "db", ...schema, table: "notes_t", columns: ["tag_name"] },
            parent: { target: "db", ...schema, table: "tags_t", columns: ["name"] },
          },
          {
            name: "across",
            child: { target: "db", ...schema, table: "notes_t", columns: ["tag_name"] },
            parent: { target: "tagsdb", table: "tags", columns: ["name"] },
          },
        ],
        sweep: { chunkRows: CHUNK_ROWS },
      },
      "test.yaml",
      p.env,
    );
    pool = new TargetPool(config.targets);
    relations = (await resolveRelations(config, pool)).relations;
  });
  afterAll(async () => {
    await pool?.close();
    await p?.drop();
    tags?.drop();
  });

  const relation = (name: string) => relations.find((r) => r.name === name)!;

  it.each([
    ["composite", () => D.orphansC, () => D.childrenC.length],
    ["text", () => D.orphansT, () => D.notes.length],
    ["across", () => D.orphansT, () => D.notes.length],
  ] as const)("%s", async (name, orphans, rows) => {
    const r = relation(name);
    const whole = await scanRelation(r, pool);
    expect(whole.error).toBeUndefined();
    expect(whole.orphans).toBe(orphans());
    expect(whole.childRows).toBe(rows());
    const ranges = (await planRanges(r, pool, CHUNK_ROWS))!;
    expect(ranges.length).toBeGreaterThan(10);
    // the ranges meet: each starts where the one before ended, the first and last are open
    expect(ranges[0].from).toBeUndefined();
    expect(ranges.at(-1)!.to).toBeUndefined();
    for (let i = 1; i < ranges.length; i++) expect(ranges[i].from).toEqual(ranges[i - 1].to);
    expect(await chunked(r, pool, ranges)).toEqual({ orphans: whole.orphans, childRows: whole.childRows });
    // bounded statements (the target's scanStatementTimeoutMs set, never reached) count the same
    const bounds = { db: { timeoutMs: 60_000 }, tagsdb: { timeoutMs: 60_000 } };
    expect(await chunked(r, pool, ranges, { bounds })).toEqual({ orphans: whole.orphans, childRows: whole.childRows });
  });

  it("a relation under chunkRows is not cut", async () => {
    expect(await planRanges(relation("composite"), pool, 1_000)).toBeNull();
  });
});

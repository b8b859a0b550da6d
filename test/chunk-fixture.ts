import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import type { Dialect } from "../lib/config/types";
import { createMysqlDatabase, POSTGRES_URL, postgresAdmin } from "./services";

/**
 * Tables for counting in ranges (lib/detect/ranges.ts), the same rows in every dialect: a
 * composite primary key and reference, a text primary key and reference in a collation
 * that is not byte order (mixed case, accents), integer references of one and two columns
 * (cut along the reference where the dialect does so), NULL references among the rows; and a
 * SQLite database of tags for a cross-target relation. The expected orphans are counted
 * here from the rows themselves.
 */

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
  // integer references (PostgreSQL cuts these along the reference, the parent's key bounded alike): one column and two, NULLs among them
  const nums = Array.from({ length: 40 }, (_, n) => n).filter((n) => n % 5 !== 0);
  const pairs = [1, 2, 3].flatMap((o) => Array.from({ length: 40 }, (_, n) => [o, n] as const).filter(([o, n]) => (o + n) % 4 !== 0));
  const items: [number, number | null, number | null][] = [];
  for (let i = 0; i < 150; i++) items.push([((i * 37) % 151) + 1, i % 11 === 0 ? null : (i % 3) + 1, i % 17 === 0 ? null : (i * 7) % 40]);
  const pairKey = new Set(pairs.map(([o, n]) => `${o}|${n}`));
  const orphansN = items.filter(([, , n]) => n != null && !nums.includes(n)).length;
  const orphansP = items.filter(([, o, n]) => o != null && n != null && !pairKey.has(`${o}|${n}`)).length;
  const orphanKeysP = new Set(items.filter(([, o, n]) => o != null && n != null && !pairKey.has(`${o}|${n}`)).map(([, o, n]) => `${o}|${n}`)).size;
  const parentKey = new Set(parentsC.map((p) => `${p[0]}|${p[1]}`));
  const orphansC = childrenC.filter(([, , o, c]) => o != null && c != null && !parentKey.has(`${o}|${c}`)).length;
  const orphansT = notes.filter(([, t]) => t != null && !tags.includes(t)).length;
  // the distinct orphan keys, as sightings record them
  const orphanKeysC = new Set(childrenC.filter(([, , o, c]) => o != null && c != null && !parentKey.has(`${o}|${c}`)).map(([, , o, c]) => `${o}|${c}`)).size;
  const orphanKeysT = new Set(notes.filter(([, t]) => t != null && !tags.includes(t)).map(([, t]) => t)).size;
  return { parentsC, childrenC, tags, notes, orphansC, orphansT, orphanKeysC, orphanKeysT, nums, pairs, items, orphansN, orphansP, orphanKeysP };
}

export const CHUNK_DATA = data();

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
    `CREATE TABLE nums_i (n INTEGER NOT NULL PRIMARY KEY)`,
    `CREATE TABLE pairs_i (org_id INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (org_id, n))`,
    `CREATE TABLE items_i (id INTEGER NOT NULL PRIMARY KEY, org_id INTEGER NULL, n INTEGER NULL)`,
    `CREATE INDEX items_i_n ON items_i (n)`,
    `CREATE INDEX items_i_ref ON items_i (org_id, n)`,
    `INSERT INTO nums_i (n) VALUES ${CHUNK_DATA.nums.map((n) => `(${n})`).join(", ")}`,
    `INSERT INTO pairs_i (org_id, n) VALUES ${CHUNK_DATA.pairs.map((r) => `(${r.map(lit).join(", ")})`).join(", ")}`,
    `INSERT INTO items_i (id, org_id, n) VALUES ${CHUNK_DATA.items.map((r) => `(${r.map(lit).join(", ")})`).join(", ")}`,
    `INSERT INTO parents_c (org_id, code) VALUES ${CHUNK_DATA.parentsC.map((r) => `(${r.map(lit).join(", ")})`).join(", ")}`,
    `INSERT INTO children_c (region, seq, org_id, code) VALUES ${CHUNK_DATA.childrenC.map((r) => `(${r.map(lit).join(", ")})`).join(", ")}`,
    `INSERT INTO tags_t (name) VALUES ${CHUNK_DATA.tags.map((t) => `(${lit(t)})`).join(", ")}`,
    `INSERT INTO notes_t (slug, tag_name) VALUES ${CHUNK_DATA.notes.map((r) => `(${r.map(lit).join(", ")})`).join(", ")}`,
  ];
}

export interface ChunkPlace {
  target: { dialect: Dialect; url: string };
  env: Record<string, string>;
  schema?: string;
  drop(): Promise<void>;
}

export async function chunkTables(d: Dialect): Promise<ChunkPlace> {
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
    await postgresAdmin(
      [`CREATE SCHEMA ${schema}`, `SET search_path = ${schema}`, ...ddl(d), `ANALYZE parents_c, children_c, tags_t, notes_t, nums_i, pairs_i, items_i`].join(
        ";\n",
      ),
    );
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
  await c.query("ANALYZE TABLE parents_c, children_c, tags_t, notes_t, nums_i, pairs_i, items_i");
  await c.end();
  return { target: { dialect: d, url: "${CHUNKS_MY}" }, env: { CHUNKS_MY: db.url }, schema: new URL(db.url).pathname.slice(1), drop: db.drop };
}

/** A second database holding the tags, for the cross-target relation (the walk's key is cut there). */
export function chunkTagsDatabase(): { url: string; drop(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "custodian-chunks-tags-"));
  const file = path.join(dir, "tags.db");
  const db = new Database(file);
  db.exec(`CREATE TABLE tags (name TEXT PRIMARY KEY)`);
  const insert = db.prepare("INSERT INTO tags (name) VALUES (?)");
  for (const t of CHUNK_DATA.tags) insert.run(t);
  db.close();
  return { url: `file:${file}`, drop: () => rmSync(dir, { recursive: true, force: true }) };
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTarget } from "../open";
import { Session } from "../session";
import { openSqliteDriver } from "./driver";
import { mapSqliteError } from "./errors";
import { createSqliteIntrospector } from "./introspector";
import { deleteByPk } from "../features/cleanup";
import type { Target } from "../types";

// The unfiltered NOT IN is only NULL-safe onto a rowid. SQLite lets any other PRIMARY KEY
// of a rowid table hold NULL (a legacy quirk), and one NULL parent key would make an
// unfiltered NOT IN count no orphans at all: these parents carry that trap.
const PARENTS: Record<string, string> = {
  rowid: "(id INTEGER PRIMARY KEY, name TEXT)",
  rowid_table_pk: "(name TEXT, id INTEGER, PRIMARY KEY (id))",
  int_pk: "(id INT PRIMARY KEY, name TEXT)", // not a rowid alias: may hold NULL
  integer_desc: "(id INTEGER PRIMARY KEY DESC, name TEXT)", // not a rowid alias either
  bigint_pk: "(id BIGINT PRIMARY KEY, name TEXT)",
  without_rowid: "(id INTEGER PRIMARY KEY, name TEXT) WITHOUT ROWID",
};

describe("SQLite orphan counts onto every kind of primary key", () => {
  let dir: string;
  let target: Target;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "custodian-sqlite-pk-"));
    const file = path.join(dir, "pk.db");
    const db = new Database(file);
    for (const [name, body] of Object.entries(PARENTS)) {
      db.exec(`CREATE TABLE ${name} ${body}`);
      db.exec(`INSERT INTO ${name} (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
      if (!/rowid/.test(name)) db.exec(`INSERT INTO ${name} (id, name) VALUES (NULL, 'null key')`);
    }
    // 2 orphans (7 and 'x'), 2 NULL keys (never orphans), keys as text and real that match
    db.exec(`CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id);
      INSERT INTO child (parent_id) VALUES (1), (1), ('2'), (3.0), (7), (NULL), ('x'), (NULL);
      CREATE INDEX child_parent_idx ON child (parent_id);`);
    db.close();
    target = await openTarget({ name: "pk", dialect: "sqlite", url: file });
  });
  afterAll(async () => {
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(Object.keys(PARENTS))("%s: exact orphans and child rows", async (table) => {
    const count = await target.countOrphans({
      child: { schema: "main", table: "child", columns: ["parent_id"] },
      parent: { schema: "main", table, columns: ["id"] },
      parentKeyUnique: true,
    });
    expect(count).toEqual({ orphans: 2, childRows: 8 });
  });

  it("recognises exactly the rowid keys", async () => {
    // the introspector on its own session: a part of the dialect, tested without a Target
    const session = new Session("pk", openSqliteDriver({ name: "pk", dialect: "sqlite", url: path.join(dir, "pk.db") }), mapSqliteError);
    const keys = await createSqliteIntrospector(session)
      .rowidKeys()
      .finally(() => session.close());
    expect([...keys.entries()].sort()).toEqual([
      ["child", "id"],
      ["rowid", "id"],
      ["rowid_table_pk", "id"],
    ]);
  });
});

describe("SQLite key walk", () => {
  let dir: string;
  let target: Target;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "custodian-sqlite-walk-"));
    const file = path.join(dir, "walk.db");
    const db = new Database(file);
    // an untyped column holds whatever it is given: every storage class in one key
    db.exec(`CREATE TABLE child (id INTEGER PRIMARY KEY, k);
      INSERT INTO child (k) VALUES (1), (1), (2), (9007199254740993), (9007199254740993), (-9007199254740993), (2.5),
        ('abc'), ('abc'), ('1'), (x'01'), (x'01'), (NULL), (NULL);
      CREATE INDEX child_k_idx ON child (k);`);
    db.close();
    target = await openTarget({ name: "walk", dialect: "sqlite", url: file });
  });
  afterAll(async () => {
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([1, 2, 3, 100])("walks every key exactly once with its count, in pages of %i", async (limit) => {
    const seen: [unknown, number][] = [];
    let after: unknown[] | null = null;
    let rows = 0;
    for (;;) {
      const page = await target.walkKeys({ schema: "main", table: "child", columns: ["k"] }, after, limit);
      for (let i = 0; i < page.size; i++) seen.push([page.keys[0][i], page.rows[i]]);
      rows += page.rowCount;
      if (!page.next) break;
      after = page.next;
    }
    // packed pages give integers within 2^53 as numbers, beyond as their exact text; a page
    // with a BLOB is walked by rows (the driver's BigInt and Buffer)
    const norm = (v: unknown) =>
      Buffer.isBuffer(v) ? `blob:${v.toString("hex")}` : typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : String(v)) : v;
    expect(seen.map(([k, n]) => [norm(k), n])).toEqual([
      ["-9007199254740993", 1],
      [1, 2],
      [2, 1],
      [2.5, 1],
      ["9007199254740993", 2],
      ["1", 1],
      ["abc", 2],
      ["blob:01", 2],
    ]);
    expect(rows).toBe(12);
    expect(await target.countNullKeys({ schema: "main", table: "child", columns: ["k"] })).toBe(2);
  });
});

describe("SQLite key lists bound as one JSON text", () => {
  let dir: string;
  let target: Target;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "custodian-sqlite-json-"));
    const file = path.join(dir, "keys.db");
    const db = new Database(file);
    db.defaultSafeIntegers(true);
    // no declared type: the column keeps each value as it came, so 2 and '2' are two rows
    db.exec(`CREATE TABLE t (k PRIMARY KEY, note TEXT)`);
    const insert = db.prepare(`INSERT INTO t (k, note) VALUES (?, ?)`);
    for (const [k, note] of [
      [2n, "integer 2"],
      ["2", "text 2"],
      [9007199254740993n, "past 2^53"],
      [9007199254740992n, "its neighbour"],
      [`it's "quoted"`, "quotes"],
      [2.5, "a real"],
      [Buffer.from("2"), "a blob"],
    ] as const)
      insert.run(k, note);
    db.close();
    target = await openTarget({ name: "keys", dialect: "sqlite", url: file });
  });
  afterAll(async () => {
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("deletes exactly the keys listed, each of its own type, big integers exact", async () => {
    expect(target.keyLists).toBe("json");
    const ref = { schema: "main", table: "t" };
    const statement = deleteByPk(ref, ["k"], [[9007199254740993n], ["2"], [`it's "quoted"`]], target.keyLists);
    const compiled = statement.compile(new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(":memory:") }) }));
    expect([compiled.sql, compiled.parameters.length]).toEqual(['DELETE FROM "main"."t" WHERE "k" IN (SELECT value FROM json_each(?))', 1]);
    expect(await target.transaction(5000, (tx) => tx.execute(statement))).toBe(3);
    const left = await target.query<{ note: string }>(sql`SELECT note FROM t ORDER BY note`);
    expect(left.map((r) => r.note)).toEqual(["a blob", "a real", "integer 2", "its neighbour"]);
    // a real and a blob cannot travel as JSON: bound one each, and still exact
    expect(await target.transaction(5000, (tx) => tx.execute(deleteByPk(ref, ["k"], [[2.5], [Buffer.from("2")]], target.keyLists)))).toBe(2);
    expect((await target.query<{ note: string }>(sql`SELECT note FROM t ORDER BY note`)).map((r) => r.note)).toEqual(["integer 2", "its neighbour"]);
  });
});

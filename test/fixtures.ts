import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { PGlite } from "@electric-sql/pglite";
import mysql from "mysql2/promise";
import type { Dialect } from "../lib/config/types";
import { assertLocal, MYSQL_URL, POSTGRES_URL, postgresAdmin } from "./services";

/**
 * The same small, awkward schema in every dialect: quoted names with spaces, capitals
 * and quotes; a composite foreign key; NULL keys; soft-deleted parents; and (Postgres)
 * a foreign key into another schema. Every orphan is listed in FIXTURE_EXPECTED.
 */
export const WEIRD_TABLE = 'Weird "Items"';
export const WEIRD_COLUMN = "User Id";

export const FIXTURE_EXPECTED = {
  postsUserId: 3, // declared FK: 3 posts of user 99
  postsUserIdSoftDeleted: 5, // + 2 posts of user 9, soft-deleted 40 days ago (grace 30)
  grants: 2, // composite (org_id, user_no): (2,2) and (3,1); (2,NULL) and (NULL,NULL) are not orphans
  weird: 2, // "User Id" 77 and 78; two NULLs are not orphans
  invoices: 1, // Postgres only: other-schema FK, user 55
  nonUniqueParent: 15, // posts.user_id against grants.user_no (1, 2 and NULLs): a parent key that is not unique
  taggings: 2, // text keys: "ghost" and "deleted-tag"; quotes and accents match
};

export interface Fixture {
  dialect: Dialect;
  /** The URL a config would reach it with (through an env var for servers). */
  url: string;
  /** The schema holding the tables (undefined: the target's default). */
  schema?: string;
  /** Postgres: a second schema, with a space and capitals in its name. */
  otherSchema?: string;
  /** Runs raw SQL in the fixture (tests that change data). */
  exec(sql: string): Promise<void>;
  drop(): Promise<void>;
}

const iso = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 19).replace("T", " ");

function statements(d: Dialect, q: (name: string) => string, schema: string | null, other: string | null): string[] {
  const t = (name: string) => (schema ? `${q(schema)}.${q(name)}` : q(name));
  const ts = d === "mysql" ? "DATETIME(3)" : d === "sqlite" ? "TEXT" : "timestamptz";
  const tsv = (daysAgo: number) => (d === "postgres" || d === "pglite" ? `'${iso(daysAgo)}+00'` : `'${iso(daysAgo)}'`);
  const out = [
    `CREATE TABLE ${t("users")} (id BIGINT PRIMARY KEY, email VARCHAR(100) NOT NULL, deleted_at ${ts} NULL)`,
    `CREATE TABLE ${t("posts")} (id INTEGER PRIMARY KEY, user_id BIGINT NULL, title VARCHAR(100) NOT NULL, FOREIGN KEY (user_id) REFERENCES ${t("users")} (id))`,
    `CREATE INDEX ${q("posts_user_idx")} ON ${t("posts")} (user_id)`,
    `CREATE TABLE ${t("memberships")} (org_id INTEGER NOT NULL, user_no INTEGER NOT NULL, PRIMARY KEY (org_id, user_no))`,
    `CREATE TABLE ${t("grants")} (id INTEGER PRIMARY KEY, org_id INTEGER NULL, user_no INTEGER NULL, FOREIGN KEY (org_id, user_no) REFERENCES ${t("memberships")} (org_id, user_no))`,
    `CREATE INDEX ${q("grants_member_idx")} ON ${t("grants")} (org_id, user_no)`,
    `CREATE TABLE ${t("tags")} (name VARCHAR(50) PRIMARY KEY)`,
    `CREATE TABLE ${t("taggings")} (id INTEGER PRIMARY KEY, tag_name VARCHAR(50) NULL)`,
    `CREATE INDEX ${q("taggings_tag_idx")} ON ${t("taggings")} (tag_name)`,
    `INSERT INTO ${t("tags")} (name) VALUES ('rust'), ('go'), ('o''reilly'), ('naïve')`,
    `INSERT INTO ${t("taggings")} (id, tag_name) VALUES (1, 'rust'), (2, 'go'), (3, 'o''reilly'), (4, 'naïve'), (5, 'ghost'), (6, 'deleted-tag'), (7, NULL), (8, 'rust')`,
    `CREATE TABLE ${t(WEIRD_TABLE)} (id INTEGER PRIMARY KEY, ${q(WEIRD_COLUMN)} INTEGER NULL, note VARCHAR(50))`,
    `INSERT INTO ${t("users")} (id, email, deleted_at) VALUES ${[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `(${i}, 'u${i}@example.com', NULL)`).join(", ")}, (9, 'u9@example.com', ${tsv(40)}), (10, 'u10@example.com', ${tsv(2)})`,
    `INSERT INTO ${t("posts")} (id, user_id, title) VALUES ${Array.from({ length: 12 }, (_, i) => `(${i + 1}, ${(i % 8) + 1}, 'p')`).join(", ")}, (13, 9, 'p'), (14, 9, 'p'), (15, 10, 'p'), (16, 10, 'p'), (17, NULL, 'p')`,
    `INSERT INTO ${t("memberships")} (org_id, user_no) VALUES (1, 1), (1, 2), (2, 1)`,
    `INSERT INTO ${t("grants")} (id, org_id, user_no) VALUES (1, 1, 1), (2, 1, 2), (3, 2, 1), (6, 2, NULL), (7, NULL, NULL)`,
    `INSERT INTO ${t(WEIRD_TABLE)} (id, ${q(WEIRD_COLUMN)}, note) VALUES (1, 1, 'a'), (2, 2, 'b'), (3, NULL, 'c'), (4, NULL, 'd'), (5, 77, 'e'), (6, 78, 'f')`,
  ];
  // The orphans: written the way a broken cascade or a restore does, past the FK checks.
  const orphans = [
    `INSERT INTO ${t("posts")} (id, user_id, title) VALUES (18, 99, 'o'), (19, 99, 'o'), (20, 99, 'o')`,
    `INSERT INTO ${t("grants")} (id, org_id, user_no) VALUES (4, 2, 2), (5, 3, 1)`,
  ];
  if (d === "postgres" || d === "pglite") out.push("SET session_replication_role = replica", ...orphans, "SET session_replication_role = DEFAULT");
  else if (d === "mysql") out.push("SET FOREIGN_KEY_CHECKS = 0", ...orphans, "SET FOREIGN_KEY_CHECKS = 1");
  else out.push(...orphans);
  if (other) {
    out.push(
      `CREATE SCHEMA ${q(other)}`,
      `CREATE TABLE ${q(other)}.${q("invoices")} (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES ${t("users")} (id))`,
      `INSERT INTO ${q(other)}.${q("invoices")} VALUES (1, 1), (2, 2), (3, NULL)`,
      "SET session_replication_role = replica",
      `INSERT INTO ${q(other)}.${q("invoices")} VALUES (4, 55)`,
      "SET session_replication_role = DEFAULT",
    );
  }
  return out;
}

const dq = (name: string) => `"${name.replace(/"/g, '""')}"`;
const bq = (name: string) => `\`${name.replace(/`/g, "``")}\``;

export async function createFixture(dialect: Dialect): Promise<Fixture> {
  const suffix = randomBytes(4).toString("hex");
  if (dialect === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "custodian-sqlite-"));
    const file = path.join(dir, "fixture.db");
    const db = new Database(file);
    db.pragma("foreign_keys = OFF");
    for (const s of statements("sqlite", dq, null, null)) db.exec(s);
    db.close();
    return {
      dialect,
      url: `file:${file}`,
      exec: async (sql) => {
        const c = new Database(file);
        c.pragma("foreign_keys = OFF");
        c.exec(sql);
        c.close();
      },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (dialect === "pglite") {
    const dir = mkdtempSync(path.join(tmpdir(), "custodian-pglite-"));
    const db = await PGlite.create(path.join(dir, "data"));
    for (const s of statements("pglite", dq, null, null)) await db.exec(s);
    await db.close();
    return {
      dialect,
      url: `file:${path.join(dir, "data")}`,
      exec: async (sql) => {
        const c = await PGlite.create(path.join(dir, "data"));
        await c.exec(sql);
        await c.close();
      },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (dialect === "postgres") {
    assertLocal(POSTGRES_URL);
    const schema = `cust_fx_${suffix}`;
    const other = `Billing Dept ${suffix}`;
    await postgresAdmin([`CREATE SCHEMA ${dq(schema)}`, ...statements("postgres", dq, schema, other)].join(";\n"));
    return {
      dialect,
      url: POSTGRES_URL,
      schema,
      otherSchema: other,
      exec: postgresAdmin,
      drop: () => postgresAdmin(`DROP SCHEMA ${dq(other)} CASCADE; DROP SCHEMA ${dq(schema)} CASCADE`),
    };
  }
  assertLocal(MYSQL_URL);
  const database = `cust_fx_${suffix}`;
  const admin = await mysql.createConnection({ uri: MYSQL_URL });
  await admin.query(`CREATE DATABASE ${bq(database)}`);
  await admin.end();
  const url = new URL(MYSQL_URL);
  url.pathname = `/${database}`;
  const run = async (sql: string) => {
    const k = await mysql.createConnection({ uri: url.toString(), multipleStatements: true });
    try {
      await k.query(sql);
    } finally {
      await k.end();
    }
  };
  const conn = await mysql.createConnection({ uri: url.toString() });
  for (const s of statements("mysql", bq, null, null)) await conn.query(s);
  await conn.end();
  return {
    dialect,
    url: url.toString(),
    schema: database,
    exec: run,
    drop: async () => {
      const k = await mysql.createConnection({ uri: MYSQL_URL });
      await k.query(`DROP DATABASE ${bq(database)}`);
      await k.end();
    },
  };
}

import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import type { Dialect } from "../lib/config/types";
import { acquirePGlite } from "../lib/pglite/shared";
import { assertLocal, createMysqlDatabase, mysqlRows, POSTGRES_URL, postgresAdmin, postgresRows } from "./services";

/**
 * A soft-delete fixture in one database (PostgreSQL, PGlite, MariaDB or SQLite) with declared FKs:
 * users → posts → comments, users → comments, users → orders → payments (no stamp), and a
 * SQLite "activity" database whose rows reference users from outside (stamped in the same
 * cascade too, as text), with a note below each of them (a declared FK inside that database).
 *
 * Users 1–10 live. 11: deleted 2 days ago (inside the 30-day grace). 12: deleted 40 days
 * ago. 13: deleted 5 days ago as dup@example.com, and 14 registered again with that email.
 * 15–24: deleted 40 days ago with more rows below them (the purge that gets killed).
 * Every deleted user's posts, comments (theirs and others' on their posts) and orders
 * carry the user's own stamp; one post each was deleted 10 days before on its own.
 */
export const LIVE = 10;
export const IN_GRACE = 11;
export const PAST_GRACE = 12;
export const DUP = 13;
export const DUP_LIVE = 14;
export const BULK = Array.from({ length: 10 }, (_, i) => 15 + i);
export const DELETED = [IN_GRACE, PAST_GRACE, DUP, ...BULK];
export const PAST = [PAST_GRACE, ...BULK];
export const POSTS_PER_USER = 3;
export const BULK_POSTS = 30;
export const COMMENTS_PER_POST = 2;

export interface SoftDeleteFixture {
  dialect: Dialect;
  configFile: string;
  activityFile: string;
  env: Record<string, string>;
  query(sql: string): Promise<Record<string, unknown>[]>;
  table(name: string): string;
  drop(): Promise<void>;
}

const DAY = 86_400_000;
const stampText = (now: Date, days: number) => new Date(Math.floor((now.getTime() - days * DAY) / 1000) * 1000).toISOString().replace("T", " ").slice(0, 19);

function rows(now: Date) {
  const users: [number, string, string, string | null][] = [];
  const posts: [number, number, string | null][] = [];
  const comments: [number, number, number, string | null][] = [];
  const orders: [number, number, string | null][] = [];
  const payments: [number, number][] = [];
  const activity: [number, number, string | null][] = [];
  const notes: [number, number, string | null][] = [];
  const stampOf = (u: number) => (u === IN_GRACE ? stampText(now, 2) : u === DUP ? stampText(now, 5) : DELETED.includes(u) ? stampText(now, 40) : null);
  let postId = 0,
    commentId = 0,
    orderId = 0,
    paymentId = 0;
  for (let u = 1; u <= 24; u++) {
    const s = stampOf(u);
    users.push([u, u === DUP || u === DUP_LIVE ? "dup@example.com" : `user${u}@example.com`, `User ${u}`, s]);
    const n = BULK.includes(u) ? BULK_POSTS : POSTS_PER_USER;
    for (let p = 0; p < n; p++) {
      posts.push([++postId, u, s]);
      for (let c = 0; c < COMMENTS_PER_POST; c++) comments.push([++commentId, postId, ((u + c) % LIVE) + 1, s]);
    }
    if (s) {
      // deleted on its own before the account (its comments with it)
      posts.push([++postId, u, stampText(now, 50)]);
      comments.push([++commentId, postId, 1, stampText(now, 50)]);
    }
    comments.push([++commentId, 1, u, s]);
    for (let o = 0; o < 2; o++) {
      orders.push([++orderId, u, s]);
      payments.push([++paymentId, orderId], [++paymentId, orderId]);
    }
    for (let a = 0; a < 3; a++) {
      activity.push([activity.length + 1, u, s]);
      notes.push([notes.length + 1, activity.length, s]);
    }
    if (u === IN_GRACE) {
      // one activity row of the account in grace was deleted on its own long before, and
      // one note under a row of its cascade
      activity.push([activity.length + 1, u, stampText(now, 50)]);
      notes.push([notes.length + 1, activity.length - 1, stampText(now, 50)]);
    }
  }
  return { users, posts, comments, orders, payments, activity, notes };
}

const lit = (v: unknown) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
const values = (rs: unknown[][]) => rs.map((r) => `(${r.map(lit).join(", ")})`).join(", ");

function ddl(d: Dialect, t: (n: string) => string, now: Date): string[] {
  const ts = d === "postgres" || d === "pglite" ? "timestamptz" : d === "mysql" ? "DATETIME" : "TEXT";
  const r = rows(now);
  // PostgreSQL reads the stamps as UTC; MariaDB and SQLite keep them as written (UTC).
  const stamp = (v: string | null) => (v && (d === "postgres" || d === "pglite") ? `${v}+00` : v);
  return [
    `CREATE TABLE ${t("users")} (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL, name VARCHAR(100), deleted_at ${ts} NULL)`,
    `CREATE TABLE ${t("posts")} (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, deleted_at ${ts} NULL, FOREIGN KEY (user_id) REFERENCES ${t("users")} (id))`,
    `CREATE TABLE ${t("comments")} (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL, user_id INTEGER NULL, deleted_at ${ts} NULL, FOREIGN KEY (post_id) REFERENCES ${t("posts")} (id), FOREIGN KEY (user_id) REFERENCES ${t("users")} (id))`,
    `CREATE TABLE ${t("orders")} (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, deleted_at ${ts} NULL, FOREIGN KEY (user_id) REFERENCES ${t("users")} (id))`,
    `CREATE TABLE ${t("payments")} (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, FOREIGN KEY (order_id) REFERENCES ${t("orders")} (id))`,
    `INSERT INTO ${t("users")} (id, email, name, deleted_at) VALUES ${values(r.users.map(([a, b, c, s]) => [a, b, c, stamp(s)]))}`,
    `INSERT INTO ${t("posts")} (id, user_id, deleted_at) VALUES ${values(r.posts.map(([a, b, s]) => [a, b, stamp(s)]))}`,
    `INSERT INTO ${t("comments")} (id, post_id, user_id, deleted_at) VALUES ${values(r.comments.map(([a, b, c, s]) => [a, b, c, stamp(s)]))}`,
    `INSERT INTO ${t("orders")} (id, user_id, deleted_at) VALUES ${values(r.orders.map(([a, b, s]) => [a, b, stamp(s)]))}`,
    `INSERT INTO ${t("payments")} (id, order_id) VALUES ${values(r.payments)}`,
  ];
}

export async function createSoftDeleteFixture(dialect: Dialect, dir: string, now = new Date()): Promise<SoftDeleteFixture> {
  const suffix = randomBytes(4).toString("hex");
  const activityFile = path.join(dir, "activity.db");
  const act = new Database(activityFile);
  act.exec("CREATE TABLE customer_activity (id INTEGER PRIMARY KEY, profile_id INTEGER NOT NULL, deleted_at TEXT)");
  act.exec(`INSERT INTO customer_activity (id, profile_id, deleted_at) VALUES ${values(rows(now).activity)}`);
  act.exec("CREATE TABLE activity_notes (id INTEGER PRIMARY KEY, activity_id INTEGER NOT NULL REFERENCES customer_activity (id), deleted_at TEXT)");
  act.exec(`INSERT INTO activity_notes (id, activity_id, deleted_at) VALUES ${values(rows(now).notes)}`);
  act.close();
  const configFile = path.join(dir, "custodian.config.yaml");
  const config = (url: string, schema: string | null) => `targets:
  fx: { dialect: ${dialect}, url: "${url}" }
  activity: { dialect: sqlite, url: "file:${activityFile}" }
relations:
  - name: activity_profile
    child:  { target: activity, table: customer_activity, columns: [profile_id] }
    parent: { target: fx, ${schema ? `schema: ${JSON.stringify(schema)}, ` : ""}table: users, columns: [id] }
softDelete:
  - { target: fx, ${schema ? `schema: ${JSON.stringify(schema)}, ` : ""}table: users, column: deleted_at, graceDays: 30, unique: [email], pii: [email, name] }
`;
  if (dialect === "sqlite") {
    const file = path.join(dir, "fx.db");
    const db = new Database(file);
    for (const s of ddl("sqlite", (n) => `"${n}"`, now)) db.exec(s);
    db.close();
    writeFileSync(configFile, config(`file:${file}`, null));
    return {
      dialect,
      configFile,
      activityFile,
      env: {},
      table: (n) => `"${n}"`,
      query: async (sql) => {
        const c = new Database(file, { readonly: true });
        try {
          return c.prepare(sql).all() as Record<string, unknown>[];
        } finally {
          c.close();
        }
      },
      drop: async () => {},
    };
  }
  if (dialect === "pglite") {
    // An embedded PostgreSQL data folder; read back through the process's one shared instance.
    const folder = path.join(dir, "fx-pglite");
    const setup = await acquirePGlite(folder, { create: true, purpose: "a test fixture" });
    try {
      await setup.db.exec(ddl("pglite", (n) => `"${n}"`, now).join(";\n"));
    } finally {
      await setup.release();
    }
    writeFileSync(configFile, config(`file:${folder}`, "public"));
    return {
      dialect,
      configFile,
      activityFile,
      env: {},
      table: (n) => `"${n}"`,
      query: async (sql) => {
        const h = await acquirePGlite(folder, { purpose: "a test fixture" });
        try {
          return (await h.db.query<Record<string, unknown>>(sql)).rows;
        } finally {
          await h.release();
        }
      },
      drop: async () => {},
    };
  }
  if (dialect === "postgres") {
    assertLocal(POSTGRES_URL);
    const schema = `sd_${suffix}`;
    const t = (n: string) => `"${schema}"."${n}"`;
    await postgresAdmin([`CREATE SCHEMA "${schema}"`, ...ddl("postgres", t, now)].join(";\n"));
    writeFileSync(configFile, config("${FX_URL}", schema));
    return {
      dialect,
      configFile,
      activityFile,
      env: { FX_URL: POSTGRES_URL },
      table: t,
      query: postgresRows,
      drop: () => postgresAdmin(`DROP SCHEMA "${schema}" CASCADE`),
    };
  }
  const db = await createMysqlDatabase(`cust_sd_${suffix}`);
  const conn = await mysql.createConnection({ uri: db.url });
  for (const s of ddl("mysql", (n) => `\`${n}\``, now)) await conn.query(s);
  await conn.end();
  writeFileSync(configFile, config("${FX_URL}", null));
  return {
    dialect,
    configFile,
    activityFile,
    env: { FX_URL: db.url },
    table: (n) => `\`${n}\``,
    query: (sql) => mysqlRows(db.url, sql),
    drop: db.drop,
  };
}

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import type { Dialect } from "../lib/config/types";
import { acquirePGlite } from "../lib/pglite/shared";
import { assertLocal, createMysqlDatabase, mysqlRows, POSTGRES_URL, postgresAdmin, postgresRows } from "./services";

/**
 * A cleanup fixture with awkward names: "Accounts" (parent), 'Event "Log"' (child; a third
 * of its rows point at accounts that do not exist, a few at none) and event_tags (a
 * declared FK to the child: rows that hang below orphans, which must go first). 'Plain
 * "Events"' holds the same rows with nothing below it, cleaned by a plain delete (relation
 * plain_account): the one-statement delete, with candidates read ahead on servers.
 */
export const CHILD = 'Event "Log"';
export const PLAIN = 'Plain "Events"';
export const PARENT = "Accounts";
export const TAGS = "event_tags";
export const EVENTS = 2400;
export const ACCOUNTS = 300;
export const LIVE_ACCOUNTS = 200;

export const accountOf = (id: number) => (id % 97 === 0 ? null : ((id - 1) % ACCOUNTS) + 1);
export const isOrphan = (id: number) => {
  const a = accountOf(id);
  return a != null && a > LIVE_ACCOUNTS;
};
export const hasTag = (id: number) => id % 3 === 0;
export const ORPHAN_IDS = Array.from({ length: EVENTS }, (_, i) => i + 1).filter(isOrphan);

export interface CleanupFixture {
  dialect: Dialect;
  configFile: string;
  env: Record<string, string>;
  /** Runs one query against the fixture and returns its rows. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  table(name: string): string;
  /**
   * What marks this fixture's own connections on a server, so a test cuts only those (never a
   * console or another test on the same server): the application_name its URL sets
   * (PostgreSQL), its database (MariaDB/MySQL); null where nothing connects (embedded).
   */
  connections: { server: "postgres"; applicationName: string } | { server: "mysql"; database: string } | null;
  drop(): Promise<void>;
}

function ddl(d: Dialect, t: (n: string) => string, q: (n: string) => string): string[] {
  const rows = Array.from({ length: EVENTS }, (_, i) => i + 1);
  const chunks = (xs: number[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
  return [
    `CREATE TABLE ${t(PARENT)} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)`,
    `CREATE TABLE ${t(CHILD)} (id INTEGER PRIMARY KEY, account_id INTEGER NULL, payload VARCHAR(100) NOT NULL)`,
    `CREATE INDEX ${q("event_log_account_idx")} ON ${t(CHILD)} (account_id)`,
    `CREATE TABLE ${t(TAGS)} (id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, tag VARCHAR(20) NOT NULL, FOREIGN KEY (event_id) REFERENCES ${t(CHILD)} (id))`,
    `CREATE INDEX ${q("event_tags_event_idx")} ON ${t(TAGS)} (event_id)`,
    `CREATE TABLE ${t(PLAIN)} (id INTEGER PRIMARY KEY, account_id INTEGER NULL, payload VARCHAR(100) NOT NULL)`,
    `CREATE INDEX ${q("plain_events_account_idx")} ON ${t(PLAIN)} (account_id)`,
    `INSERT INTO ${t(PARENT)} (id, name) VALUES ${Array.from({ length: LIVE_ACCOUNTS }, (_, i) => `(${i + 1}, 'acct ${i + 1}')`).join(", ")}`,
    ...chunks(rows, 500).map(
      (c) =>
        `INSERT INTO ${t(CHILD)} (id, account_id, payload) VALUES ${c.map((id) => `(${id}, ${accountOf(id) ?? "NULL"}, 'event ${id} o''clock')`).join(", ")}`,
    ),
    ...chunks(rows, 500).map(
      (c) => `INSERT INTO ${t(PLAIN)} (id, account_id, payload) VALUES ${c.map((id) => `(${id}, ${accountOf(id) ?? "NULL"}, 'plain ${id}')`).join(", ")}`,
    ),
    ...chunks(rows.filter(hasTag), 500).map((c) => `INSERT INTO ${t(TAGS)} (id, event_id, tag) VALUES ${c.map((id) => `(${id}, ${id}, 'tag')`).join(", ")}`),
  ];
}

const dq = (n: string) => `"${n.replace(/"/g, '""')}"`;
const bq = (n: string) => `\`${n.replace(/`/g, "``")}\``;

export async function createCleanupFixture(dialect: Dialect, dir: string): Promise<CleanupFixture> {
  const suffix = randomBytes(4).toString("hex");
  const relation = (schema: string | null) => `
relations:
  - name: events_account
    child:  { target: fx, ${schema ? `schema: ${JSON.stringify(schema)}, ` : ""}table: ${JSON.stringify(CHILD)}, columns: [account_id] }
    parent: { target: fx, ${schema ? `schema: ${JSON.stringify(schema)}, ` : ""}table: ${PARENT}, columns: [id] }
    cleanup: { action: archive_then_delete, graceDays: 0, batchSize: 40 }
  - name: plain_account
    child:  { target: fx, ${schema ? `schema: ${JSON.stringify(schema)}, ` : ""}table: ${JSON.stringify(PLAIN)}, columns: [account_id] }
    parent: { target: fx, ${schema ? `schema: ${JSON.stringify(schema)}, ` : ""}table: ${PARENT}, columns: [id] }
    cleanup: { action: delete, graceDays: 0, batchSize: 40 }
`;
  const configFile = path.join(dir, "custodian.config.yaml");
  if (dialect === "sqlite") {
    const file = path.join(dir, "fx.db");
    const db = new Database(file);
    for (const s of ddl("sqlite", dq, dq)) db.exec(s);
    db.close();
    writeFileSync(configFile, `targets:\n  fx: { dialect: sqlite, url: "file:${file}" }\n${relation(null)}`);
    return {
      dialect,
      configFile,
      env: {},
      table: dq,
      connections: null,
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
      await setup.db.exec(ddl("pglite", dq, dq).join(";\n"));
    } finally {
      await setup.release();
    }
    writeFileSync(configFile, `targets:\n  fx: { dialect: pglite, url: "file:${folder}" }\n${relation(null)}`);
    return {
      dialect,
      configFile,
      env: {},
      table: dq,
      connections: null,
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
    const schema = `Cleanup FX ${suffix}`;
    const t = (n: string) => `${dq(schema)}.${dq(n)}`;
    await postgresAdmin([`CREATE SCHEMA ${dq(schema)}`, ...ddl("postgres", t, dq)].join(";\n"));
    writeFileSync(configFile, `targets:\n  fx: { dialect: postgres, url: "\${FX_URL}" }\n${relation(schema)}`);
    // pg lets the URL's application_name win over the target's own "custodian"
    const applicationName = `custodian_test_fx_${suffix}`;
    const url = new URL(POSTGRES_URL);
    url.searchParams.set("application_name", applicationName);
    return {
      dialect,
      configFile,
      env: { FX_URL: url.toString() },
      table: t,
      connections: { server: "postgres", applicationName },
      query: postgresRows,
      drop: () => postgresAdmin(`DROP SCHEMA ${dq(schema)} CASCADE`),
    };
  }
  const database = `cust_cleanup_${suffix}`;
  const db = await createMysqlDatabase(database);
  const conn = await mysql.createConnection({ uri: db.url });
  for (const s of ddl("mysql", bq, bq)) await conn.query(s);
  await conn.end();
  writeFileSync(configFile, `targets:\n  fx: { dialect: mysql, url: "\${FX_URL}" }\n${relation(null)}`);
  return {
    dialect,
    configFile,
    env: { FX_URL: db.url },
    table: bq,
    connections: { server: "mysql", database },
    query: (sql) => mysqlRows(db.url, sql),
    drop: db.drop,
  };
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "custodian-cleanup-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import { parseConfigText } from "../lib/config/load";
import type { Config, Dialect } from "../lib/config/types";
import { assertLocal, createMysqlDatabase, mysqlRows, POSTGRES_URL, postgresAdmin, postgresRows } from "./services";

/**
 * The four-eyes fixture: 200 orphan events on 40 missing accounts (5 each: accounts
 * 1001–1040), 100 live events, and tags on every ninth orphan event (22 rows below the
 * orphans, a declared FK). With 25 of the 40 keys allowlisted 75 orphans are eligible and
 * 8 tags hang below them: 83 rows, under a threshold of 100; without the allowlist, 222.
 * Each event carries a note, a column that is neither its key nor the reference.
 */
export const ORPHANS = 200;
export const LIVE_EVENTS = 100;
export const ORPHAN_ACCOUNTS = Array.from({ length: 40 }, (_, i) => 1001 + i);
export const accountOfEvent = (id: number) => (id <= LIVE_EVENTS ? ((id - 1) % 50) + 1 : 1001 + Math.floor((id - LIVE_EVENTS - 1) / 5));
export const TAGGED = Array.from({ length: ORPHANS }, (_, i) => LIVE_EVENTS + 1 + i).filter((id) => id % 9 === 0);
export const THRESHOLD = 100;
/** Each event's note (`personal note 123`): a value that is no key, never to be kept in the store. */
export const NOTE = "personal note ";

export interface ApprovalFixture {
  config: Config;
  /** The relation's name, new per fixture: eligibility caches per relation name whether any allowlist entry exists (for a second). */
  relation: string;
  count(table: "events" | "event_tags"): Promise<number>;
  drop(): Promise<void>;
}

function ddl(t: (n: string) => string): string[] {
  const events = Array.from({ length: LIVE_EVENTS + ORPHANS }, (_, i) => i + 1);
  return [
    `CREATE TABLE ${t("accounts")} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)`,
    `CREATE TABLE ${t("events")} (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, note VARCHAR(50) NOT NULL)`,
    `CREATE TABLE ${t("event_tags")} (id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, FOREIGN KEY (event_id) REFERENCES ${t("events")} (id))`,
    `INSERT INTO ${t("accounts")} (id, name) VALUES ${Array.from({ length: 50 }, (_, i) => `(${i + 1}, 'a${i + 1}')`).join(", ")}`,
    `INSERT INTO ${t("events")} (id, account_id, note) VALUES ${events.map((id) => `(${id}, ${accountOfEvent(id)}, '${NOTE}${id}')`).join(", ")}`,
    `INSERT INTO ${t("event_tags")} (id, event_id) VALUES ${TAGGED.map((id) => `(${id}, ${id})`).join(", ")}`,
  ];
}

const dq = (n: string) => `"${n.replace(/"/g, '""')}"`;
const bq = (n: string) => `\`${n.replace(/`/g, "``")}\``;

function configFor(relation: string, target: string, schema: string | null, threshold: number, env: Record<string, string>): Config {
  const s = schema ? `schema: ${JSON.stringify(schema)}, ` : "";
  return parseConfigText(
    `targets:
  fx: ${target}
relations:
  - name: ${relation}
    child:  { target: fx, ${s}table: events, columns: [account_id] }
    parent: { target: fx, ${s}table: accounts, columns: [id] }
    cleanup: { action: delete, graceDays: 0, batchSize: 20 }
cleanup: { approvalThreshold: ${threshold} }
`,
    "approval-fixture.yaml",
    env,
  );
}

export async function createApprovalFixture(dialect: Dialect, threshold = THRESHOLD): Promise<ApprovalFixture> {
  const suffix = randomBytes(4).toString("hex");
  const relation = `events_account_${suffix}`;
  if (dialect === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "custodian-approval-"));
    const file = path.join(dir, "fx.db");
    const db = new Database(file);
    for (const s of ddl(dq)) db.exec(s);
    db.close();
    return {
      relation,
      config: configFor(relation, `{ dialect: sqlite, url: "file:${file}" }`, null, threshold, {}),
      count: async (table) => {
        const c = new Database(file, { readonly: true });
        try {
          return Number((c.prepare(`SELECT count(*) AS n FROM ${dq(table)}`).get() as { n: number }).n);
        } finally {
          c.close();
        }
      },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (dialect === "postgres") {
    assertLocal(POSTGRES_URL);
    const schema = `approval_${suffix}`;
    const t = (n: string) => `${dq(schema)}.${dq(n)}`;
    await postgresAdmin([`CREATE SCHEMA ${dq(schema)}`, ...ddl(t)].join(";\n"));
    return {
      relation,
      config: configFor(relation, `{ dialect: postgres, url: "\${FX_URL}" }`, schema, threshold, { FX_URL: POSTGRES_URL }),
      count: async (table) => Number((await postgresRows(`SELECT count(*) AS n FROM ${t(table)}`))[0].n),
      drop: () => postgresAdmin(`DROP SCHEMA ${dq(schema)} CASCADE`),
    };
  }
  const db = await createMysqlDatabase(`cust_approval_${suffix}`);
  const conn = await mysql.createConnection({ uri: db.url });
  for (const s of ddl(bq)) await conn.query(s);
  await conn.end();
  return {
    relation,
    config: configFor(relation, `{ dialect: mysql, url: "\${FX_URL}" }`, null, threshold, { FX_URL: db.url }),
    count: async (table) => Number((await mysqlRows(db.url, `SELECT count(*) AS n FROM ${bq(table)}`))[0].n),
    drop: db.drop,
  };
}

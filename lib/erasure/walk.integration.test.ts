/**
 * The erasure walk across real servers: a subject in PostgreSQL (a table and columns with
 * spaces, capitals and quotes), its orders and their payments (transitive, declared FKs),
 * shipments of those orders in MariaDB with their items (cross-target from a table that is
 * not the subject's, then transitive there), and events in SQLite with their tags.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertLocal, hasMysql, hasPostgres, MYSQL_URL, POSTGRES_URL, postgresAdmin } from "../../test/services";
import { validateConfig } from "../config/load";
import { TargetPool } from "../targets/pool";
import { resolveSubject, subjectByName } from "./subjects";
import { verifySubject } from "./verify";

/** The pool's targets, but binding at most `n` values per statement: forces the walk's chunked paths on a small fixture. */
function tinyBatches(pool: TargetPool, n: number): TargetPool {
  const get = pool.get.bind(pool);
  pool.get = async (name: string) => {
    const t = await get(name);
    return new Proxy(t, { get: (o, p) => (p === "lookupBatchSize" ? () => n : Reflect.get(o, p)) });
  };
  return pool;
}

const USERS = 'Acct "Users"';
const USER_ID = "Acct Id";
const EVENTS = 'Weird "Events"';
const dq = (n: string) => `"${n.replace(/"/g, '""')}"`;
const bq = (n: string) => `\`${n.replace(/`/g, "``")}\``;

describe.runIf(hasPostgres && hasMysql)("erasure walk across PostgreSQL, MariaDB and SQLite", () => {
  const suffix = randomBytes(4).toString("hex");
  const pgSchema = `Cust Erasure ${suffix}`;
  const myDb = `cust_er_${suffix}`;
  const dir = mkdtempSync(path.join(tmpdir(), "custodian-erasure-"));
  const sqliteFile = path.join(dir, "events.db");
  const myUrl = Object.assign(new URL(MYSQL_URL), { pathname: `/${myDb}` }).toString();
  const my = async (s: string) => {
    const c = await mysql.createConnection({ uri: myUrl, multipleStatements: true });
    try {
      await c.query(s);
    } finally {
      await c.end();
    }
  };
  const lite = (s: string) => {
    const db = new Database(sqliteFile);
    db.exec(s);
    db.close();
  };

  beforeAll(async () => {
    assertLocal(MYSQL_URL);
    const s = dq(pgSchema);
    // User 7 is gone, half-way: its orders stayed (replica mode skips the FK, as a broken cascade does).
    await postgresAdmin(`
      CREATE SCHEMA ${s};
      CREATE TABLE ${s}.${dq(USERS)} (id bigint PRIMARY KEY, "E-mail" text, name text, deleted_at timestamptz);
      CREATE TABLE ${s}.orders (id bigint PRIMARY KEY, ${dq(USER_ID)} bigint NOT NULL REFERENCES ${s}.${dq(USERS)} (id));
      CREATE TABLE ${s}.payments (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES ${s}.orders (id));
      INSERT INTO ${s}.${dq(USERS)} VALUES (8, 'u8@example.com', 'Eight', NULL), (9, NULL, NULL, now() - interval '40 days');
      INSERT INTO ${s}.orders VALUES (80, 8);
      INSERT INTO ${s}.payments VALUES (800, 80);
      SET session_replication_role = replica;
      INSERT INTO ${s}.orders VALUES (70, 7), (71, 7);
      INSERT INTO ${s}.payments VALUES (700, 70), (701, 70), (710, 71);
      SET session_replication_role = DEFAULT;`);
    const admin = await mysql.createConnection({ uri: MYSQL_URL });
    await admin.query(`CREATE DATABASE ${bq(myDb)}`);
    await admin.end();
    await my(`
      CREATE TABLE shipments (id INT PRIMARY KEY, order_ref BIGINT NOT NULL, KEY (order_ref));
      CREATE TABLE shipment_items (id INT PRIMARY KEY, shipment_id INT NOT NULL, FOREIGN KEY (shipment_id) REFERENCES shipments (id));
      INSERT INTO shipments VALUES (1, 70), (2, 70), (3, 71), (4, 80);
      INSERT INTO shipment_items VALUES (10, 1), (11, 1), (12, 2), (13, 3), (14, 4);`);
    lite(`
      CREATE TABLE ${dq(EVENTS)} (id INTEGER PRIMARY KEY, ${dq("User Id")} INTEGER);
      CREATE TABLE event_tags (id INTEGER PRIMARY KEY, event_id INTEGER REFERENCES ${dq(EVENTS)} (id), tag TEXT);
      INSERT INTO ${dq(EVENTS)} VALUES (1, 7), (2, 7), (3, 7), (4, 8), (5, 8), (6, NULL);
      INSERT INTO event_tags VALUES (1, 1, 'a'), (2, 3, 'b'), (3, 4, 'c');`);
  });
  afterAll(async () => {
    await postgresAdmin(`DROP SCHEMA IF EXISTS ${dq(pgSchema)} CASCADE`);
    const admin = await mysql.createConnection({ uri: MYSQL_URL });
    await admin.query(`DROP DATABASE IF EXISTS ${bq(myDb)}`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = () =>
    validateConfig(
      {
        targets: {
          core: { dialect: "postgres", url: "${CORE_URL}" },
          ship: { dialect: "mysql", url: "${SHIP_URL}" },
          events: { dialect: "sqlite", url: `file:${sqliteFile}` },
        },
        relations: [
          {
            name: "shipment_order",
            child: { target: "ship", table: "shipments", columns: ["order_ref"] },
            parent: { target: "core", schema: pgSchema, table: "orders", columns: ["id"] },
          },
          {
            name: "event_user",
            child: { target: "events", table: EVENTS, columns: ["User Id"] },
            parent: { target: "core", schema: pgSchema, table: USERS, columns: ["id"] },
          },
        ],
        softDelete: [{ target: "core", schema: pgSchema, table: USERS, column: "deleted_at", graceDays: 30, pii: ["E-mail", "name"] }],
        subjects: [{ name: "account", target: "core", schema: pgSchema, table: USERS, key: ["id"] }],
      },
      "test.yaml",
      { CORE_URL: POSTGRES_URL, SHIP_URL: myUrl },
    );

  async function verify(key: string, batch?: number) {
    const cfg = config();
    const pool = batch ? tinyBatches(new TargetPool(cfg.targets), batch) : new TargetPool(cfg.targets);
    try {
      return await verifySubject(cfg, pool, await resolveSubject(pool, subjectByName(cfg, "account"), [key]));
    } finally {
      await pool.close();
    }
  }
  const residue = (v: Awaited<ReturnType<typeof verify>>) => Object.fromEntries(v.tables.map((t) => [`${t.target}.${t.table}`, t.residualRows]));

  it("counts the residue in every database, transitively, without counting other people's rows", async () => {
    const v = await verify("7");
    expect(v.failures).toEqual([]);
    expect(v.tables.filter((t) => t.error)).toEqual([]);
    expect(residue(v)).toEqual({
      [`core.${USERS}`]: 0,
      "core.orders": 2,
      "core.payments": 3,
      "ship.shipments": 3,
      "ship.shipment_items": 4,
      [`events.${EVENTS}`]: 3,
      "events.event_tags": 2,
    });
    expect(v.verdict).toBe("incomplete");
    expect(v.tables.find((t) => t.table === "shipment_items")).toMatchObject({
      schema: myDb,
      keyColumns: ["id"],
      sampleKeys: [["10"], ["11"], ["12"], ["13"]],
    });
    expect(v.tables.find((t) => t.table === EVENTS)).toMatchObject({ schema: "main", via: ["event_user"], sampleKeys: [["1"], ["2"], ["3"]] });
  });

  it("gives the same counts when keys travel in batches of one (chunked statements, keys carried within a target)", async () => {
    const v = await verify("7", 1);
    expect(v.tables.filter((t) => t.error)).toEqual([]);
    expect(residue(v)).toMatchObject({
      "core.orders": 2,
      "core.payments": 3,
      "ship.shipments": 3,
      "ship.shipment_items": 4,
      [`events.${EVENTS}`]: 3,
      "events.event_tags": 2,
    });
    expect(v.tables.find((t) => t.table === "shipment_items")!.sampleKeys).toEqual([["10"], ["11"], ["12"], ["13"]]);
  });

  it("says complete once every row is gone, and counts a kept row with emptied PII as redacted", async () => {
    await my(`DELETE FROM shipment_items WHERE shipment_id IN (1, 2, 3); DELETE FROM shipments WHERE order_ref IN (70, 71)`);
    lite(`DELETE FROM event_tags WHERE event_id IN (1, 2, 3); DELETE FROM ${dq(EVENTS)} WHERE ${dq("User Id")} = 7`);
    await postgresAdmin(`DELETE FROM ${dq(pgSchema)}.payments WHERE order_id IN (70, 71); DELETE FROM ${dq(pgSchema)}.orders WHERE ${dq(USER_ID)} = 7`);
    const v = await verify("7");
    expect(v.verdict).toBe("complete");
    expect(v.residualRows).toBe(0);

    const kept = await verify("9"); // soft-deleted, PII emptied, nothing else left
    expect(kept.tables.find((t) => t.table === USERS)).toMatchObject({ residualRows: 0, redactedRows: 1 });
    expect(kept.verdict).toBe("complete");

    const live = await verify("8");
    expect(residue(live)).toMatchObject({
      [`core.${USERS}`]: 1,
      "core.orders": 1,
      "core.payments": 1,
      "ship.shipments": 1,
      "ship.shipment_items": 1,
      [`events.${EVENTS}`]: 2,
      "events.event_tags": 1,
    });
  });

  it("refuses a key that is no value of the key column's type, and the walk itself does not fail on one", async () => {
    // filed or verified, such a key is refused: it would match nothing and read as erased
    await expect(verify("not-a-number")).rejects.toThrow(`key 'not-a-number' is not a bigint (core.${pgSchema}.${USERS}.id)`);
    // the walk, handed one anyway (keys carried between databases are not checked by a person), matches nothing instead of failing
    const cfg = config();
    const pool = new TargetPool(cfg.targets);
    try {
      const subject = { name: "account", target: "core", schema: pgSchema, table: USERS, keyColumns: ["id"], key: ["not-a-number"] };
      const v = await verifySubject(cfg, pool, subject);
      expect(v.tables.filter((t) => t.error)).toEqual([]);
      expect(v.residualRows).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it("reads keys by each dialect's key column type: MariaDB int, SQLite INTEGER affinity, PostgreSQL bigint", async () => {
    const cfg = config();
    cfg.subjects.push(
      { name: "shipment", target: "ship", table: "shipments", key: ["id"] } as (typeof cfg.subjects)[number],
      { name: "event", target: "events", table: EVENTS, key: ["id"] } as (typeof cfg.subjects)[number],
    );
    const pool = new TargetPool(cfg.targets);
    try {
      const read = (name: string, key: string) => resolveSubject(pool, subjectByName(cfg, name), [key]).then((s) => s.key[0]);
      expect(await read("account", "+0008")).toBe("8");
      expect(await read("shipment", "+004")).toBe("4");
      expect(await read("event", "4.0")).toBe("4"); // SQLite stores 4.0 given to an INTEGER column as 4
      // COLUMN_TYPE: MariaDB says int(11), MySQL 8 int
      await expect(read("shipment", "3O47")).rejects.toThrow(/key '3O47' is not an int(\(11\))? \(ship\.shipments\.id\)/);
      await expect(read("shipment", "4.0")).rejects.toThrow(/key '4\.0' is not an int(\(11\))? \(ship\.shipments\.id\)/);
      await expect(read("shipment", "2147483648")).rejects.toThrow(/key '2147483648' is not an int(\(11\))? \(ship\.shipments\.id\): out of its range/);
      await expect(read("event", "3O47")).rejects.toThrow(`key '3O47' is not an INTEGER (events.${EVENTS}.id): expected an integer`);
    } finally {
      await pool.close();
    }
  });
});

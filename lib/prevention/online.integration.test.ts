import { randomBytes } from "node:crypto";
import path from "node:path";
import { tmpdir } from "node:os";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, hasMysql, hasPostgres, mysqlRows, POSTGRES_URL, postgresAdmin, postgresRows } from "../../test/services";
import { parseConfigText } from "../config/load";
import { TargetPool } from "../targets/pool";
import { applyPrevention } from "./apply";
import { proposePrevention } from "./propose";

// Adding the foreign key to a large child while the application keeps inserting valid
// rows: the writer runs with a lock timeout a little longer than the migration's, so a
// single insert held behind the migration's locks for longer than that fails the test.
// 200K child rows (the 1M takes minutes to build on this 2-core machine).

const ROWS = 200_000;
const LOCK_TIMEOUT_MS = 2000;
/** The writer gives up on a lock after this: the migration's bound plus a margin for a loaded machine. */
const WRITER_LOCK_TIMEOUT_MS = LOCK_TIMEOUT_MS * 3;

interface Writer {
  inserted: () => number;
  stop(): Promise<void>;
}

/** Inserts valid child rows one after another until stopped; a failed insert is kept and rethrown at stop. */
function startWriter(insert: () => Promise<unknown>): Writer {
  let running = true;
  let inserted = 0;
  let failure: unknown = null;
  const loop = (async () => {
    while (running) {
      try {
        await insert();
        inserted++;
      } catch (err) {
        failure = err;
        return;
      }
    }
  })();
  return {
    inserted: () => inserted,
    async stop() {
      running = false;
      await loop;
      if (failure) throw failure;
    },
  };
}

describe.skipIf(!hasPostgres)("prevention on PostgreSQL", () => {
  const schema = `prevent_${randomBytes(4).toString("hex")}`;
  const config = parseConfigText(
    `targets:
  pg: { dialect: postgres, url: "\${TEST_TARGET_URL}" }
prevention: { lockTimeoutMs: ${LOCK_TIMEOUT_MS} }
relations:
  - name: event_user
    child:  { target: pg, schema: ${schema}, table: events, columns: [user_id] }
    parent: { target: pg, schema: ${schema}, table: users, columns: [id] }
    cleanup: { onParentRemoved: protect }
  - name: order_user
    child:  { target: pg, schema: ${schema}, table: orders, columns: [user_id] }
    parent: { target: pg, schema: ${schema}, table: users, columns: [id] }
`,
    path.join(tmpdir(), "custodian.config.yaml"),
    { TEST_TARGET_URL: POSTGRES_URL },
  );
  let pool: TargetPool;

  beforeAll(async () => {
    await postgresAdmin(`CREATE SCHEMA ${schema};
CREATE TABLE ${schema}.users (id bigint PRIMARY KEY);
INSERT INTO ${schema}.users SELECT g FROM generate_series(1, 10000) g;
CREATE TABLE ${schema}.events (id bigserial PRIMARY KEY, user_id bigint, payload text NOT NULL DEFAULT 'x');
INSERT INTO ${schema}.events (user_id) SELECT (g % 10000) + 1 FROM generate_series(1, ${ROWS}) g;
CREATE TABLE ${schema}.notes (id bigserial PRIMARY KEY, user_id bigint REFERENCES ${schema}.users (id));
CREATE INDEX ON ${schema}.notes (user_id);
INSERT INTO ${schema}.notes (user_id) VALUES (1), (2);
CREATE TABLE ${schema}.orders (id bigserial PRIMARY KEY, user_id bigint);
INSERT INTO ${schema}.orders (user_id) VALUES (1), (2);
ANALYZE ${schema}.events;`);
    pool = new TargetPool(config.targets);
  });

  afterAll(async () => {
    await pool?.close();
    await postgresAdmin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it("adds NOT VALID, then validates, with the index built concurrently, while a writer inserts; replaces a weaker FK", async () => {
    const notes = `pg.${schema}.notes.user_id`;
    const proposals = await proposePrevention(config, pool, { only: ["event_user", notes] });
    const events = proposals.find((p) => p.relation === "event_user")!;
    expect(events).toMatchObject({ status: "ready", action: "RESTRICT", orphans: 0, replaces: null });
    expect(events.actionReason).toContain("protect");
    const sqlText = events.statements.flatMap((s) => s.statements.map((x) => x.sql));
    expect(sqlText).toContain(`CREATE INDEX CONCURRENTLY "events_user_id_idx" ON "${schema}"."events" ("user_id")`);
    expect(sqlText).toContain(
      `ALTER TABLE "${schema}"."events" ADD CONSTRAINT "events_user_id_users_fkey" FOREIGN KEY ("user_id") REFERENCES "${schema}"."users" ("id") ON DELETE RESTRICT NOT VALID`,
    );
    expect(sqlText).toContain(`ALTER TABLE "${schema}"."events" VALIDATE CONSTRAINT "events_user_id_users_fkey"`);
    expect(sqlText).toContain(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT_MS}ms'`);
    expect(events.impact).toMatchObject({ childRows: ROWS, writesBlocked: "briefly", copiesTable: false });
    const weaker = proposals.find((p) => p.relation === notes)!;
    expect(weaker).toMatchObject({ status: "ready", action: "CASCADE", replaces: "notes_user_id_fkey" });

    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`SET lock_timeout = '${WRITER_LOCK_TIMEOUT_MS}ms'`);
    const writer = startWriter(() => client.query(`INSERT INTO ${schema}.events (user_id) VALUES (1 + floor(random() * 10000)::bigint)`));
    let during = 0;
    let result;
    try {
      result = await applyPrevention(config, pool, ["event_user", notes], {
        onStep: () => {
          during = writer.inserted();
        },
      });
    } finally {
      await writer.stop().finally(() => client.end());
    }
    expect(result.reason).toBe("2 constraint(s) added and validated");
    expect(result.steps.map((s) => s.status)).toEqual(["done", "done", "done", "done", "done", "done"]);
    // the writer went on while the migration ran
    expect(during).toBeGreaterThan(0);
    expect(writer.inserted()).toBeGreaterThan(during);
    const rows = await postgresRows(
      `SELECT conname::text AS name, convalidated AS validated, confdeltype::text AS action FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 AND contype = 'f' ORDER BY 1`,
      [schema],
    );
    expect(rows).toEqual([
      { name: "events_user_id_users_fkey", validated: true, action: "r" },
      { name: "notes_user_id_users_fkey", validated: true, action: "c" },
    ]);
    expect((await proposePrevention(config, pool, { only: ["event_user", notes] })).map((p) => p.status)).toEqual(["exists", "exists"]);
  });

  it("a step that cannot get its lock within lock_timeout fails; the steps before it are reported done, the rest are not run", async () => {
    const holder = new pg.Client({ connectionString: POSTGRES_URL });
    await holder.connect();
    let result;
    try {
      // SHARE lets the fresh orphan count read, and keeps CREATE INDEX CONCURRENTLY waiting
      await holder.query(`BEGIN; LOCK TABLE ${schema}.orders IN SHARE MODE`);
      result = await applyPrevention(config, pool, ["order_user"]);
    } finally {
      await holder.query("ROLLBACK").finally(() => holder.end());
    }
    expect(result.status).toBe("failed");
    expect(result.steps.map((s) => s.status)).toEqual(["failed", "not_run", "not_run"]);
    expect(result.reason).toMatch(/^step "index orders \(user_id\)" failed: .*Done before it: nothing\. Not run: 2 step\(s\)\.$/);
    // nothing left behind: no constraint, no INVALID index
    const left = await postgresRows(
      `SELECT c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname LIKE 'orders_user_id%'`,
      [schema],
    );
    expect(left).toEqual([]);
    // released, it goes through
    expect((await applyPrevention(config, pool, ["order_user"])).status).toBe("applied");
  });
});

describe.skipIf(!hasMysql)("prevention on MariaDB", () => {
  const name = `cust_prevent_${randomBytes(4).toString("hex")}`;
  let db: Awaited<ReturnType<typeof createMysqlDatabase>>;
  let pool: TargetPool;
  let config: ReturnType<typeof parseConfigText>;

  beforeAll(async () => {
    db = await createMysqlDatabase(name);
    const conn = await mysql.createConnection({ uri: db.url, multipleStatements: true });
    await conn.query(`CREATE TABLE users (id BIGINT PRIMARY KEY) ENGINE=InnoDB;
INSERT INTO users SELECT seq FROM seq_1_to_10000;
CREATE TABLE events (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, payload VARCHAR(20) NOT NULL DEFAULT 'x') ENGINE=InnoDB;
INSERT INTO events (user_id) SELECT (seq % 10000) + 1 FROM seq_1_to_${ROWS};`);
    await conn.end();
    config = parseConfigText(
      `targets:
  my: { dialect: mysql, url: "\${TEST_TARGET_URL}" }
prevention: { lockTimeoutMs: ${LOCK_TIMEOUT_MS} }
relations:
  - name: event_user
    child:  { target: my, table: events, columns: [user_id] }
    parent: { target: my, table: users, columns: [id] }
`,
      path.join(tmpdir(), "custodian.config.yaml"),
      { TEST_TARGET_URL: db.url },
    );
    pool = new TargetPool(config.targets);
  });

  afterAll(async () => {
    await pool?.close();
    await db?.drop();
  });

  it("adds the index and the foreign key in place while a writer inserts", async () => {
    const [events] = await proposePrevention(config, pool, { only: ["event_user"] });
    expect(events).toMatchObject({ status: "ready", action: "CASCADE", orphans: 0 });
    const sqlText = events.statements.flatMap((s) => s.statements.map((x) => x.sql));
    expect(sqlText).toContain("CREATE INDEX `events_user_id_idx` ON `" + name + "`.`events` (`user_id`) ALGORITHM=INPLACE LOCK=NONE");
    expect(sqlText.some((s) => s.includes("ADD CONSTRAINT `events_user_id_users_fkey` FOREIGN KEY") && s.endsWith("ALGORITHM=INPLACE, LOCK=NONE"))).toBe(true);
    expect(events.statements.every((s) => !s.copiesTable)).toBe(true);
    expect(events.statements[1].comment).toContain("copy the whole table");

    const client = await mysql.createConnection({ uri: db.url });
    await client.query(`SET SESSION lock_wait_timeout = ${WRITER_LOCK_TIMEOUT_MS / 1000}, innodb_lock_wait_timeout = ${WRITER_LOCK_TIMEOUT_MS / 1000}`);
    const writer = startWriter(() => client.query("INSERT INTO events (user_id) VALUES (1 + FLOOR(RAND() * 10000))"));
    let during = 0;
    let result;
    try {
      result = await applyPrevention(config, pool, ["event_user"], { onStep: () => void (during = writer.inserted()) });
    } finally {
      await writer.stop().finally(() => client.end());
    }
    expect(result.reason).toBe("1 constraint(s) added and validated");
    expect(during).toBeGreaterThan(0);
    expect(writer.inserted()).toBeGreaterThan(during);
    const fks = await mysqlRows(
      db.url,
      `SELECT CONSTRAINT_NAME AS name, DELETE_RULE AS rule FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = '${name}'`,
    );
    expect(fks).toEqual([{ name: "events_user_id_users_fkey", rule: "CASCADE" }]);
    const idx = await mysqlRows(
      db.url,
      `SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '${name}' AND TABLE_NAME = 'events' ORDER BY 1`,
    );
    // the index built first serves the key: InnoDB adds no second one
    expect(idx.map((r) => r.name)).toEqual(["events_user_id_idx", "PRIMARY"]);
  });
});

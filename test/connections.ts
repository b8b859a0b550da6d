import mysql from "mysql2/promise";
import pg from "pg";
import type { CleanupFixture } from "./cleanup-fixture";
import { assertLocal, MYSQL_URL, POSTGRES_URL } from "./services";

/**
 * Fault tests cut a fixture's connections and hold its rows locked. Only the fixture's own
 * connections are touched (its application_name on PostgreSQL, its database on MariaDB),
 * never a developer's console or another test on the same server.
 */
type Own = NonNullable<CleanupFixture["connections"]>;

function own(fx: CleanupFixture): Own {
  if (!fx.connections) throw new Error(`a ${fx.dialect} fixture has no server connections to cut`);
  return fx.connections;
}

async function onPostgres<T>(run: (c: pg.Client) => Promise<T>): Promise<T> {
  assertLocal(POSTGRES_URL);
  const c = new pg.Client({ connectionString: POSTGRES_URL });
  await c.connect();
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}

async function onMysql<T>(run: (c: mysql.Connection) => Promise<T>): Promise<T> {
  assertLocal(MYSQL_URL);
  const c = await mysql.createConnection({ uri: MYSQL_URL });
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}

/** Terminates every connection the fixture's code has open (busy or idle): how many. */
export async function cutConnections(fx: CleanupFixture): Promise<number> {
  const o = own(fx);
  if (o.server === "postgres") {
    return onPostgres(async (c) => {
      const r = await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()", [
        o.applicationName,
      ]);
      return r.rowCount ?? 0;
    });
  }
  return onMysql(async (c) => {
    const [rows] = await c.query("SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()", [o.database]);
    const ids = (rows as { id: number }[]).map((r) => Number(r.id));
    // KILL takes no placeholder; the id is a number read from the server
    for (const id of ids) await c.query(`KILL ${id}`);
    return ids.length;
  });
}

/**
 * How often MariaDB's lock waits may be read. MariaDB serves information_schema.innodb_trx
 * from a cache it refreshes only once the cache has gone unread for 0.1 s, so reading it
 * every 50 ms (waitFor's pace) sees the same stale snapshot forever: the wait was never seen.
 */
const LOCK_POLL_MS = 300;
let lockPolledAt = 0;

/** Whether one of the fixture's connections is waiting for a row lock right now (on MariaDB, asked at most every LOCK_POLL_MS). */
export async function waitingForLock(fx: CleanupFixture): Promise<boolean> {
  const o = own(fx);
  if (o.server === "postgres") {
    return onPostgres(async (c) => {
      const r = await c.query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [o.applicationName]);
      return (r.rowCount ?? 0) > 0;
    });
  }
  const early = lockPolledAt + LOCK_POLL_MS - Date.now();
  if (early > 0) await new Promise((r) => setTimeout(r, early));
  lockPolledAt = Date.now();
  return onMysql(async (c) => {
    const [rows] = await c.query(
      "SELECT 1 FROM information_schema.innodb_trx t JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id WHERE t.trx_state = 'LOCK WAIT' AND p.db = ?",
      [o.database],
    );
    return (rows as unknown[]).length > 0;
  });
}

/**
 * Locks one row of a fixture table (FOR UPDATE, in a transaction of its own, on a connection
 * not marked as the fixture's) until `release`: a batch that reaches it waits there.
 */
export async function holdRowLock(fx: CleanupFixture, table: string, id: number): Promise<{ release(): Promise<void> }> {
  const o = own(fx);
  if (o.server === "postgres") {
    assertLocal(POSTGRES_URL);
    const c = new pg.Client({ connectionString: POSTGRES_URL });
    await c.connect();
    await c.query("BEGIN");
    await c.query(`SELECT id FROM ${fx.table(table)} WHERE id = $1 FOR UPDATE`, [id]);
    return { release: async () => void (await c.query("ROLLBACK"), await c.end()) };
  }
  // outside the fixture's database, so cutting the fixture's connections spares it
  assertLocal(MYSQL_URL);
  const c = await mysql.createConnection({ uri: MYSQL_URL });
  await c.query("BEGIN");
  await c.query(`SELECT id FROM ${fx.table(o.database)}.${fx.table(table)} WHERE id = ? FOR UPDATE`, [id]);
  return { release: async () => void (await c.query("ROLLBACK"), await c.end()) };
}

/**
 * A connection that is not the fixture's but looks like Custodian's (a developer's console:
 * application_name "custodian" on PostgreSQL; on MariaDB, one on another database): a cut
 * must leave it alone.
 */
export async function bystander(fx: CleanupFixture): Promise<{ alive(): Promise<boolean>; close(): Promise<void> }> {
  if (own(fx).server === "postgres") {
    assertLocal(POSTGRES_URL);
    const c = new pg.Client({ connectionString: POSTGRES_URL, application_name: "custodian" });
    c.on("error", () => {});
    await c.connect();
    return {
      alive: () =>
        c.query("SELECT 1").then(
          () => true,
          () => false,
        ),
      close: () => c.end().catch(() => {}),
    };
  }
  assertLocal(MYSQL_URL);
  const c = await mysql.createConnection({ uri: MYSQL_URL });
  c.on("error", () => {});
  return {
    alive: () =>
      c.query("SELECT 1").then(
        () => true,
        () => false,
      ),
    close: () => c.end().catch(() => {}),
  };
}

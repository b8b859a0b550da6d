import { rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";

/**
 * The cleanup benchmark's data, identical in every database: `parent` (PARENTS rows, id
 * the primary key) and `child` (ROWS rows, id the primary key, parent_id indexed, ~32
 * bytes of payload). Every even child id is an orphan, so orphans and live rows alternate
 * all along the primary key: each batch of 1,000 orphans walks past 1,000 live rows, the
 * way a real backlog is spread among live rows. Orphans point at PARENTS missing parent
 * ids (several orphans per missing parent, as when a parent with children was deleted).
 * No dependents: nothing references the child.
 */
export const ROWS = Number(process.env.BENCH_ROWS ?? 2_000_000);
export const ORPHANS = Math.floor(ROWS / 2);
export const PARENTS = Number(process.env.BENCH_PARENTS ?? 200_000);

/** parent_id of child row `i`, given the dialect's integer division. */
const parentOf = (i: string, div: (a: string, b: string) => string) =>
  `CASE WHEN ${i} % 2 = 0 THEN ${PARENTS} + 1 + ${div(i, "2")} % ${PARENTS} ELSE ${i} % ${PARENTS} + 1 END`;

export async function buildPostgres(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    await c.query(`CREATE TABLE ${schema}.parent (id bigint PRIMARY KEY, name text NOT NULL)`);
    await c.query(`CREATE TABLE ${schema}.child (id bigint PRIMARY KEY, parent_id bigint, payload text NOT NULL)`);
    await c.query(`INSERT INTO ${schema}.parent SELECT i, 'parent ' || i FROM generate_series(1, ${PARENTS}) i`);
    await c.query(`INSERT INTO ${schema}.child SELECT i, ${parentOf("i", (a, b) => `${a} / ${b}`)}, md5(i::text) FROM generate_series(1, ${ROWS}) i`);
    await c.query(`CREATE INDEX child_parent_idx ON ${schema}.child (parent_id)`);
    await c.query(`VACUUM ANALYZE ${schema}.parent`);
    await c.query(`VACUUM ANALYZE ${schema}.child`);
  } finally {
    await c.end();
  }
}

export async function dropPostgres(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => c.end());
}

export async function buildMysql(rootUrl: string, database: string): Promise<void> {
  const c = await mysql.createConnection({ uri: rootUrl, multipleStatements: true });
  try {
    await c.query(`DROP DATABASE IF EXISTS ${database}; CREATE DATABASE ${database}; USE ${database}`);
    await c.query(`CREATE TABLE parent (id bigint PRIMARY KEY, name varchar(40) NOT NULL) ENGINE=InnoDB`);
    await c.query(`CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint, payload char(32) NOT NULL) ENGINE=InnoDB`);
    // MariaDB's Sequence engine (seq_1_to_N) generates the rows server-side.
    await c.query(`INSERT INTO parent SELECT seq, CONCAT('parent ', seq) FROM seq_1_to_${PARENTS}`);
    await c.query(`INSERT INTO child SELECT seq, ${parentOf("seq", (a, b) => `${a} DIV ${b}`)}, MD5(seq) FROM seq_1_to_${ROWS}`);
    await c.query(`CREATE INDEX child_parent_idx ON child (parent_id)`);
    await c.query(`ANALYZE TABLE parent, child`);
  } finally {
    await c.end();
  }
}

export async function dropMysql(rootUrl: string, database: string): Promise<void> {
  const c = await mysql.createConnection({ uri: rootUrl });
  await c.query(`DROP DATABASE IF EXISTS ${database}`).finally(() => c.end());
}

export function buildSqlite(dir: string): string {
  const file = path.join(dir, "cleanup.db");
  dropSqlite(dir);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER, payload TEXT NOT NULL);
    BEGIN;
    WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${PARENTS}) INSERT INTO parent SELECT i, 'parent ' || i FROM s;
    WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${ROWS}) INSERT INTO child SELECT i, ${parentOf("i", (a, b) => `${a} / ${b}`)}, hex(i * 2654435761) FROM s;
    COMMIT;
    CREATE INDEX child_parent_idx ON child (parent_id);
    ANALYZE;`);
  db.close();
  return file;
}

export function dropSqlite(dir: string): void {
  for (const f of ["cleanup.db", "cleanup.db-wal", "cleanup.db-shm"]) rmSync(path.join(dir, f), { force: true });
}

/** Orphans and child rows now, in one statement any of the three dialects reads. */
export const COUNT_SQL = (t: (n: string) => string) =>
  `SELECT (SELECT COUNT(*) FROM ${t("child")}) AS child_rows, ` +
  `(SELECT COUNT(*) FROM ${t("child")} c WHERE c.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${t("parent")} p WHERE p.id = c.parent_id)) AS orphans`;

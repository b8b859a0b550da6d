import path from "node:path";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";

/**
 * The benchmark data set, identical in every database: `parent` with PARENTS rows and
 * `child` with CHILDREN rows whose parent_id is valid except for every 100th row (1%
 * orphans), an index on child(parent_id), and ~40 bytes of payload per row.
 */
export const PARENTS = Number(process.env.BENCH_PARENTS ?? 200_000);
export const CHILDREN = Number(process.env.BENCH_CHILDREN ?? 2_000_000);
export const EXPECTED_ORPHANS = Math.floor(CHILDREN / 100);

const childParent = (i: string) => `CASE WHEN ${i} % 100 = 0 THEN ${PARENTS} + ${i} ELSE (${i} % ${PARENTS}) + 1 END`;

export async function buildPostgres(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    await c.query(`CREATE TABLE ${schema}.parent (id bigint PRIMARY KEY, name text NOT NULL)`);
    await c.query(`CREATE TABLE ${schema}.child (id bigint PRIMARY KEY, parent_id bigint, payload text NOT NULL)`);
    await c.query(`INSERT INTO ${schema}.parent SELECT i, 'parent ' || i FROM generate_series(1, ${PARENTS}) i`);
    await c.query(`INSERT INTO ${schema}.child SELECT i, ${childParent("i")}, md5(i::text) FROM generate_series(1, ${CHILDREN}) i`);
    await c.query(`CREATE INDEX child_parent_idx ON ${schema}.child (parent_id)`);
    await c.query(`VACUUM ANALYZE ${schema}.parent`);
    await c.query(`VACUUM ANALYZE ${schema}.child`);
  } finally {
    await c.end();
  }
}

export async function buildMysql(url: string, database: string): Promise<void> {
  const c = await mysql.createConnection({ uri: url, multipleStatements: true });
  try {
    await c.query(`DROP DATABASE IF EXISTS ${database}; CREATE DATABASE ${database}; USE ${database}`);
    await c.query(`CREATE TABLE parent (id bigint PRIMARY KEY, name varchar(40) NOT NULL) ENGINE=InnoDB`);
    await c.query(`CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint, payload char(32) NOT NULL) ENGINE=InnoDB`);
    // MariaDB's Sequence engine (seq_1_to_N) generates the rows server-side.
    await c.query(`INSERT INTO parent SELECT seq, CONCAT('parent ', seq) FROM seq_1_to_${PARENTS}`);
    await c.query(`INSERT INTO child SELECT seq, ${childParent("seq")}, MD5(seq) FROM seq_1_to_${CHILDREN}`);
    await c.query(`CREATE INDEX child_parent_idx ON child (parent_id)`);
    await c.query(`ANALYZE TABLE parent, child`);
  } finally {
    await c.end();
  }
}

export function buildSqlite(dir: string): string {
  const file = path.join(dir, "bench.db");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec(`DROP TABLE IF EXISTS child; DROP TABLE IF EXISTS parent;
    CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER, payload TEXT NOT NULL);
    BEGIN;
    WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${PARENTS}) INSERT INTO parent SELECT i, 'parent ' || i FROM s;
    WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${CHILDREN}) INSERT INTO child SELECT i, ${childParent("i")}, hex(i * 2654435761) FROM s;
    COMMIT;
    CREATE INDEX child_parent_idx ON child (parent_id);
    ANALYZE;`);
  db.close();
  return file;
}

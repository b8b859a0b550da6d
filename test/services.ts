import mysql from "mysql2/promise";
import pg from "pg";
import type { Dialect } from "../lib/config/types";

/**
 * The real database servers integration tests use. A missing one is skipped loudly
 * (see global-setup.ts); under CI=true it fails the run instead.
 */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const MYSQL_URL = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

/** Tests create and drop databases: refuse anything but this machine (dub's assertLocalDatabaseEnv). */
export function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
    throw new Error(`refusing to run destructive tests against non-local database host ${host}`);
  }
}

/** Runs SQL on the test PostgreSQL as its admin (creating and dropping test schemas, roles, databases). */
export async function postgresAdmin(sql: string): Promise<void> {
  assertLocal(POSTGRES_URL);
  const c = new pg.Client({ connectionString: POSTGRES_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function probePostgres(): Promise<string | null> {
  assertLocal(POSTGRES_URL);
  const c = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await c.end().catch(() => {});
  }
}

export async function probeMysql(): Promise<string | null> {
  assertLocal(MYSQL_URL);
  try {
    const c = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3000 });
    await c.query("SELECT 1");
    await c.end();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Set by global-setup.ts for every test worker. */
export const hasPostgres = process.env.CUSTODIAN_TEST_POSTGRES === "1";
export const hasMysql = process.env.CUSTODIAN_TEST_MYSQL === "1";

/** Rows of one query on the test PostgreSQL (fixtures reading back what a test did). */
export async function postgresRows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  assertLocal(POSTGRES_URL);
  const c = new pg.Client({ connectionString: POSTGRES_URL });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** Rows of one query on a database of the test MariaDB/MySQL. */
export async function mysqlRows(url: string, sql: string): Promise<Record<string, unknown>[]> {
  assertLocal(url);
  const c = await mysql.createConnection({ uri: url });
  try {
    return (await c.query(sql))[0] as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}

/** A fresh database on the test MariaDB/MySQL: its URL, and how to drop it. */
export async function createMysqlDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  assertLocal(MYSQL_URL);
  const quoted = `\`${name.replace(/`/g, "``")}\``;
  const admin = await mysql.createConnection({ uri: MYSQL_URL });
  await admin.query(`CREATE DATABASE ${quoted}`);
  await admin.end();
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const k = await mysql.createConnection({ uri: MYSQL_URL });
      await k.query(`DROP DATABASE ${quoted}`);
      await k.end();
    },
  };
}

/**
 * Each target dialect for tests that run workers as separate processes: those share a
 * PostgreSQL store, so every dialect needs the PostgreSQL server too.
 */
export const WORKER_TEST_DIALECTS: { dialect: Dialect; available: boolean }[] = [
  { dialect: "postgres", available: hasPostgres },
  { dialect: "mysql", available: hasMysql && hasPostgres },
  { dialect: "sqlite", available: hasPostgres },
];

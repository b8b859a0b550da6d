import type { Store } from "./client";
import { checkpointIfDue } from "./wal";

/** Runs one SQL statement with bound values ($1, $2, …) and returns its rows. */
export type SessionQuery = <R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>;

/**
 * Runs `fn` on one store connection of its own, statement by statement with no transaction
 * around them (each statement commits by itself), so it can keep a temporary table and a
 * session advisory lock across many bounded statements. Prisma's pool gives each statement
 * whichever connection is free, and its interactive transactions time out after 5 s.
 *
 * PostgreSQL store: a dedicated client, ended afterwards (its temporary tables and locks go
 * with it, even when `fn` throws). Embedded store: PGlite's one connection, shared with the
 * rest of the process; `fn` must drop what it creates. Each statement is followed by a
 * checkpoint when the WAL needs one.
 */
export async function withStoreSession<T>(store: Store, fn: (query: SessionQuery) => Promise<T>): Promise<T> {
  if (store.pglite) {
    const db = store.pglite;
    // a session writes millions of rows in many statements: between them, the checkpoints
    // that PGlite cannot take by itself (see checkpointIfDue)
    return fn(async (sql, params) => {
      const rows = (await db.query<any>(sql, params)).rows;
      await checkpointIfDue(db);
      return rows;
    });
  }
  if (!store.connectionString) throw new Error(`the ${store.kind} store has no connection string`);
  // loaded here: a process on the embedded store may never need pg
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: store.connectionString, connectionTimeoutMillis: 5000 });
  await client.connect();
  // A broken connection is reported by the statement that was running; without a listener
  // the client's own "error" event would crash the process.
  client.on("error", () => {});
  try {
    return await fn(async (sql, params) => (await client.query(sql, params as unknown[])).rows);
  } finally {
    await client.end().catch(() => {});
  }
}

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { sql } from "kysely";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, hasMysql, hasPostgres, POSTGRES_URL, postgresAdmin } from "../../test/services";
import type { Dialect, TargetSpec } from "../config/types";
import { acquirePGlite } from "../pglite/shared";
import { openTarget } from "./open";
import { tableId } from "./sql";
import type { TableRef, Target } from "./types";

/**
 * Transactions on one database from several Targets at once, as several TargetPools
 * (concurrent web requests, a worker and the web server in one process) open it: on a
 * server the server keeps them apart; in-process (one PGlite session per folder, one
 * SQLite file) the target does.
 */
const DIALECTS: { dialect: Dialect; available: boolean }[] = [
  { dialect: "pglite", available: true },
  { dialect: "sqlite", available: true },
  { dialect: "postgres", available: hasPostgres },
  { dialect: "mysql", available: hasMysql },
];
const CONCURRENT = 8;

/** A database holding `counter (id, n)` with one row (1, 0), and how to open a Target on it. */
async function counterDatabase(dialect: Dialect, dir: string): Promise<{ spec: TargetSpec; counter: TableRef; drop(): Promise<void> }> {
  const ddl = (t: string) => [`CREATE TABLE ${t} (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`, `INSERT INTO ${t} (id, n) VALUES (1, 0)`];
  const suffix = randomBytes(4).toString("hex");
  if (dialect === "sqlite") {
    const file = path.join(dir, "counter.db");
    const db = new Database(file);
    for (const s of ddl("counter")) db.exec(s);
    db.close();
    return { spec: { name: "t", dialect, url: file }, counter: { schema: "main", table: "counter" }, drop: async () => {} };
  }
  if (dialect === "pglite") {
    const folder = path.join(dir, "counter-pglite");
    const h = await acquirePGlite(folder, { create: true, purpose: "a test" });
    await h.db.exec(ddl("counter").join(";\n"));
    await h.release();
    return { spec: { name: "t", dialect, url: folder }, counter: { schema: "public", table: "counter" }, drop: async () => {} };
  }
  if (dialect === "postgres") {
    const schema = `tx_${suffix}`;
    await postgresAdmin([`CREATE SCHEMA ${schema}`, ...ddl(`${schema}.counter`)].join(";\n"));
    return {
      spec: { name: "t", dialect, url: POSTGRES_URL },
      counter: { schema, table: "counter" },
      drop: () => postgresAdmin(`DROP SCHEMA ${schema} CASCADE`),
    };
  }
  const name = `cust_tx_${suffix}`;
  const db = await createMysqlDatabase(name);
  const conn = await mysql.createConnection({ uri: db.url });
  for (const s of ddl("counter")) await conn.query(s);
  await conn.end();
  return { spec: { name: "t", dialect, url: db.url }, counter: { schema: name, table: "counter" }, drop: db.drop };
}

describe.each(DIALECTS)("transactions from several targets on one $dialect database", ({ dialect, available }) => {
  let dir: string;
  let fx: Awaited<ReturnType<typeof counterDatabase>>;
  let a: Target;
  let b: Target;
  beforeAll(async () => {
    if (!available) return;
    dir = mkdtempSync(path.join(tmpdir(), "custodian-tx-"));
    fx = await counterDatabase(dialect, dir);
    // two Targets on the same database, as two TargetPools open it
    a = await openTarget(fx.spec);
    b = await openTarget(fx.spec);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await fx?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const counter = () => tableId(fx.counter);
  const read = async (t: Target) => Number((await t.query<{ n: unknown }>(sql`SELECT n FROM ${counter()} WHERE id = 1`))[0].n);
  const set = (n: number) => sql`UPDATE ${counter()} SET n = ${n} WHERE id = 1`;

  it.runIf(available)("read-modify-write transactions at once lose no update and all succeed", async () => {
    await a.query(set(0));
    const increment = (t: Target) =>
      t.transaction(5000, async (tx) => {
        const [row] = await tx.query<{ n: unknown }>(sql`SELECT n FROM ${counter()} WHERE id = 1${t.rowLocks ? sql` FOR UPDATE` : sql``}`);
        // yield between the read and the write, as a transaction that asks the store would
        await new Promise((r) => setImmediate(r));
        return tx.execute(set(Number(row.n) + 1));
      });
    const outcomes = await Promise.allSettled(Array.from({ length: CONCURRENT }, (_, i) => increment(i % 2 ? a : b)));
    expect(outcomes.filter((o) => o.status === "rejected").map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    expect(await read(a)).toBe(CONCURRENT);
  });

  it.runIf(available)("a statement from another caller never runs inside an open transaction", async () => {
    await a.query(set(0));
    let written!: () => void;
    const wrote = new Promise<void>((r) => (written = r));
    let go!: () => void;
    const proceed = new Promise<void>((r) => (go = r));
    const rolledBack = a.transaction(5000, async (tx) => {
      await tx.execute(set(100));
      written();
      await proceed;
      throw new Error("rolled back on purpose");
    });
    await wrote;
    // asked while the transaction is open, from outside it: sees what is committed, never its write
    const reading = read(b);
    // let it reach the database if nothing holds it back (turns of the event loop, no clock)
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    go();
    await expect(rolledBack).rejects.toThrow("rolled back on purpose");
    expect(await reading).toBe(0);
    expect(await read(a)).toBe(0);
  });

  it.runIf(available)("a statement from inside a transaction, through any target on the database, does not wait for it to end", async () => {
    await a.query(set(0));
    const seen = await a.transaction(5000, async (tx) => {
      await tx.execute(set(7));
      return [await read(a), await read(b)];
    });
    // in-process there is one session (PGlite) or one writer (SQLite): it runs inside the transaction and sees its write
    expect(seen).toEqual(a.inProcess ? [7, 7] : [0, 0]);
    expect(await read(b)).toBe(7);
  });

  it.runIf(available && (dialect === "pglite" || dialect === "sqlite"))(
    "a transaction inside a transaction is a savepoint of it: rolled back alone, committed with it",
    async () => {
      await a.query(set(0));
      await a.transaction(5000, async (tx) => {
        await tx.execute(set(1));
        await expect(
          b.transaction(5000, async (inner) => {
            await inner.execute(set(50));
            throw new Error("inner fails");
          }),
        ).rejects.toThrow("inner fails");
        expect(await read(a)).toBe(1);
        await b.transaction(5000, async (inner) => inner.execute(set(2)));
      });
      expect(await read(b)).toBe(2);
      await expect(
        a.transaction(5000, async (tx) => {
          await tx.execute(set(3));
          await b.transaction(5000, async (inner) => inner.execute(set(4)));
          throw new Error("outer fails");
        }),
      ).rejects.toThrow("outer fails");
      expect(await read(b)).toBe(2);
    },
  );

  // Another connection to the file, as another process has: it waits for the write lock, or
  // with no busy timeout is refused at once (SQLITE_BUSY), without blocking this event loop.
  it.runIf(available && dialect === "sqlite")(
    "a transaction holding writes holds the file's write lock from its first read to its end, and rolls back whole on failure",
    async () => {
      expect([a.writesHeldByTransaction, b.writesHeldByTransaction]).toEqual([true, true]);
      await a.query(set(0));
      const other = new Database(fx.spec.url, { timeout: 0 });
      // WAL, as applications run SQLite: a reader there holds no lock a writer waits for,
      // so only the transaction's own write lock keeps the write below out
      expect(other.pragma("journal_mode = WAL", { simple: true })).toBe("wal");
      const writeFromOutside = () => other.prepare("UPDATE counter SET n = 99 WHERE id = 1").run();
      try {
        const seen = await a.transactionHoldingWrites(5000, async (tx) => {
          // nothing written yet: a plain BEGIN would not hold the lock until its first write
          const [row] = await tx.query<{ n: unknown }>(sql`SELECT n FROM ${counter()} WHERE id = 1`);
          expect(writeFromOutside).toThrow(/database is locked/);
          // inside it, any target on the file runs in it: a savepoint, not a wait
          await b.transaction(5000, (inner) => inner.execute(set(Number(row.n) + 1)));
          return read(b);
        });
        expect(seen).toBe(1);
        expect(await read(a)).toBe(1);
        // a failure rolls back what it wrote, and the lock is let go
        await expect(
          a.transactionHoldingWrites(5000, async (tx) => {
            await tx.execute(set(5));
            throw new Error("fails on purpose");
          }),
        ).rejects.toThrow("fails on purpose");
        expect(await read(a)).toBe(1);
        expect(writeFromOutside().changes).toBe(1);
        expect(await read(a)).toBe(99);
      } finally {
        other.close();
      }
    },
  );

  it.runIf(available && dialect !== "sqlite")("only SQLite holds a database's writes in one transaction", async () => {
    expect(a.writesHeldByTransaction).toBe(false);
    expect(() => a.transactionHoldingWrites(5000, async () => {})).toThrow(/cannot hold the whole database's writes/);
  });
});

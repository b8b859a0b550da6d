import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, expect, test } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { acquirePGlite } from "../pglite/shared";
import { checkpointIfDue } from "./wal";

const MB = 2 ** 20;
// max_wal_size 256 MB: 16 segments / 1.9 → PostgreSQL asks for a checkpoint 7 segments after
// the redo segment (past 96 MB at the earliest); checkpointIfDue past half of 6 × 16 MB, 48 MB
let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create({ startParams: [...PGlite.defaultStartParams, "-c", "max_wal_size=256MB"] });
  await db.exec("CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)");
});
afterAll(() => db?.close());

const walSinceCheckpoint = async () =>
  Number((await db.query<{ n: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), redo_lsn)::text AS n FROM pg_control_checkpoint()")).rows[0].n);

test("checkpoints once the WAL since the last checkpoint is half-way to PostgreSQL's own request, and not before", async () => {
  await db.exec("CHECKPOINT");
  expect(await checkpointIfDue(db)).toBe(false);
  // about 2 MB of WAL a statement
  let written = 0;
  for (let i = 0; written <= 48 * MB; i++) {
    await db.query("INSERT INTO t SELECT g, repeat('x', 100) FROM generate_series($1::int, $1::int + 9999) g", [i * 10_000]);
    written = await walSinceCheckpoint();
    if (written <= 48 * MB) expect(await checkpointIfDue(db)).toBe(false);
  }
  expect(written).toBeLessThan(96 * MB);
  expect(await checkpointIfDue(db)).toBe(true);
  expect(await walSinceCheckpoint()).toBeLessThan(MB);
  expect(await checkpointIfDue(db)).toBe(false);
});

test("checkpoints past a fixed amount of WAL, however far PostgreSQL's own request is", async () => {
  await db.exec("CHECKPOINT");
  for (let i = 0; (await walSinceCheckpoint()) <= 4 * MB; i++) {
    expect(await checkpointIfDue(db, 4 * MB)).toBe(false);
    await db.query("INSERT INTO t SELECT g, repeat('y', 100) FROM generate_series($1::int, $1::int + 999) g", [10_000_000 + i * 1000]);
  }
  expect(await checkpointIfDue(db, 4 * MB)).toBe(true);
  expect(await walSinceCheckpoint()).toBeLessThan(MB);
});

test("every PGlite database Custodian opens puts PostgreSQL's own checkpoint request out of reach", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "custodian-wal-"));
  const handle = await acquirePGlite(path.join(dir, "db"), { create: true, purpose: "wal.test" });
  try {
    expect((await handle.db.query<{ max_wal_size: string }>("SHOW max_wal_size")).rows[0].max_wal_size).toBe("16GB");
  } finally {
    await handle.release();
    rmSync(dir, { recursive: true, force: true });
  }
});

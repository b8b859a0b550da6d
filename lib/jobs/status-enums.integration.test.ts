/**
 * The migration that makes job statuses Prisma enums keeps the rows a store already has,
 * on both store kinds: each status survives, the column is the enum, and the one-active-job
 * indexes (which name statuses) still hold. The store is migrated up to the migration
 * before, given rows, then migrated to the end, as an upgrade does.
 */
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { hasPostgres, POSTGRES_URL, postgresAdmin } from "../../test/services";
import { applyMigrations, readMigrations, type SqlRunner } from "../store/migrate";

const ENUMS = "20261201123000_job_status_enums";
const all = readMigrations();
const before = all.slice(
  0,
  all.findIndex((m) => m.name === ENUMS),
);

const ROWS = {
  sweeps: {
    statuses: ["queued", "running", "completed", "failed"],
    insert: `INSERT INTO sweeps (id, trigger, status, config_hash) VALUES (gen_random_uuid(), 'manual', $1, 'h')`,
  },
  cleanup_jobs: {
    statuses: ["awaiting_approval", "completed", "cancelled", "failed", "rejected"],
    insert: `INSERT INTO cleanup_jobs (id, relation, action, status, requested_by, estimate, batch_size) VALUES (gen_random_uuid(), 'r_' || $2, 'delete', $1, 'u', 1, 10)`,
  },
  purge_jobs: {
    statuses: ["paused", "completed", "partial", "failed", "cancelled"],
    insert: `INSERT INTO purge_jobs (id, "table", status, trigger, requested_by) VALUES (gen_random_uuid(), 't_' || $2, $1, 'manual', 'u')`,
  },
  erasure_runs: {
    statuses: ["queued", "running", "completed", "failed"],
    insert: `INSERT INTO erasure_runs (id, trigger, status) VALUES (gen_random_uuid(), 'manual', $1)`,
  },
};

async function upgradeKeepsRows(db: SqlRunner) {
  await applyMigrations(db, before);
  for (const { statuses, insert } of Object.values(ROWS)) for (const s of statuses) await db.query(insert, insert.includes("$2") ? [s, s] : [s]);
  // the enums' migration and every one after it
  expect(await applyMigrations(db, all)).toEqual(all.slice(before.length).map((m) => m.name));
  expect(all[before.length].name).toBe(ENUMS);
  for (const [table, { statuses }] of Object.entries(ROWS)) {
    const rows = await db.query<{ status: string; type: string }>(
      `SELECT status::text AS status, pg_typeof(status)::text AS type FROM "${table}" ORDER BY status::text`,
    );
    expect(rows.map((r) => r.status)).toEqual([...statuses].sort());
    expect(new Set(rows.map((r) => r.type))).toEqual(new Set([`${table === "sweeps" ? "sweep" : table.replace(/s$/, "")}_status`]));
  }
  // the one-active-job indexes were made again: a second active purge of a table is refused, an ended one is not
  await expect(db.query(ROWS.purge_jobs.insert, ["paused", "paused"])).rejects.toThrow(/purge_jobs_one_active/);
  await db.query(ROWS.purge_jobs.insert, ["completed", "paused"]);
  await expect(db.query(ROWS.cleanup_jobs.insert, ["awaiting_approval", "awaiting_approval"])).rejects.toThrow(/cleanup_jobs_one_active/);
  // a status no job has is refused by the type
  await expect(db.query(ROWS.sweeps.insert, ["released"])).rejects.toThrow(/invalid input value for enum/);
}

describe("job statuses become enums on upgrade", () => {
  it("on PGlite", async () => {
    const db = new PGlite();
    try {
      await upgradeKeepsRows({ exec: async (s) => void (await db.exec(s)), query: async (s, p) => (await db.query(s, p)).rows as never[] });
    } finally {
      await db.close();
    }
  });

  const database = `custodian_test_enums_${randomBytes(4).toString("hex")}`;
  afterAll(async () => {
    if (hasPostgres) await postgresAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });
  it.runIf(hasPostgres)("on PostgreSQL", async () => {
    await postgresAdmin(`CREATE DATABASE ${database}`);
    const u = new URL(POSTGRES_URL);
    u.pathname = `/${database}`;
    const c = new pg.Client({ connectionString: u.toString() });
    await c.connect();
    try {
      await upgradeKeepsRows({ exec: async (s) => void (await c.query(s)), query: async (s, p) => (await c.query(s, p)).rows });
    } finally {
      await c.end();
    }
  });
});

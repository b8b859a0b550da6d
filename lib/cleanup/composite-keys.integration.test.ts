import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/cleanup-fixture";
import { hasPostgres, POSTGRES_URL, postgresAdmin, postgresRows } from "../../test/services";
import { STORE_KINDS } from "../../test/stores";
import { loadConfig } from "../config/load";
import type { Store } from "../store/client";
import { runCleanupJob } from "./engine";
import { startCleanup } from "./start";

/**
 * A plain delete whose key has two integer columns (tenant, account), on PostgreSQL: its
 * DELETE hands the keys back to be compared (Target.deleteReturning "composite_keys"),
 * where matching them in SQL would be an OR of every key, one parameter per value. Every
 * orphan goes, in batches of hundreds, those of a tenant that does not exist whose account
 * number exists under other tenants included; the live rows and those with a NULL in the key stay.
 */
describe.runIf(hasPostgres)("a cleanup of a relation keyed by two integer columns (PostgreSQL)", () => {
  const schema = `cust_composite_${randomBytes(4).toString("hex")}`;
  const tmp = tempDir();
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await STORE_KINDS[0].open());
    // tenants 1–3 each have accounts 1–50; events point at (tenant, account) with accounts up to 80 (51–80: orphans),
    // tenant 4 does not exist (all its events are orphans), and every 11th event has no account
    await postgresAdmin(`CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.accounts (tenant_id int, id int, PRIMARY KEY (tenant_id, id));
      INSERT INTO ${schema}.accounts SELECT t, a FROM generate_series(1, 3) t, generate_series(1, 50) a;
      CREATE TABLE ${schema}.events (id bigint PRIMARY KEY, tenant_id int NOT NULL, account_id int);
      INSERT INTO ${schema}.events SELECT i, 1 + i % 4, CASE WHEN i % 11 = 0 THEN NULL ELSE 1 + i % 80 END FROM generate_series(1, 4000) i;
      CREATE INDEX ON ${schema}.events (tenant_id, account_id);`);
    writeFileSync(
      path.join(tmp.dir, "custodian.config.yaml"),
      `targets:
  fx: { dialect: postgres, url: "\${FX_URL}" }
relations:
  - name: events_account
    child:  { target: fx, schema: ${schema}, table: events, columns: [tenant_id, account_id] }
    parent: { target: fx, schema: ${schema}, table: accounts, columns: [tenant_id, id] }
    cleanup: { action: delete, graceDays: 0, batchSize: 300 }
`,
    );
  });
  afterAll(async () => {
    await dispose?.();
    await postgresAdmin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    tmp.remove();
  });

  const orphanSql = (s: string) =>
    `SELECT count(*)::int AS n FROM ${s}.events e WHERE e.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${s}.accounts a WHERE a.tenant_id = e.tenant_id AND a.id = e.account_id)`;

  it("deletes exactly the orphans, in batches, and leaves every other row", async () => {
    const orphans = Number((await postgresRows(orphanSql(schema)))[0].n);
    const before = Number((await postgresRows(`SELECT count(*)::int AS n FROM ${schema}.events`))[0].n);
    expect(orphans).toBeGreaterThan(1000); // tenant 4's events and accounts 51–80 of the others

    const config = loadConfig(path.join(tmp.dir, "custodian.config.yaml"), { ...process.env, FX_URL: POSTGRES_URL });
    const { outcome, preview } = await startCleanup(store, config, "events_account", { requestedBy: "u-ops" });
    expect(preview.eligible).toBe(orphans);
    const jobId = (outcome as { jobId: string }).jobId;
    expect(await runCleanupJob(store, config, jobId)).toBe("completed");

    const job = await store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: jobId } });
    expect({ deleted: Number(job.deleted), notOrphan: Number(job.skippedNotOrphan) }).toEqual({ deleted: orphans, notOrphan: 0 });
    expect(job.batches).toBeGreaterThan(1);
    expect((await postgresRows(orphanSql(schema)))[0].n).toBe(0);
    expect((await postgresRows(`SELECT count(*)::int AS n FROM ${schema}.events`))[0].n).toBe(before - orphans);
    // the rows without an account are not orphans and stay
    expect((await postgresRows(`SELECT count(*)::int AS n FROM ${schema}.events WHERE account_id IS NULL`))[0].n).toBe(Math.floor(4000 / 11));
  });
});

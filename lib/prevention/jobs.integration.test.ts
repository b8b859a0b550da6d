import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPostgres, POSTGRES_URL, postgresAdmin, postgresRows } from "../../test/services";
import { STORE_KINDS } from "../../test/stores";
import { parseConfigText } from "../config/load";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { approvePrevention, cancelPrevention, preventionStatus, rejectPrevention, requestPreventionApply } from "./jobs";
import { failAbandonedPrevention, runPreventionJob } from "./run";

// A constraint job on a real PostgreSQL target, its rows in the embedded store: typed
// confirmation, four eyes, the fresh check at run time, a failing step, a lost worker.

const OPS = "u-ops";
const OPS2 = "u-ops2";

describe.skipIf(!hasPostgres)("constraint jobs on PostgreSQL", { timeout: 120_000 }, () => {
  const schema = `pjob_${randomBytes(4).toString("hex")}`;
  const configText = (extra: string) =>
    parseConfigText(
      `targets:
  pg: { dialect: postgres, url: "\${TEST_TARGET_URL}" }
prevention: { lockTimeoutMs: 500 }
relations:
  - name: order_user
    child:  { target: pg, schema: ${schema}, table: orders, columns: [user_id] }
    parent: { target: pg, schema: ${schema}, table: users, columns: [id] }
  - name: note_user
    child:  { target: pg, schema: ${schema}, table: notes, columns: [user_id] }
    parent: { target: pg, schema: ${schema}, table: users, columns: [id] }
    cleanup: { onParentRemoved: protect }
  - name: visit_user
    child:  { target: pg, schema: ${schema}, table: visits, columns: [user_id] }
    parent: { target: pg, schema: ${schema}, table: users, columns: [id] }
${extra}`,
      path.join(tmpdir(), "custodian.config.yaml"),
      { TEST_TARGET_URL: POSTGRES_URL },
    );
  const config = configText("");
  let store: Store;
  let dispose: () => Promise<void>;
  let pool: TargetPool;

  const constraintsOf = (table: string) =>
    postgresRows(
      `SELECT c.conname, c.convalidated, c.confdeltype FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = $1 AND t.relname = $2 AND c.contype = 'f'`,
      [schema, table],
    );
  const request = (relations: string[], confirm = relations.length === 1 ? relations[0] : `${relations.length} constraints`, by = OPS) =>
    requestPreventionApply(store, config, pool, { relations, confirm, requestedBy: by });

  beforeAll(async () => {
    ({ store, dispose } = await STORE_KINDS[0].open());
    pool = new TargetPool(config.targets);
    await postgresAdmin(`CREATE SCHEMA ${schema};
CREATE TABLE ${schema}.users (id bigint PRIMARY KEY);
INSERT INTO ${schema}.users SELECT g FROM generate_series(1, 100) g;
CREATE TABLE ${schema}.orders (id bigserial PRIMARY KEY, user_id bigint);
INSERT INTO ${schema}.orders (user_id) SELECT (g % 100) + 1 FROM generate_series(1, 1000) g;
CREATE TABLE ${schema}.notes (id bigserial PRIMARY KEY, user_id bigint NOT NULL);
INSERT INTO ${schema}.notes (user_id) SELECT (g % 100) + 1 FROM generate_series(1, 500) g;
CREATE TABLE ${schema}.visits (id bigserial PRIMARY KEY, user_id bigint);
INSERT INTO ${schema}.visits (user_id) SELECT (g % 100) + 1 FROM generate_series(1, 500) g;
INSERT INTO ${schema}.visits (user_id) VALUES (4242);`);
  });
  afterAll(async () => {
    await pool?.close();
    await postgresAdmin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await dispose?.();
  });

  it("refuses a request without the typed phrase, or for a relation with orphans, storing nothing", async () => {
    await expect(request(["order_user"], "order_usr")).rejects.toThrow('type "order_user" exactly to confirm');
    await expect(request(["order_user", "note_user"], "order_user")).rejects.toThrow('type "2 constraints" exactly to confirm');
    await expect(request(["visit_user"])).rejects.toThrow(/not ready, nothing requested: visit_user is blocked/);
    // a person's ON DELETE that the column cannot hold
    await expect(
      requestPreventionApply(store, config, pool, { relations: ["note_user"], actions: { note_user: "SET NULL" }, confirm: "note_user", requestedBy: OPS }),
    ).rejects.toThrow("ON DELETE SET NULL was chosen, but user_id is NOT NULL");
    expect(await store.prisma.preventionJob.count()).toBe(0);
  });

  it("waits for a second person; the requester cannot approve; approved, it adds the constraints validated and says what the catalog shows", async () => {
    const { jobId, status } = await request(["order_user", "note_user"]);
    expect(status).toBe("awaiting_approval");
    // nothing runs before approval, even if a worker is handed the job
    expect(await runPreventionJob(store, config, jobId)).toBe("skipped");
    expect(await constraintsOf("orders")).toEqual([]);
    // one job per relation at a time
    await expect(request(["order_user"], "order_user", OPS2)).rejects.toThrow(
      `a constraint job for order_user is already awaiting approval: see /prevention/jobs/${jobId}`,
    );
    await expect(approvePrevention(store, jobId, OPS)).rejects.toThrow("a second person must approve");

    await approvePrevention(store, jobId, OPS2);
    const steps: string[] = [];
    expect(await runPreventionJob(store, config, jobId, { log: (l) => steps.push(l) })).toBe("applied");
    const job = (await preventionStatus(store, jobId))!;
    expect(job).toMatchObject({ status: "applied", approvedBy: OPS2, stepsDone: job.stepsTotal, currentStep: null });
    expect(job.steps.every((s) => s.status === "done")).toBe(true);
    expect(steps.some((l) => /step 1 of \d+/.test(l))).toBe(true);
    expect(job.verified).toEqual([
      expect.objectContaining({ relation: "order_user", exists: true, validated: true, onDelete: "CASCADE" }),
      expect.objectContaining({ relation: "note_user", exists: true, validated: true, onDelete: "RESTRICT" }),
    ]);
    expect(await constraintsOf("orders")).toEqual([expect.objectContaining({ convalidated: true, confdeltype: "c" })]);
    expect(await constraintsOf("notes")).toEqual([expect.objectContaining({ convalidated: true, confdeltype: "r" })]);
    const audit = await store.prisma.auditEvent.findMany({ where: { action: "prevention.finish", object: `prevention_job:${jobId}` } });
    expect(audit.map((e) => e.result)).toEqual(["ok"]);
  });

  it("refuses the whole job as blocked, changing nothing, when orphans appeared after approval", async () => {
    await postgresAdmin(`DELETE FROM ${schema}.visits WHERE user_id = 4242`);
    const { jobId } = await request(["visit_user"]);
    await approvePrevention(store, jobId, OPS2);
    await postgresAdmin(`INSERT INTO ${schema}.visits (user_id) VALUES (9999)`);
    expect(await runPreventionJob(store, config, jobId)).toBe("blocked");
    const job = (await preventionStatus(store, jobId))!;
    expect(job.reason).toMatch(/^visit_user: /);
    expect(job.steps).toEqual([]);
    expect(await constraintsOf("visits")).toEqual([]);
    const indexes = await postgresRows(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'visits'`, [schema]);
    expect(indexes.map((i) => i.indexname)).toEqual(["visits_pkey"]);
  });

  it("stops at a step that cannot take its lock, saying what was done and what did not run", async () => {
    await postgresAdmin(`DELETE FROM ${schema}.visits WHERE user_id = 9999`);
    const { jobId } = await request(["visit_user"]);
    await approvePrevention(store, jobId, OPS2);
    // the application holds the child locked past the migration's 500 ms lock timeout
    const holder = new pg.Client({ connectionString: POSTGRES_URL });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      // EXCLUSIVE: reads go on (the fresh orphan count), the index and the constraint wait for it
      await holder.query(`LOCK TABLE ${schema}.visits IN EXCLUSIVE MODE`);
      expect(await runPreventionJob(store, config, jobId)).toBe("failed");
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
    const job = (await preventionStatus(store, jobId))!;
    expect(job.status).toBe("failed");
    expect(job.steps[0]).toMatchObject({ status: "failed", error: expect.stringMatching(/lock/) });
    expect(job.steps.slice(1).every((s) => s.status === "not_run")).toBe(true);
    expect(job.reason).toMatch(/failed: .*Done before it: nothing\. Not run: \d+ step\(s\)\./);
    expect(await constraintsOf("visits")).toEqual([]);
  });

  it("rejects with a reason or cancels before running; a job whose worker died ends failed with the step it was on", async () => {
    const rejected = await request(["visit_user"]);
    await expect(rejectPrevention(store, rejected.jobId, OPS, "no")).rejects.toThrow("you requested these constraints");
    await rejectPrevention(store, rejected.jobId, OPS2, "not during the sale");
    expect(await preventionStatus(store, rejected.jobId)).toMatchObject({ status: "rejected", rejectReason: "not during the sale" });
    expect(await runPreventionJob(store, config, rejected.jobId)).toBe("skipped");

    const cancelled = await request(["visit_user"]);
    await cancelPrevention(store, cancelled.jobId);
    expect((await preventionStatus(store, cancelled.jobId))!.status).toBe("cancelled");

    const lost = await request(["visit_user"]);
    await approvePrevention(store, lost.jobId, OPS2);
    // as a worker leaves it when killed during its second step
    await store.prisma.preventionJob.update({
      where: { id: lost.jobId },
      data: { status: "running", stepsDone: 1, stepsTotal: 3, currentStep: "add the constraint NOT VALID", heartbeatAt: new Date(Date.now() - 60_000) },
    });
    await expect(cancelPrevention(store, lost.jobId)).rejects.toThrow("only a constraint job that has not started can be cancelled (this one is running)");
    expect(await failAbandonedPrevention(store)).toEqual([lost.jobId]);
    const job = (await preventionStatus(store, lost.jobId))!;
    expect(job.status).toBe("failed");
    expect(job.reason).toContain('stopped answering during step 2 of 3 ("add the constraint NOT VALID")');
  });
});

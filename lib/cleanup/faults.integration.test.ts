import { spawn } from "node:child_process";
import path from "node:path";
import { sql, type RawBuilder } from "kysely";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bystander, cutConnections, holdRowLock, waitingForLock } from "../../test/connections";
import { waitFor } from "../../test/wait";
import {
  accountOf,
  ACCOUNTS,
  CHILD,
  createCleanupFixture,
  EVENTS,
  hasTag,
  isOrphan,
  LIVE_ACCOUNTS,
  ORPHAN_IDS,
  PARENT,
  PLAIN,
  TAGS,
  tempDir,
  type CleanupFixture,
} from "../../test/cleanup-fixture";
import { POSTGRES_URL, postgresAdmin, WORKER_TEST_DIALECTS } from "../../test/services";
import { STORE_KINDS } from "../../test/stores";
import { loadConfig } from "../config/load";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { resolveRelations } from "../relations/resolve";
import { TargetPool } from "../targets/pool";
import { tableId } from "../targets/sql";
import { deleteRechecked } from "./direct-delete";
import { runCleanupJob } from "./engine";
import { planCleanup } from "./plan";
import { startCleanup } from "./start";

const root = path.resolve(import.meta.dirname, "../..");
const pgStore = STORE_KINDS.find((k) => k.name === "PostgreSQL")!;
const DIALECTS = WORKER_TEST_DIALECTS;
const LIVE_IDS = Array.from({ length: EVENTS }, (_, i) => i + 1).filter((id) => !isOrphan(id));

// Workers are separate processes sharing a PostgreSQL store, as `custodian worker`s do.
describe.each(DIALECTS)("cleanup faults on $dialect", ({ dialect, available }) => {
  let store: Store;
  let storeEnv: Record<string, string>;
  let disposeStore: () => Promise<void>;
  let fx: CleanupFixture;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    if (!available) return;
    ({ store, env: storeEnv, dispose: disposeStore } = await pgStore.open());
  });
  afterAll(async () => {
    await disposeStore?.();
  });
  // Every test cleans its own fixture: none relies on what another left (jobs in the shared store are told apart by id).
  beforeEach(async () => {
    if (!available) return;
    tmp = tempDir();
    fx = await createCleanupFixture(dialect, tmp.dir);
  });
  afterEach(async () => {
    await fx?.drop();
    tmp?.remove();
  });

  /** Runs the job in worker processes, SIGKILLs three of them mid-job, and lets a fourth finish it: what it printed. */
  async function killThreeTimesThenFinish(jobId: string): Promise<string> {
    const env = { ...process.env, ...fx.env, ...storeEnv, CLEANUP_CONFIG: fx.configFile, CLEANUP_JOB: jobId, BATCH_DELAY_MS: "120" };
    for (let kill = 0; kill < 3; kill++) {
      const before = (await store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: jobId } })).batches;
      const child = spawn(process.execPath, ["--import", "tsx", "test/cleanup-worker.ts"], { cwd: root, env, stdio: "ignore" });
      await waitFor(async () => (await store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: jobId } })).batches >= before + 2);
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      // the dead worker's heartbeat goes stale, as it would after JOB_STALE_MS
      await store.prisma.cleanupJob.update({ where: { id: jobId }, data: { heartbeatAt: new Date(Date.now() - 3_600_000) } });
    }
    const last = spawn(process.execPath, ["--import", "tsx", "test/cleanup-worker.ts"], {
      cwd: root,
      env: { ...env, BATCH_DELAY_MS: "0" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    last.stdout.on("data", (d) => (out += d));
    await new Promise((r) => last.once("exit", r));
    return out.trim();
  }

  const plainPlan = async (config: Config, pool: TargetPool) =>
    planCleanup(
      config,
      pool,
      (await resolveRelations(config, pool)).relations.find((x) => x.name === "plain_account")!,
    );

  const ids = async (table: string) => (await fx.query(`SELECT id FROM ${fx.table(table)} ORDER BY id`)).map((r) => Number(r.id));

  it.runIf(available)(
    "a worker killed (SIGKILL) mid-job again and again still ends exact: every eligible orphan gone once, nothing else touched, archive complete",
    async () => {
      const config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
      const { outcome, preview } = await startCleanup(store, config, "events_account", { requestedBy: "fault-test" });
      expect(outcome.kind).toBe("created");
      const jobId = (outcome as { jobId: string }).jobId;
      expect(preview.eligible).toBe(ORPHAN_IDS.length);
      expect(preview.dependents).toEqual([expect.objectContaining({ policy: "cascade", rows: ORPHAN_IDS.filter(hasTag).length })]);

      expect(await killThreeTimesThenFinish(jobId)).toBe("completed");

      expect(await ids(CHILD)).toEqual(LIVE_IDS);
      expect(await ids(TAGS)).toEqual(LIVE_IDS.filter(hasTag));
      expect((await ids(PARENT)).length).toBe(LIVE_ACCOUNTS);
      const job = await store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: jobId } });
      expect(job.status).toBe("completed");
      expect(Number(job.deleted)).toBe(ORPHAN_IDS.length);
      expect(Number(job.dependentsRemoved)).toBe(ORPHAN_IDS.filter(hasTag).length);
      const batches = await store.prisma.cleanupBatch.findMany({ where: { jobId } });
      expect(batches.length).toBeGreaterThan(0); // every() over none would pass
      expect(batches.every((b) => b.status === "applied")).toBe(true);
      expect(batches.reduce((s, b) => s + b.deleted, 0)).toBe(ORPHAN_IDS.length);
      const archived = await store.prisma.archivedRow.findMany({ where: { jobId }, select: { table: true, pk: true, depth: true } });
      expect(
        archived
          .filter((a) => a.depth === 0)
          .map((a) => Number(JSON.parse(a.pk)[0]))
          .sort((a, b) => a - b),
      ).toEqual(ORPHAN_IDS);
      expect(archived.filter((a) => a.depth === 1).length).toBe(ORPHAN_IDS.filter(hasTag).length);
    },
  );

  // SQLite runs in this process: it has no connection to drop.
  if (dialect !== "sqlite")
    // A failure says what the job did instead.
    it.runIf(available)("a connection dropped mid-batch is retried and loses nothing", async () => {
      const loaded = loadConfig(fx.configFile, { ...process.env, ...fx.env });
      // A batch waits for the held row up to the statement timeout, then retries: a long one
      // keeps it waiting while the test (polling the server, slow on a loaded machine) finds it.
      const config = { ...loaded, cleanup: { ...loaded.cleanup, statementTimeoutMs: 60_000 } };
      const { outcome } = await startCleanup(store, config, "events_account", { requestedBy: "fault-test" });
      const jobId = (outcome as { jobId: string }).jobId;
      // An orphan a few batches in is held locked: the batch that reaches it waits there, and
      // is cut while it waits (mid-batch, every run, whatever the timing).
      const held = await holdRowLock(fx, CHILD, ORPHAN_IDS[100]);
      const devConsole = await bystander(fx);
      const log: string[] = [];
      const run = runCleanupJob(store, config, jobId, { log: (l) => log.push(l) });
      let cut: number;
      try {
        await waitFor(() => waitingForLock(fx), { what: "a batch waiting for the held row", timeoutMs: 45_000 });
        cut = await cutConnections(fx);
      } catch (err) {
        // what the job did instead, once it has ended (the fixture is dropped after the test)
        await held.release();
        const ended = await run.catch((e: Error) => `threw: ${e.message}`);
        const job = await store.prisma.cleanupJob.findUnique({ where: { id: jobId }, select: { status: true, error: true } });
        throw new Error(`${(err as Error).message}; the job ended ${ended}: ${JSON.stringify(job)}; its log:\n${log.join("\n")}`, { cause: err });
      }
      await held.release();
      const end = await run;
      expect(cut).toBeGreaterThan(0);
      // only the fixture's connections were cut: a console on the same server kept its own
      expect(await devConsole.alive()).toBe(true);
      await devConsole.close();
      expect(
        log.some((l) => /unreachable, retrying/.test(l)),
        log.join("\n"),
      ).toBe(true);
      expect(end).toBe("completed");
      const job = await store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: jobId } });
      expect({ failed: Number(job.failed), error: job.error }).toEqual({ failed: 0, error: null });
      expect(await ids(CHILD)).toEqual(LIVE_IDS);
      expect(await ids(TAGS)).toEqual(LIVE_IDS.filter(hasTag));
      expect(Number(job.deleted)).toBe(ORPHAN_IDS.length);
    });

  // plain_account: a plain delete with nothing below the child, one DELETE per batch that
  // re-checks each row itself; on servers the next batch's candidates are read meanwhile.
  it.runIf(available)("the one-statement delete re-checks every row: a parent that came back, a row re-pointed, a key set to NULL are left alone", async () => {
    const config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
    const pool = new TargetPool(config.targets);
    try {
      const target = await pool.get("fx");
      const plan = await plainPlan(config, pool);
      // every dialect here: PostgreSQL's DELETE hands back its rows, whose parents are then asked again
      expect(plan.directDelete).toBe(true);
      // five orphans of its own (accounts 901–905 do not exist), read as a batch's candidates would be
      const base = 500_000;
      const rows = [1, 2, 3, 4, 5].map((i) => ({ pk: [base + i], key: [900 + i] }));
      const run = (statement: RawBuilder<unknown>) => target.transaction(5000, (tx) => tx.execute(statement));
      for (const r of rows) await run(sql`INSERT INTO ${tableId(plan.childRef)} (id, account_id, payload) VALUES (${r.pk[0]}, ${r.key[0]}, 'race')`);
      // meanwhile: 902's account comes back; 903 is re-pointed to a live account, 904 to a
      // missing one the batch did not see, 905's key is cleared
      await run(sql`INSERT INTO ${tableId(plan.parentRef)} (id, name) VALUES (902, 'came back')`);
      await run(sql`UPDATE ${tableId(plan.childRef)} SET account_id = 1 WHERE id = ${base + 3}`);
      await run(sql`UPDATE ${tableId(plan.childRef)} SET account_id = 999 WHERE id = ${base + 4}`);
      await run(sql`UPDATE ${tableId(plan.childRef)} SET account_id = NULL WHERE id = ${base + 5}`);
      const deleted = await deleteRechecked(plan, rows);
      expect(deleted).toBe(1);
      const left = (await fx.query(`SELECT id FROM ${fx.table(PLAIN)} WHERE id > ${base} ORDER BY id`)).map((r) => Number(r.id));
      expect(left).toEqual([base + 2, base + 3, base + 4, base + 5]);
      await run(sql`DELETE FROM ${tableId(plan.childRef)} WHERE id > ${base}`);
      await run(sql`DELETE FROM ${tableId(plan.parentRef)} WHERE id = 902`);
    } finally {
      await pool.close();
    }
  });

  // PostgreSQL re-checks a row its DELETE waited for, but reads the parent in the snapshot
  // it started with: the parent committed by the transaction it waited for is asked again.
  if (dialect === "postgres")
    it.runIf(available)("a row the DELETE waited for, whose parent came back in the transaction it waited for, is left alone", async () => {
      const config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
      const pool = new TargetPool(config.targets);
      const app = new pg.Client({ connectionString: POSTGRES_URL });
      await app.connect();
      try {
        const plan = await plainPlan(config, pool);
        const base = 600_000;
        const rows = [1, 2, 3].map((i) => ({ pk: [base + i], key: [910 + i] }));
        for (const r of rows) await postgresAdmin(`INSERT INTO ${fx.table(PLAIN)} (id, account_id, payload) VALUES (${r.pk[0]}, ${r.key[0]}, 'race')`);
        // the application, in one transaction: account 911 comes back and its event is touched (row-locked)
        await app.query("BEGIN");
        await app.query(`INSERT INTO ${fx.table(PARENT)} (id, name) VALUES (911, 'came back')`);
        await app.query(`UPDATE ${fx.table(PLAIN)} SET payload = 'touched' WHERE id = ${base + 1}`);
        const deleting = deleteRechecked(plan, rows);
        await waitFor(() => waitingForLock(fx), { what: "the DELETE waiting for the touched row", timeoutMs: 45_000 });
        await app.query("COMMIT");
        expect(await deleting).toBe(2);
        const left = (await fx.query(`SELECT id FROM ${fx.table(PLAIN)} WHERE id > ${base} ORDER BY id`)).map((r) => Number(r.id));
        expect(left).toEqual([base + 1]);
      } finally {
        await app.query("ROLLBACK").catch(() => {});
        await app.end();
        await postgresAdmin(`DELETE FROM ${fx.table(PLAIN)} WHERE id > 600000`);
        await postgresAdmin(`DELETE FROM ${fx.table(PARENT)} WHERE id = 911`);
        await pool.close();
      }
    });

  // The same on the path that locks rows first (a child with dependents): the lock is taken
  // in the old snapshot too, so the parents of the locked rows are asked again.
  if (dialect === "postgres")
    it.runIf(available)("a row a batch waited to lock, whose parent came back in the transaction it waited for, is left alone", async () => {
      const loaded = loadConfig(fx.configFile, { ...process.env, ...fx.env });
      const config = { ...loaded, cleanup: { ...loaded.cleanup, statementTimeoutMs: 60_000 } };
      const { outcome } = await startCleanup(store, config, "events_account", { requestedBy: "race-test" });
      const jobId = (outcome as { jobId: string }).jobId;
      const held = ORPHAN_IDS[100];
      const app = new pg.Client({ connectionString: POSTGRES_URL });
      await app.connect();
      try {
        // the application, in one transaction: the row's account comes back and the row is touched (locked)
        await app.query("BEGIN");
        await app.query(`INSERT INTO ${fx.table(PARENT)} (id, name) VALUES (${accountOf(held)}, 'came back')`);
        await app.query(`UPDATE ${fx.table(CHILD)} SET payload = 'touched' WHERE id = ${held}`);
        const run = runCleanupJob(store, config, jobId);
        await waitFor(() => waitingForLock(fx), { what: "a batch waiting for the touched row", timeoutMs: 45_000 });
        await app.query("COMMIT");
        expect(await run).toBe("completed");
        expect(await ids(CHILD)).toContain(held);
      } finally {
        await app.query("ROLLBACK").catch(() => {});
        await app.end();
      }
    });

  it.runIf(available)("a plain delete killed (SIGKILL) mid-job again and again still ends exact", async () => {
    const config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
    const { outcome, preview } = await startCleanup(store, config, "plain_account", { requestedBy: "fault-test" });
    const jobId = (outcome as { jobId: string }).jobId;
    expect({ eligible: preview.eligible, dependents: preview.dependents }).toEqual({ eligible: ORPHAN_IDS.length, dependents: [] });
    expect(await killThreeTimesThenFinish(jobId)).toBe("completed");
    expect(await ids(PLAIN)).toEqual(LIVE_IDS);
    const job = await store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: jobId } });
    expect({ status: job.status, deleted: Number(job.deleted), failed: Number(job.failed), notOrphan: Number(job.skippedNotOrphan) }).toEqual({
      status: "completed",
      deleted: ORPHAN_IDS.length,
      failed: 0,
      notOrphan: 0,
    });
    const batches = await store.prisma.cleanupBatch.findMany({ where: { jobId } });
    expect(batches.length).toBeGreaterThan(0); // every() over none would pass
    expect(batches.every((b) => b.status === "applied")).toBe(true);
    expect(batches.reduce((s, b) => s + b.deleted, 0)).toBe(ORPHAN_IDS.length);
  });

  if (dialect !== "sqlite")
    it.runIf(available)("a plain delete, its candidates read ahead, never deletes rows added, re-pointed or whose parent came back meanwhile", async () => {
      const config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
      const pool = new TargetPool(config.targets);
      try {
        const target = await pool.get("fx");
        const { childRef: table, parentRef } = await plainPlan(config, pool);
        const write = (statement: RawBuilder<unknown>) => target.transaction(5000, (tx) => tx.execute(statement));
        const returning = ACCOUNTS - 1;
        const ofReturning = ORPHAN_IDS.filter((id) => accountOf(id) === returning);
        const repointed = ORPHAN_IDS.filter((id) => accountOf(id) !== returning).slice(-10); // the walk reaches them last
        const { outcome } = await startCleanup(store, config, "plain_account", { requestedBy: "race-test" });
        const run = runCleanupJob(store, config, (outcome as { jobId: string }).jobId, { batchDelayMs: 40 });
        await write(sql`INSERT INTO ${tableId(parentRef)} (id, name) VALUES (${returning}, 'came back')`);
        const added: number[] = [];
        for (let i = 0; i < 20; i++) {
          const id = 200_000 + i;
          await write(sql`INSERT INTO ${tableId(table)} (id, account_id, payload) VALUES (${id}, ${(i % LIVE_ACCOUNTS) + 1}, 'new')`);
          added.push(id);
          if (i < repointed.length) await write(sql`UPDATE ${tableId(table)} SET account_id = 1 WHERE id = ${repointed[i]}`);
          await new Promise((r) => setTimeout(r, 30));
        }
        expect(await run).toBe("completed");
        // exact: every other orphan gone, all of these still there
        expect(await ids(PLAIN)).toEqual([...LIVE_IDS, ...ofReturning, ...repointed, ...added].sort((a, b) => a - b));
      } finally {
        await pool.close();
      }
    });

  // One server is enough to race against: the re-check is the same statement in every dialect.
  if (dialect === "postgres")
    it.runIf(available)("never deletes rows added meanwhile under live parents, nor the children of a parent that came back", async () => {
      const config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
      const returning = ACCOUNTS; // its children have the highest ids: the walk reaches them last
      const { outcome } = await startCleanup(store, config, "events_account", { requestedBy: "race-test" });
      const jobId = (outcome as { jobId: string }).jobId;
      const run = runCleanupJob(store, config, jobId, { batchDelayMs: 40 });
      // meanwhile: the account comes back, and new events keep arriving for live accounts
      await postgresAdmin(`INSERT INTO ${fx.table(PARENT)} (id, name) VALUES (${returning}, 'came back')`);
      const added: number[] = [];
      for (let i = 0; i < 20; i++) {
        const id = 100_000 + i;
        await postgresAdmin(`INSERT INTO ${fx.table(CHILD)} (id, account_id, payload) VALUES (${id}, ${(i % LIVE_ACCOUNTS) + 1}, 'new')`);
        added.push(id);
        await new Promise((r) => setTimeout(r, 30));
      }
      expect(await run).toBe("completed");
      const left = new Set(await ids(CHILD));
      for (const id of added) expect(left.has(id), `new event ${id}`).toBe(true);
      const ofReturning = Array.from({ length: EVENTS }, (_, i) => i + 1).filter((id) => ((id - 1) % ACCOUNTS) + 1 === returning && id % 97 !== 0);
      for (const id of ofReturning) expect(left.has(id), `event ${id} of the account that came back`).toBe(true);
    });
});

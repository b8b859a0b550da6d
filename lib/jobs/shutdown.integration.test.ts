/**
 * SIGTERM to a `custodian worker` in the middle of a cleanup: the batch under way finishes,
 * the job is given back (queued at its checkpoint, no heartbeat, enqueued again), the
 * process exits 0, and the next worker resumes it to the exact end. Real processes on a
 * real PostgreSQL store and target, as in production. DEBUG_WORKER=1 echoes the workers' logs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHILD, createCleanupFixture, PARENT, EVENTS, hasTag, isOrphan, ORPHAN_IDS, TAGS, tempDir, type CleanupFixture } from "../../test/cleanup-fixture";
import { hasPostgres, POSTGRES_URL, postgresRows } from "../../test/services";
import { STORE_KINDS } from "../../test/stores";
import { waitFor } from "../../test/wait";
import { startCleanup } from "../cleanup/start";
import { loadConfig } from "../config/load";
import type { Store } from "../store/client";
import { configHash } from "../store/scans";
import { requestSweep } from "../sweeps/claim";
import { startQueue } from "./queue";
import { startJobRuntime } from "./runtime";
import { enqueueCleanup } from "../cleanup/job";
import { enqueueRequestedSweep } from "../sweeps/job";

const root = path.resolve(import.meta.dirname, "../..");
const pgStore = STORE_KINDS.find((k) => k.name === "PostgreSQL")!;
const LIVE_IDS = Array.from({ length: EVENTS }, (_, i) => i + 1).filter((id) => !isOrphan(id));
/** The walk goes in key order: rows past this one are reached last, and are locked to hold the first worker there. */
const HOLD_FROM = 2000;

describe.runIf(hasPostgres)("a worker stopped with SIGTERM", () => {
  let store: Store;
  let storeEnv: Record<string, string>;
  let disposeStore: () => Promise<void>;
  let fx: CleanupFixture;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    ({ store, env: storeEnv, dispose: disposeStore } = await pgStore.open());
    tmp = tempDir();
    fx = await createCleanupFixture("postgres", tmp.dir);
  });
  const children: ChildProcess[] = [];
  afterAll(async () => {
    // a failed test must not leave a worker behind
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await disposeStore?.();
    await fx?.drop();
    tmp?.remove();
  });

  /** `custodian worker` as systemd would run it, logging JSON lines to stderr. */
  function startWorker(): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
    const env = { ...process.env, ...fx.env, ...storeEnv, CUSTODIAN_LOG_FORMAT: "json", CUSTODIAN_LOG_LEVEL: "info" };
    const child = spawn(process.execPath, ["bin/custodian.mjs", "worker", "--config", fx.configFile], { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
    children.push(child);
    let err = "";
    child.stderr!.on("data", (d) => {
      err += d;
      if (process.env.DEBUG_WORKER) process.stderr.write(d);
    });
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    return { child, stderr: () => err, exit };
  }
  /** The application_name the fixture's target connections carry (the workers' connections to it). */
  const ownConnections = () => {
    if (fx.connections?.server !== "postgres") throw new Error("a PostgreSQL fixture marks its connections");
    return fx.connections.applicationName;
  };
  const scanning = async () =>
    ((await postgresRows(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'`, [ownConnections()]))[0]
      .n as number) > 0;
  const job = (id: string) => store.prisma.cleanupJob.findUniqueOrThrow({ where: { id } });
  const ids = async (table: string) => (await fx.query(`SELECT id FROM ${fx.table(table)} ORDER BY id`)).map((r) => Number(r.id));

  it("finishes the batch under way, gives the job back and exits; the next worker resumes it to the exact end", async () => {
    const config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
    const { outcome } = await startCleanup(store, config, "events_account", { requestedBy: "sigterm-test" });
    expect(outcome.kind).toBe("created");
    const jobId = (outcome as { jobId: string }).jobId;
    const boss = await startQueue(store);
    await enqueueCleanup(boss, jobId);
    await boss.stop({ graceful: false });

    // Someone else holds the last orphans locked: the worker gets there and waits, mid-job.
    const holder = new pg.Client({ connectionString: POSTGRES_URL, application_name: "sigterm-test-holder" });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query(`SELECT id FROM ${fx.table(CHILD)} WHERE id > $1 FOR UPDATE`, [HOLD_FROM]);
    const first = startWorker();
    try {
      await waitFor(
        async () =>
          // (another session: inside the holder's transaction pg_stat_activity is a snapshot)
          ((
            await postgresRows(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [ownConnections()])
          )[0].n as number) > 0,
        { what: "the worker to wait for the locked rows" },
      );
      const reached = await job(jobId);
      expect(reached.status).toBe("running");
      expect(Number(reached.deleted)).toBeGreaterThan(0);

      first.child.kill("SIGTERM");
      await waitFor(async () => first.stderr().includes("stopping after the current batch"), { what: "the worker to take the signal" });
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
    expect(await first.exit).toBe(0);

    // Given back, not abandoned: queued at its checkpoint with no heartbeat, and in the queue again.
    const released = await job(jobId);
    expect({ status: released.status, heartbeatAt: released.heartbeatAt }).toEqual({ status: "queued", heartbeatAt: null });
    expect(Number(released.deleted)).toBeLessThan(ORPHAN_IDS.length);
    expect(await store.prisma.cleanupJob.count({ where: { status: "running" } })).toBe(0);
    expect(await store.prisma.sweep.count({ where: { status: "running" } })).toBe(0);
    const queued = await store.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'custodian.cleanup' AND data->>'jobId' = ${jobId} AND state = 'created'`;
    expect(queued[0].n).toBe(1);
    // Its log: JSON lines, the job's lines carrying its id and the worker's name.
    const lines = first
      .stderr()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    expect(lines.find((l) => /released at its checkpoint/.test(l.msg))).toMatchObject({
      job: "cleanup",
      jobId,
      worker: expect.stringMatching(/:\d+$/),
      level: 30,
    });

    const second = startWorker();
    try {
      await waitFor(async () => (await job(jobId)).status === "completed", { what: "the next worker to finish the job" });
    } finally {
      second.child.kill("SIGTERM");
    }
    expect(await second.exit).toBe(0);

    // Exact: every orphan gone once, its tags first, nothing else touched, the archive complete.
    expect(await ids(CHILD)).toEqual(LIVE_IDS);
    expect(await ids(TAGS)).toEqual(LIVE_IDS.filter(hasTag));
    const done = await job(jobId);
    expect({ deleted: Number(done.deleted), dependents: Number(done.dependentsRemoved), failed: Number(done.failed) }).toEqual({
      deleted: ORPHAN_IDS.length,
      dependents: ORPHAN_IDS.filter(hasTag).length,
      failed: 0,
    });
    const applied = await store.prisma.cleanupBatch.findMany({ where: { jobId, status: "applied" } });
    expect(applied.reduce((s, b) => s + b.deleted, 0)).toBe(ORPHAN_IDS.length);
    const archived = await store.prisma.archivedRow.findMany({ where: { jobId, depth: 0 }, select: { pk: true } });
    expect(archived.map((a) => Number(JSON.parse(a.pk)[0])).sort((a, b) => a - b)).toEqual(ORPHAN_IDS);
    expect(await store.prisma.cleanupJob.count({ where: { status: "running" } })).toBe(0);
  });

  it("gives back a sweep part still under way after the grace period: queued for the next worker, the sweep not failed, its count not landed", async () => {
    const config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
    const runtime = await startJobRuntime(store, { config: () => config, log: () => {}, work: true, stopGraceMs: 1000 });
    // the parent table locked: the parts' scans wait behind it for as long as it is held
    const holder = new pg.Client({ connectionString: POSTGRES_URL, application_name: "sigterm-test-holder" });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query(`LOCK TABLE ${fx.table(PARENT)} IN ACCESS EXCLUSIVE MODE`);
    const { id: sweepId } = await requestSweep(store, { requestedBy: "sigterm-test", configHash: configHash(config.file) });
    try {
      await enqueueRequestedSweep(runtime.boss, sweepId);
      await waitFor(
        async () =>
          ((
            await postgresRows(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [ownConnections()])
          )[0].n as number) > 0,
        { what: "a sweep part to wait for the locked table" },
      );
      await runtime.stop();
      const parts = await store.prisma.sweepPart.findMany({ where: { sweepId } });
      expect(parts.length).toBeGreaterThan(0);
      // nothing left running with a heartbeat nobody sends: the parts under way are queued again
      expect(parts.filter((p) => p.status === "running")).toEqual([]);
      const givenBack = parts.filter((p) => p.status === "queued" && p.attempts === 1);
      expect(givenBack.length).toBeGreaterThan(0);
      for (const p of givenBack) expect({ heartbeatAt: p.heartbeatAt, result: p.result }).toEqual({ heartbeatAt: null, result: null });
      const s = await store.prisma.sweep.findUniqueOrThrow({ where: { id: sweepId } });
      expect(s.status).toBe("running");
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
    // (in a real worker the process has exited by now; here the abandoned scan runs on: let it end before the store goes)
    await waitFor(async () => !(await scanning()), { what: "the abandoned scan to end" });
    // it ended after its part was given back: its count is not landed (the next worker's is)
    expect(await store.prisma.sweepPart.count({ where: { sweepId, status: "queued" } })).toBeGreaterThan(0);
  });
});

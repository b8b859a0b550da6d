import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../test/wait";
import { privateDemo } from "../../test/demo-fixture";
import { STORE_KINDS } from "../../test/stores";
import type { Config } from "../config/types";
import { DEMO_EXPECTED_ORPHANS } from "../../test/demo-expected";
import { QUEUES } from "../jobs/queue";
import { startJobRuntime } from "../jobs/runtime";
import { sweep } from "../detect/sweep";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { softDeleteGauges } from "./gauges";
import { cancelPurge, pausePurge, purgeStatus, resumePurge } from "./purge-control";
import { runPurgeJob, requestPurge } from "./purge-job";
import { previewRestore, restoreSubject, RestoreRefused } from "./restore";
import { searchSoftDeleted } from "./search";

const kind = STORE_KINDS[0];

/** The demo shop (PGlite): soft-deleted users in and past grace, a re-registered email. */
describe("soft deletes on the demo", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  let config: Config;
  let pool: TargetPool;
  beforeAll(async () => {
    ({ store, dispose } = await kind.open());
    demo = await privateDemo();
    config = demo.config;
    pool = new TargetPool(config.targets);
  });
  afterAll(async () => {
    await pool?.close();
    await dispose?.();
    demo?.dispose();
  });

  const shop = async (q: string) => (await (await pool.get("shop")).query((await import("kysely")).sql.raw(q))) as Record<string, unknown>[];

  it("gauges the users table: soft-deleted, past grace, histogram, indexes", async () => {
    const [g] = await softDeleteGauges(config, pool);
    expect(g.table).toBe("shop.public.users");
    expect(g.deleted).toBe(31);
    expect(g.pending).toBe(20);
    expect(g.histogram.reduce((n, b) => n + b.rows, 0)).toBe(31);
    expect(g.histogram.find((b) => b.rows === 20)?.pastGrace).toBe(true);
    expect(g.columnIndexed).toBe(true);
    expect(g.unique).toEqual([{ column: "email", partialUnique: true, statement: null }]);
  });

  it("finds a soft-deleted account by exact email or id, never a live one", async () => {
    expect(await searchSoftDeleted(config, pool, "shop.users", "user2003@example.com")).toEqual([expect.objectContaining({ key: ["2003"], by: "email" })]);
    expect(await searchSoftDeleted(config, pool, "shop.users", "2003")).toEqual([expect.objectContaining({ key: ["2003"], by: "id" })]);
    expect(await searchSoftDeleted(config, pool, "shop.users", "user5@example.com")).toEqual([]);
    expect(await searchSoftDeleted(config, pool, "shop.users", "5")).toEqual([]);
    expect(await searchSoftDeleted(config, pool, "shop.users", "user2003@example")).toEqual([]);
  });

  it("previews exactly the same-cascade children, and restores them (not the post deleted earlier)", async () => {
    const p = await previewRestore(store, config, pool, "shop.users", ["2003"]);
    expect(p.refusal).toBeNull();
    expect(Object.fromEntries(p.children.map((c) => [c.table, c.rows]))).toEqual({
      "public.posts (user_id)": 2,
      "public.comments (user_id)": 3,
      "public.comments (post_id)": 0,
      "public.orders (user_id)": 1,
    });
    const r = await restoreSubject(store, config, pool, "shop.users", ["2003"]);
    expect(r.restored.reduce((n, t) => n + t.rows, 0)).toBe(6);
    expect(await shop("SELECT id FROM posts WHERE user_id = 2003 AND deleted_at IS NOT NULL")).toEqual([{ id: 22003 }]);
    expect(await shop("SELECT count(*)::int AS n FROM comments WHERE user_id = 2003 AND deleted_at IS NULL")).toEqual([{ n: 3 }]);
    expect(await shop("SELECT deleted_at FROM users WHERE id = 2003")).toEqual([{ deleted_at: null }]);
  });

  it("refuses: the email re-registered, past grace, not deleted", async () => {
    const alice = await previewRestore(store, config, pool, "shop.users", ["2040"]);
    expect(alice.refusal?.code).toBe("unique_taken");
    await expect(restoreSubject(store, config, pool, "shop.users", ["2040"])).rejects.toBeInstanceOf(RestoreRefused);
    expect((await shop("SELECT deleted_at IS NOT NULL AS d FROM users WHERE id = 2040"))[0].d).toBe(true);
    expect((await previewRestore(store, config, pool, "shop.users", ["2015"])).refusal?.code).toBe("past_grace");
    expect((await previewRestore(store, config, pool, "shop.users", ["2003"])).refusal?.code).toBe("not_found");
  });

  it("purges the users past grace with everything below them, across databases, leaving no orphan", async () => {
    const before = Object.fromEntries((await sweep(config)).results.map((r) => [r.relation.name, r.orphans]));
    expect(before).toEqual(DEMO_EXPECTED_ORPHANS);
    const { jobId } = await requestPurge(store, "shop.public.users", { requestedBy: "u-ops", trigger: "manual" });
    // paused after a few subjects: it stops before the next one, its checkpoint kept
    const running = runPurgeJob(store, config, jobId, { batchDelayMs: 20 });
    await waitFor(async () => (await store.prisma.purgeJob.findUniqueOrThrow({ where: { id: jobId } })).completed >= 3);
    await pausePurge(store, jobId);
    expect(await running).toBe("paused");
    const paused = await store.prisma.purgeJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(paused).toMatchObject({ status: "paused", total: 20, failed: 0, partial: 0 });
    expect(paused.completed).toBeLessThan(20);
    expect(paused.completed).toBe(paused.subjects);
    // while paused it holds the table (asking again returns it), and no worker takes it
    expect(await requestPurge(store, "shop.public.users", { requestedBy: "schedule", trigger: "schedule" })).toEqual({ jobId, created: false });
    expect(await runPurgeJob(store, config, jobId)).toBe("skipped");
    expect((await purgeStatus(store, jobId))!.progress).toBeCloseTo(paused.completed / 20);
    await resumePurge(store, jobId);
    const a = runPurgeJob(store, config, jobId, { batchDelayMs: 20 });
    await waitFor(async () => (await store.prisma.purgeJob.findUniqueOrThrow({ where: { id: jobId } })).completed >= paused.completed + 2);
    // paused and resumed at once while a subject is under way: the resume enqueues a second
    // worker; the first takes the job back before its next subject, so only one runs it
    await pausePurge(store, jobId);
    await resumePurge(store, jobId);
    const b = runPurgeJob(store, config, jobId, { batchDelayMs: 20 });
    const ends = (await Promise.all([a, b])).sort();
    expect([
      ["completed", "skipped"],
      ["completed", "paused"],
    ]).toContainEqual(ends);
    const done = await purgeStatus(store, jobId);
    expect(done).toMatchObject({ status: "completed", total: 20, subjects: 20, completed: 20, progress: 1, etaSeconds: null });
    await expect(cancelPurge(store, jobId)).rejects.toThrow(/already completed/);
    const requests = await store.prisma.deletionRequest.findMany({ include: { steps: true } });
    expect(requests).toHaveLength(20);
    expect(requests.every((r) => r.status === "completed")).toBe(true);
    expect(await shop("SELECT count(*)::int AS n FROM users WHERE id BETWEEN 2011 AND 2030")).toEqual([{ n: 0 }]);
    expect(await shop("SELECT count(*)::int AS n FROM payments WHERE id BETWEEN 152011 AND 152030")).toEqual([{ n: 0 }]);
    const after = Object.fromEntries((await sweep(config)).results.map((r) => [r.relation.name, r.orphans]));
    // the activity rows of the purged users went with them (they were counted as orphans past grace)
    expect(after).toEqual({ ...DEMO_EXPECTED_ORPHANS, activity_profile: DEMO_EXPECTED_ORPHANS.activity_profile - 40 });
    const [g] = await softDeleteGauges(config, pool);
    expect(g.pending).toBe(0);
    expect((await previewRestore(store, config, pool, "shop.users", ["2015"])).refusal?.code).toBe("purged");
  });
});

/** The purge on the schedule (config schedule.purge), through the job queue as a worker runs it. */
describe("scheduled purges on the demo", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  beforeAll(async () => {
    ({ store, dispose } = await kind.open());
    demo = await privateDemo();
  });
  afterAll(async () => {
    await dispose?.();
    demo?.dispose();
  });

  it("registers the schedule, purges every soft-delete table on its tick, and drops the schedule when the config does", async () => {
    const scheduled: Config = { ...demo.config, schedule: { ...demo.config.schedule, purge: "30 3 * * *" } };
    // a purge asked for and cancelled before any worker took it: it never runs, and no longer holds the table
    const cancelled = await requestPurge(store, "shop.users", { requestedBy: "u-ops", trigger: "manual" });
    await cancelPurge(store, cancelled.jobId);
    expect(await runPurgeJob(store, scheduled, cancelled.jobId)).toBe("skipped");

    const runtime = await startJobRuntime(store, { config: () => scheduled, log: () => {}, work: true });
    try {
      expect((await runtime.boss.getSchedules(QUEUES.purge)).map((x) => [x.cron, x.timezone])).toEqual([["30 3 * * *", "UTC"]]);
      // what pg-boss sends at 03:30 UTC
      await runtime.boss.send(QUEUES.purge, { trigger: "schedule" });
      await waitFor(async () => (await store.prisma.purgeJob.count({ where: { trigger: "schedule", status: { notIn: ["queued", "running"] } } })) === 1);
    } finally {
      await runtime.stop();
    }
    const job = await store.prisma.purgeJob.findFirstOrThrow({ where: { trigger: "schedule" } });
    expect(job).toMatchObject({ table: "shop.users", status: "completed", requestedBy: "schedule", total: 20, completed: 20 });
    expect((await store.prisma.purgeJob.findUniqueOrThrow({ where: { id: cancelled.jobId } })).status).toBe("cancelled");
    const audit = await store.prisma.auditEvent.findMany({ where: { action: "purges.finish", object: `purge_job:${job.id}` } });
    expect(audit.map((a) => a.result)).toEqual(["ok"]);

    const unscheduled = await startJobRuntime(store, {
      config: () => ({ ...scheduled, schedule: { ...scheduled.schedule, purge: undefined } }),
      log: () => {},
      work: true,
    });
    try {
      expect(await unscheduled.boss.getSchedules(QUEUES.purge)).toEqual([]);
    } finally {
      await unscheduled.stop();
    }
  });
});

/** users purged by redaction: past grace the row stays (its PII replaced), what hangs below it goes. */
describe("purge by redaction on the demo", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  let config: Config;
  let pool: TargetPool;
  beforeAll(async () => {
    ({ store, dispose } = await kind.open());
    demo = await privateDemo();
    config = { ...demo.config, softDelete: [{ ...demo.config.softDelete[0], purge: "redact", redactWith: { email: "redacted", name: "redacted" } }] };
    pool = new TargetPool(config.targets);
  });
  afterAll(async () => {
    await pool?.close();
    await dispose?.();
    demo?.dispose();
  });

  it("keeps the rows past grace with their PII replaced, removes the rows below them, and counts them no more", async () => {
    const shop = async (q: string) => (await (await pool.get("shop")).query((await import("kysely")).sql.raw(q))) as Record<string, unknown>[];
    const { jobId } = await requestPurge(store, "shop.users", { requestedBy: "u-ops", trigger: "manual" });
    expect(await runPurgeJob(store, config, jobId)).toBe("completed");
    expect(await shop("SELECT DISTINCT email, name, deleted_at IS NOT NULL AS deleted FROM users WHERE id BETWEEN 2011 AND 2030")).toEqual([
      { email: "redacted", name: "redacted", deleted: true },
    ]);
    expect(await shop("SELECT count(*)::int AS n FROM posts WHERE user_id BETWEEN 2011 AND 2030")).toEqual([{ n: 0 }]);
    expect(await shop("SELECT count(*)::int AS n FROM users WHERE id BETWEEN 2001 AND 2010 AND email LIKE 'user%'")).toEqual([{ n: 10 }]);
    const requests = await store.prisma.deletionRequest.findMany();
    expect(requests.map((r) => [r.status, r.mode])).toEqual(requests.map(() => ["completed", "redact"]));
    const [g] = await softDeleteGauges(config, pool);
    expect(g).toMatchObject({ deleted: 31, pending: 0, purge: "redact" });
    const { jobId: again } = await requestPurge(store, "shop.users", { requestedBy: "u-ops", trigger: "manual" });
    expect(await runPurgeJob(store, config, again)).toBe("completed");
    expect((await store.prisma.purgeJob.findUniqueOrThrow({ where: { id: again } })).subjects).toBe(0);
  });
});

/** Orders kept for tax law (`purge: redact` on orders): they stay with their PII redacted, and so do the accounts above them. */
describe("a kept table below the subject on the demo", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  let config: Config;
  let pool: TargetPool;
  beforeAll(async () => {
    ({ store, dispose } = await kind.open());
    demo = await privateDemo();
    const users = { ...demo.config.softDelete[0], redactWith: { email: "redacted", name: "redacted" } };
    const orders = {
      target: "shop",
      table: "orders",
      column: "deleted_at",
      graceDays: 30,
      purge: "redact" as const,
      pii: ["total"],
      redactWith: { total: "0" },
      pendingAlert: 10_000,
    };
    config = { ...demo.config, softDelete: [users, orders] };
    pool = new TargetPool(config.targets);
  });
  afterAll(async () => {
    await pool?.close();
    await dispose?.();
    demo?.dispose();
  });

  it("keeps the orders (redacted) with their payments and the accounts above them (redacted), deletes everything else below", async () => {
    const shop = async (q: string) => (await (await pool.get("shop")).query((await import("kysely")).sql.raw(q))) as Record<string, unknown>[];
    const { jobId } = await requestPurge(store, "shop.users", { requestedBy: "u-ops", trigger: "manual" });
    expect(await runPurgeJob(store, config, jobId)).toBe("completed");
    expect(await shop("SELECT DISTINCT email, name FROM users WHERE id BETWEEN 2011 AND 2030")).toEqual([{ email: "redacted", name: "redacted" }]);
    expect(await shop("SELECT count(*)::int AS n, sum(total)::int AS t FROM orders WHERE user_id BETWEEN 2011 AND 2030")).toEqual([{ n: 20, t: 0 }]);
    expect(await shop("SELECT count(*)::int AS n FROM payments WHERE order_id BETWEEN 152011 AND 152030")).toEqual([{ n: 20 }]);
    expect(await shop("SELECT count(*)::int AS n FROM posts WHERE user_id BETWEEN 2011 AND 2030")).toEqual([{ n: 0 }]);
    expect(await shop("SELECT count(*)::int AS n FROM comments WHERE user_id BETWEEN 2011 AND 2030")).toEqual([{ n: 0 }]);
    const [g] = await softDeleteGauges(config, pool);
    expect(g.pending).toBe(0);
  });
});

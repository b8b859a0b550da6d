import { spawn } from "node:child_process";
import { renameSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../test/wait";
import { tempDir } from "../../test/cleanup-fixture";
import { WORKER_TEST_DIALECTS } from "../../test/services";
import {
  BULK,
  BULK_POSTS,
  COMMENTS_PER_POST,
  createSoftDeleteFixture,
  DUP,
  IN_GRACE,
  PAST,
  PAST_GRACE,
  type SoftDeleteFixture,
} from "../../test/softdelete-fixture";
import { STORE_KINDS } from "../../test/stores";
import { loadConfig } from "../config/load";
import type { Config } from "../config/types";
import { sweep } from "../detect/sweep";
import type { Store } from "../store/client";
import { TargetPool } from "../targets/pool";
import { requestPurge, runPurgeJob } from "./purge-job";
import { runDeletionRequest } from "./purge-run";
import { previewRestore, restoreSubject, RestoreRefused } from "./restore";
import { requestDeletion } from "./requests";
import { softDeleteTableByName } from "./tables";

const root = path.resolve(import.meta.dirname, "../..");
const pgStore = STORE_KINDS.find((k) => k.name === "PostgreSQL")!;
const DIALECTS = WORKER_TEST_DIALECTS;

// A PostgreSQL store: the kill test runs the purge in a separate worker process, as `custodian worker` does.
describe.each(DIALECTS)("soft deletes on $dialect", ({ dialect, available }) => {
  let store: Store;
  let storeEnv: Record<string, string>;
  let disposeStore: () => Promise<void>;
  let fx: SoftDeleteFixture;
  let tmp: ReturnType<typeof tempDir>;
  let config: Config;
  let pool: TargetPool;
  beforeAll(async () => {
    if (!available) return;
    ({ store, env: storeEnv, dispose: disposeStore } = await pgStore.open());
    tmp = tempDir();
    fx = await createSoftDeleteFixture(dialect, tmp.dir);
    config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
    pool = new TargetPool(config.targets);
  });
  afterAll(async () => {
    await pool?.close();
    await disposeStore?.();
    await fx?.drop();
    tmp?.remove();
  });

  const n = async (q: string) => Number((await fx.query(q))[0].n);
  const stamped = (table: string, where: string) => n(`SELECT count(*) AS n FROM ${fx.table(table)} WHERE deleted_at IS NOT NULL AND ${where}`);

  it.runIf(available)("restores a subject with exactly the rows of its cascade, atomically", async () => {
    const p = await previewRestore(store, config, pool, "fx.users", [String(IN_GRACE)]);
    expect(p.refusal).toBeNull();
    const rows = Object.fromEntries(p.children.map((c) => [c.table.replace(/^[^.]+\./, ""), c.rows]));
    expect(rows).toEqual({
      "posts (user_id)": 3,
      "comments (post_id)": 3 * COMMENTS_PER_POST,
      "comments (user_id)": 1,
      "orders (user_id)": 2,
      "customer_activity (profile_id)": 3,
      "activity_notes (activity_id)": 3,
    });
    const ownPost = `user_id = ${IN_GRACE} AND id NOT IN (SELECT id FROM (SELECT id FROM ${fx.table("posts")} WHERE user_id = ${IN_GRACE} ORDER BY id LIMIT 3) AS f)`;
    expect(await stamped("posts", ownPost)).toBe(1);
    const r = await restoreSubject(store, config, pool, "fx.users", [String(IN_GRACE)]);
    expect(r.failed).toEqual([]);
    expect(r.restored.reduce((s, t) => s + t.rows, 0)).toBe(3 + 3 * COMMENTS_PER_POST + 1 + 2 + 3 + 3);
    // in the other database, its own transaction: the same-cascade rows back, the one deleted earlier not
    const act = new (await import("better-sqlite3")).default(fx.activityFile, { readonly: true });
    expect(act.prepare(`SELECT count(*) AS n FROM customer_activity WHERE profile_id = ${IN_GRACE} AND deleted_at IS NOT NULL`).get()).toEqual({ n: 1 });
    // below them in that database too: the notes of its cascade back, the one deleted on its own not
    const notes = `SELECT count(*) AS n FROM activity_notes WHERE activity_id IN (SELECT id FROM customer_activity WHERE profile_id = ${IN_GRACE}) AND deleted_at IS NOT NULL`;
    expect(act.prepare(notes).get()).toEqual({ n: 1 });
    act.close();
    expect(await stamped("users", `id = ${IN_GRACE}`)).toBe(0);
    expect(await stamped("posts", `user_id = ${IN_GRACE}`)).toBe(1); // the post deleted earlier on its own stays deleted
    expect(await stamped("comments", `post_id IN (SELECT id FROM ${fx.table("posts")} WHERE user_id = ${IN_GRACE})`)).toBe(1); // its comment too
    expect(await stamped("orders", `user_id = ${IN_GRACE}`)).toBe(0);
  });

  it.runIf(available)("refuses when the email was registered again, and when past grace, changing nothing", async () => {
    const dup = await previewRestore(store, config, pool, "fx.users", [String(DUP)]);
    expect(dup.refusal).toMatchObject({ code: "unique_taken" });
    expect(dup.refusal?.reason).toMatch(/email is now used by another live account/);
    await expect(restoreSubject(store, config, pool, "fx.users", [String(DUP)])).rejects.toThrow(RestoreRefused);
    expect(await stamped("users", `id = ${DUP}`)).toBe(1);
    expect(await stamped("posts", `user_id = ${DUP}`)).toBe(4);
    const past = await previewRestore(store, config, pool, "fx.users", [String(PAST_GRACE)]);
    expect(past.refusal?.code).toBe("past_grace");
    expect(past.refusal?.reason).toMatch(/past the 30-day grace period \(deleted 40 days ago\)/);
    await expect(restoreSubject(store, config, pool, "fx.users", [String(PAST_GRACE)])).rejects.toMatchObject({ code: "past_grace" });
    expect(await stamped("users", `id = ${PAST_GRACE}`)).toBe(1);
  });

  it.runIf(available)("a purge killed mid-way resumes and completes, leaving no orphan in any relation below the table", async () => {
    const { jobId } = await requestPurge(store, "fx.users", { requestedBy: "fault-test", trigger: "manual" });
    const env = { ...process.env, ...fx.env, ...storeEnv, PURGE_CONFIG: fx.configFile, PURGE_JOB: jobId, BATCH_DELAY_MS: "150" };
    const child = spawn(process.execPath, ["--import", "tsx", "test/purge-worker.ts"], { cwd: root, env, stdio: "ignore" });
    // killed once a bulk subject is being deleted (some of its rows gone, not all)
    await waitFor(async () => (await store.prisma.deletionStep.aggregate({ _sum: { removed: true } }))._sum.removed! > 40n);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const midway = await store.prisma.deletionRequest.findMany({ where: { status: { not: "completed" } } });
    expect(midway.length).toBeGreaterThan(0);
    await store.prisma.purgeJob.update({ where: { id: jobId }, data: { heartbeatAt: new Date(Date.now() - 3_600_000) } });
    expect(await runPurgeJob(store, config, jobId)).toBe("completed");

    const requests = await store.prisma.deletionRequest.findMany({ include: { steps: true } });
    expect(requests.map((r) => r.status).sort()).toEqual(PAST.map(() => "completed"));
    for (const u of PAST) {
      expect(await n(`SELECT count(*) AS n FROM ${fx.table("users")} WHERE id = ${u}`)).toBe(0);
      expect(await n(`SELECT count(*) AS n FROM ${fx.table("orders")} WHERE user_id = ${u}`)).toBe(0);
    }
    // each row removed exactly once: the steps' counts add up to what was below the subjects
    const bulkRows = BULK.length * (1 + (BULK_POSTS + 1) + (BULK_POSTS * COMMENTS_PER_POST + 1 + 1) + 2 + 4);
    const pastRows = 1 + 4 + (3 * COMMENTS_PER_POST + 1 + 1) + 2 + 4;
    const activityRows = PAST.length * (3 + 3); // activity rows and the notes below them
    const removed = requests.flatMap((r) => r.steps).reduce((s, st) => s + Number(st.removed), 0);
    expect(removed).toBe(bulkRows + pastRows + activityRows);
    const { results } = await sweep(config);
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(Object.fromEntries(results.map((r) => [r.relation.name, r.orphans]))).toEqual(Object.fromEntries(results.map((r) => [r.relation.name, 0])));
    expect(requests.flatMap((r) => r.steps).every((s) => s.maxStatementMs > 0 && s.statements > 0)).toBe(true);
  });

  it.runIf(available)("is partial while another database is unreachable, and completes when it returns", async () => {
    // soft-delete a live user past grace, then take the activity database away
    const exec = async (q: string) => {
      if (dialect === "sqlite") {
        const Database = (await import("better-sqlite3")).default;
        const db = new Database(path.join(tmp.dir, "fx.db"));
        db.exec(q);
        db.close();
      } else await (await pool.get("fx")).query((await import("kysely")).sql.raw(q));
    };
    await exec(
      `UPDATE ${fx.table("users")} SET deleted_at = ${dialect === "postgres" ? "now() - interval '60 days'" : dialect === "mysql" ? "NOW() - INTERVAL 60 DAY" : "datetime('now', '-60 days')"} WHERE id = 5`,
    );
    const hidden = `${fx.activityFile}.away`;
    renameSync(fx.activityFile, hidden);
    const { request } = await requestDeletion(store, (await softDeleteTableByName(config, pool, "fx.users")).id, ["5"], { requestedBy: "test" });
    const fresh = new TargetPool(config.targets);
    try {
      expect(await runDeletionRequest(store, config, fresh, request.id)).toBe("partial");
    } finally {
      await fresh.close();
    }
    const partial = await store.prisma.deletionRequest.findUniqueOrThrow({ where: { id: request.id }, include: { steps: { orderBy: { seq: "asc" } } } });
    expect(partial.steps.map((s) => [s.target, s.status])).toEqual([
      ["activity", "failed"],
      ["fx", "completed"],
    ]);
    expect(partial.error).toMatch(/activity/);
    expect(await n(`SELECT count(*) AS n FROM ${fx.table("users")} WHERE id = 5`)).toBe(0);
    renameSync(hidden, fx.activityFile);
    // retried with backoff: a purge now leaves it waiting; one after its next attempt time completes it
    expect(partial.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
    const early = await requestPurge(store, "fx.users", { requestedBy: "test", trigger: "manual" });
    await runPurgeJob(store, config, early.jobId);
    expect((await store.prisma.deletionRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("partial");
    const later = await requestPurge(store, "fx.users", { requestedBy: "test", trigger: "manual" });
    expect(await runPurgeJob(store, config, later.jobId, { now: new Date(partial.nextAttemptAt!.getTime() + 1000) })).toBe("completed");
    const done = await store.prisma.deletionRequest.findUniqueOrThrow({ where: { id: request.id }, include: { steps: { orderBy: { seq: "asc" } } } });
    expect(done.status).toBe("completed");
    // the step that had completed is not run again: its rows counted once
    expect(Number(partial.steps[1].removed)).toBeGreaterThan(1);
    expect(done.steps.map((s) => [s.target, s.status, Number(s.removed)])).toEqual([
      ["activity", "completed", 6],
      ["fx", "completed", Number(partial.steps[1].removed)],
    ]);
    const { results } = await sweep(config);
    expect(results.find((r) => r.relation.name === "activity_profile")?.orphans).toBe(0);
  });
});

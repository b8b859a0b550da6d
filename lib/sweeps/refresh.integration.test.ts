/**
 * Figures stay true after every action: a cleanup, an archive restore, a support restore and
 * a purge each leave the stored counts and the stored backlog at their new values (what the
 * overview, the relation pages and the soft-deletes page read), not at the last sweep's.
 */
import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_EXPECTED_ORPHANS } from "../../test/demo-expected";
import { privateDemo } from "../../test/demo-fixture";
import { STORE_KINDS } from "../../test/stores";
import { cleanupJob } from "../cleanup/job";
import { requestCleanup } from "../cleanup/jobs";
import { previewCleanup } from "../cleanup/preview";
import { restoreArchive } from "../cleanup/restore";
import { archiveRestores } from "../cleanup/restore-log";
import type { Config } from "../config/types";
import type { JobRun } from "../jobs/definition";
import { resolveRelations } from "../relations/resolve";
import { requestPurge } from "../softdelete/purge-job";
import { restoreSubject } from "../softdelete/restore";
import { latestBacklog } from "../softdelete/stored-backlog";
import { tableOfName } from "../softdelete/tables";
import { purgeJob } from "../softdelete/worker";
import type { Store } from "../store/client";
import { lastSweep, latestScans } from "../store/scans";
import { TargetPool } from "../targets/pool";
import { refreshAfter, REFRESH_TRIGGER } from "./refresh";
import { sweepNow } from "./run";

const kind = STORE_KINDS[0];

describe("figures after an action", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  let config: Config;
  let fullSweepId: string;
  beforeAll(async () => {
    ({ store, dispose } = await kind.open());
    demo = await privateDemo();
    config = {
      ...demo.config,
      cleanup: { ...demo.config.cleanup, graceDays: 0 },
      relations: demo.config.relations.map((r) =>
        r.name === "summary_symbol" ? { ...r, cleanup: { action: "archive_then_delete" as const, onParentRemoved: "cascade" as const } } : r,
      ),
    };
    ({ sweepId: fullSweepId } = await sweepNow(store, config, "test"));
  });
  afterAll(async () => {
    await dispose?.();
    demo?.dispose();
  });

  const stored = async () => Object.fromEntries((await latestScans(store)).map((s) => [s.relation, s.orphans == null ? null : Number(s.orphans)]));
  /** What a worker hands a job handler (lib/jobs/workers.ts); these handlers only touch the queue to requeue a job given back. */
  const run = (): JobRun => ({
    store,
    config: () => config,
    log: () => {},
    boss: null as unknown as PgBoss,
    createdOn: new Date(),
    refresh: (c, touched, log) => refreshAfter(store, c, touched, log),
  });

  it("a completed cleanup job stores its relation's new count, and an archive restore stores it back with who and what", async () => {
    expect((await stored()).summary_symbol).toBe(7);
    const pool = new TargetPool(config.targets);
    const relation = (await resolveRelations(config, pool)).relations.find((r) => r.name === "summary_symbol")!;
    const preview = await previewCleanup(store, config, pool, relation);
    await pool.close();
    const req = await requestCleanup(store, {
      relation: "summary_symbol",
      action: preview.action,
      requestedBy: "u-ops",
      eligible: preview.eligible,
      total: preview.walkTotal,
      approvalThreshold: config.cleanup.approvalThreshold,
      batchSize: 2,
    });
    if (req.kind !== "created") throw new Error(JSON.stringify(req));
    expect(await cleanupJob.handle({ jobId: req.jobId }, run())).toEqual({ end: "completed" });
    // the demo allowlists one of the 7 stale summaries
    expect((await stored()).summary_symbol).toBe(1);
    const refresh = await store.prisma.sweep.findFirstOrThrow({ where: { trigger: REFRESH_TRIGGER }, orderBy: { startedAt: "desc" } });
    expect(refresh.status).toBe("completed");
    // targeted: the relation and what hangs below its child table, not every relation
    expect(await store.prisma.scan.findMany({ where: { sweepId: refresh.id }, select: { relation: true } })).toEqual([{ relation: "summary_symbol" }]);
    // the overview's "last sweep" and the start-up's "swept within the hour" mean a sweep of everything
    expect((await lastSweep(store))?.id).toBe(fullSweepId);

    const result = await restoreArchive(store, config, req.jobId, { restoredBy: "u-restorer" });
    expect(result).toMatchObject({ restored: 6, alreadyThere: 0 });
    expect(result.tables.map((t) => [t.table, t.restored])).toEqual([["summaries", 6]]);
    await refreshAfter(store, config, { relations: ["summary_symbol"], tables: result.tables });
    expect((await stored()).summary_symbol).toBe(7);
    const [restore] = await archiveRestores(store, req.jobId);
    expect(restore).toMatchObject({ by: "u-restorer", rows: 6, tables: [{ table: expect.stringMatching(/\.summaries$/), rows: 6 }] });
  });

  it("a support restore stores the new backlog at once", async () => {
    expect(await latestBacklog(store)).toMatchObject({ deleted: 31, pending: 20 });
    const pool = new TargetPool(config.targets);
    try {
      const r = await restoreSubject(store, config, pool, "shop.users", ["2003"]);
      await refreshAfter(store, config, { tables: [tableOfName(r.table)] });
    } finally {
      await pool.close();
    }
    expect(await latestBacklog(store)).toMatchObject({ deleted: 30, pending: 20 });
  });

  it("a purge job stores the new backlog and the counts of the relations below its table", async () => {
    const before = await stored();
    expect(before.activity_profile).toBe(DEMO_EXPECTED_ORPHANS.activity_profile);
    const { jobId } = await requestPurge(store, "shop.public.users", { requestedBy: "u-ops", trigger: "manual" });
    expect(await purgeJob.handle({ trigger: "manual", jobId }, run())).toEqual({ end: "completed" });
    expect(await latestBacklog(store)).toMatchObject({ deleted: 10, pending: 0 });
    // the activity rows of the purged users went with them
    expect((await stored()).activity_profile).toBe(DEMO_EXPECTED_ORPHANS.activity_profile - 40);
    const refresh = await store.prisma.sweep.findFirstOrThrow({ where: { trigger: REFRESH_TRIGGER }, orderBy: { startedAt: "desc" } });
    const rescanned = (await store.prisma.scan.findMany({ where: { sweepId: refresh.id }, select: { relation: true } })).map((s) => s.relation);
    expect(rescanned).toContain("activity_profile");
    expect(rescanned).toContain("shop.orders.user_id");
    expect(rescanned).not.toContain("summary_symbol");
  });
});

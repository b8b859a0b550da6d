import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateDemo } from "../../test/demo-fixture";
import { STORE_KINDS } from "../../test/stores";
import type { Config } from "../config/types";
import { DEMO_EXPECTED_ORPHANS } from "../../test/demo-expected";
import { orphanPreview } from "../detect/preview";
import { sweep } from "../detect/sweep";
import { resolveRelations } from "../relations/resolve";
import type { Store } from "../store/client";
import { sweepNow } from "../sweeps/run";
import { TargetPool } from "../targets/pool";
import { runCleanupJob } from "./engine";
import { approveJob, requestCleanup } from "./jobs";
import { previewCleanup } from "./preview";
import { restoreArchive } from "./restore";

const kind = STORE_KINDS[0]; // the embedded store; the fault tests run the PostgreSQL store

describe("cleanups on the demo", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  let config: Config;
  beforeAll(async () => {
    ({ store, dispose } = await kind.open());
    demo = await privateDemo();
    config = { ...demo.config, cleanup: { ...demo.config.cleanup, graceDays: 0 } };
    await sweepNow(store, config, "test");
  });
  afterAll(async () => {
    await dispose?.();
    demo?.dispose();
  });

  async function counts(c = config) {
    const { results } = await sweep(c);
    return Object.fromEntries(results.map((r) => [r.relation.name, r.orphans]));
  }

  async function clean(name: string, c = config) {
    const pool = new TargetPool(c.targets);
    try {
      const relation = (await resolveRelations(c, pool)).relations.find((r) => r.name === name)!;
      const preview = await previewCleanup(store, c, pool, relation);
      const req = await requestCleanup(store, {
        relation: name,
        action: preview.action,
        requestedBy: "u-ops",
        eligible: preview.eligible,
        total: preview.walkTotal,
        approvalThreshold: c.cleanup.approvalThreshold,
        batchSize: 2,
      });
      if (req.kind !== "created") throw new Error(JSON.stringify(req));
      if (req.status === "awaiting_approval") await approveJob(store, req.jobId, "u-admin");
      const end = await runCleanupJob(store, c, req.jobId);
      return { preview, end, job: await store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: req.jobId } }) };
    } finally {
      await pool.close();
    }
  }

  it("removes orphaned orders after the payments under them (FK order), leaving no new orphan", async () => {
    const { preview, end, job } = await clean("shop.orders.user_id");
    expect(preview.eligible).toBe(5);
    expect(preview.dependents).toEqual([{ table: "shop:public.payments", policy: "cascade", rows: 8 }]);
    expect(end).toBe("completed");
    expect(Number(job.deleted)).toBe(5);
    expect(Number(job.dependentsRemoved)).toBe(8);
    const after = await counts();
    expect(after["shop.orders.user_id"]).toBe(0);
    expect(after["shop.payments.order_id"]).toBe(DEMO_EXPECTED_ORPHANS["shop.payments.order_id"]);
  });

  it("removes the edges of the deleted symbol, both ways, and no other edge", async () => {
    const edges = async () => {
      const pool = new TargetPool(config.targets);
      try {
        const [{ n }] = await (await pool.get("codegraph")).query(sql<{ n: number }>`SELECT count(*) AS n FROM edges`);
        return Number(n);
      } finally {
        await pool.close();
      }
    };
    expect(await edges()).toBe(3000 + 60 + 40);
    // what the other tests may have cleaned meanwhile is theirs: everything else stays as it was
    const before = await counts();
    for (const [name, n] of [
      ["codegraph.edges.from_fqn", 60],
      ["codegraph.edges.to_fqn", 40],
    ] as const) {
      const { preview, end, job } = await clean(name);
      expect({ eligible: preview.eligible, dependents: preview.dependents }).toEqual({ eligible: n, dependents: [] });
      expect({ end, deleted: Number(job.deleted), notOrphan: Number(job.skippedNotOrphan) }).toEqual({ end: "completed", deleted: n, notOrphan: 0 });
    }
    expect(await edges()).toBe(3000);
    const after = await counts();
    expect(before["codegraph.edges.from_fqn"]).toBe(60);
    expect(after).toEqual({ ...before, "codegraph.edges.from_fqn": 0, "codegraph.edges.to_fqn": 0 });
  });

  it("cleans across databases in small batches, re-checking the parent, sparing allowlisted keys", async () => {
    const pool = new TargetPool(config.targets);
    const relation = (await resolveRelations(config, pool)).relations.find((r) => r.name === "email_link_profile")!;
    const oneKey = (await orphanPreview(relation, pool, { rows: 1 })).keys[0][0];
    await pool.close();
    const withAllow: Config = {
      ...config,
      relations: config.relations.map((r) =>
        r.name === "email_link_profile" ? { ...r, allow: [{ key: [String(oneKey)], reason: "fraud case 118", until: "2999-01-01" }] } : r,
      ),
    };
    const { preview, end, job } = await clean("email_link_profile", withAllow);
    expect(end).toBe("completed");
    expect(preview.allowlisted).toBeGreaterThanOrEqual(1);
    expect(Number(job.skippedAllowlist)).toBe(preview.allowlisted);
    expect(Number(job.deleted) + Number(job.skippedAllowlist)).toBe(218);
    expect((await counts(withAllow)).email_link_profile).toBe(Number(job.skippedAllowlist));
  });

  it("archives before deleting, and puts the archive back", async () => {
    const archiving: Config = {
      ...config,
      relations: config.relations.map((r) =>
        r.name === "summary_symbol" ? { ...r, cleanup: { action: "archive_then_delete" as const, onParentRemoved: "cascade" as const } } : r,
      ),
    };
    const { end, job } = await clean("summary_symbol", archiving);
    expect(end).toBe("completed");
    // the demo allowlists one of the 7 stale summaries
    expect(Number(job.deleted)).toBe(6);
    expect(Number(job.skippedAllowlist)).toBe(1);
    expect(await store.prisma.archivedRow.count({ where: { jobId: job.id } })).toBe(6);
    expect((await counts(archiving)).summary_symbol).toBe(1);
    expect(await restoreArchive(store, archiving, job.id, { restoredBy: "restore-test" })).toMatchObject({ restored: 6, alreadyThere: 0 });
    expect((await counts(archiving)).summary_symbol).toBe(7);
    // who put them back is kept on the archive
    expect(await store.prisma.archivedRow.count({ where: { jobId: job.id, restoredBy: "restore-test" } })).toBe(6);
    expect(await restoreArchive(store, archiving, job.id)).toMatchObject({ restored: 0, alreadyThere: 0 });
  });

  it("refuses a second job for the same relation while one is active", async () => {
    const a = await requestCleanup(store, {
      relation: "shop.likes.user_id",
      action: "delete",
      requestedBy: "u1",
      eligible: 250,
      total: 250,
      approvalThreshold: 100,
      batchSize: 50,
    });
    expect(a).toMatchObject({ kind: "created", status: "awaiting_approval" });
    const b = await requestCleanup(store, {
      relation: "shop.likes.user_id",
      action: "delete",
      requestedBy: "u2",
      eligible: 250,
      total: 250,
      approvalThreshold: 100,
      batchSize: 50,
    });
    expect(b).toMatchObject({ kind: "refused", jobId: (a as { jobId: string }).jobId });
    await expect(approveJob(store, (a as { jobId: string }).jobId, "u1")).rejects.toThrow(/second person/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  accountOfEvent,
  createApprovalFixture,
  LIVE_EVENTS,
  NOTE,
  ORPHAN_ACCOUNTS,
  ORPHANS,
  TAGGED,
  THRESHOLD,
  type ApprovalFixture,
} from "../../test/approval-fixture";
import { WORKER_TEST_DIALECTS } from "../../test/services";
import { STORE_KINDS } from "../../test/stores";
import { sightingKey } from "../sightings/record";
import type { Store } from "../store/client";
import { runCleanupJob } from "./engine";
import { approveJob, readSnapshot, rejectJob } from "./approval";
import { cancelJob, pauseJob, requestCleanup, resumeJob } from "./jobs";
import { cleanupStatus } from "./status";
import { previewByName, startCleanup } from "./start";

const kind = STORE_KINDS[0]; // the embedded store

describe.each(WORKER_TEST_DIALECTS.map((d) => ({ ...d, available: d.dialect === "sqlite" || d.available })))(
  "four-eyes approval on $dialect",
  ({ dialect, available }) => {
    let store: Store;
    let dispose: () => Promise<void>;
    let fx: ApprovalFixture;
    beforeAll(async () => {
      if (!available) return;
      ({ store, dispose } = await kind.open());
    });
    afterAll(async () => {
      await dispose?.();
    });

    async function fresh(threshold = THRESHOLD) {
      await fx?.drop();
      fx = await createApprovalFixture(dialect, threshold);
      await store.prisma.cleanupJob.deleteMany({});
      await store.prisma.allowlistEntry.deleteMany({});
    }
    afterAll(async () => fx?.drop());

    const allowlist = (accounts: number[]) =>
      store.prisma.allowlistEntry.createMany({
        data: accounts.map((a) => ({
          relation: fx.relation,
          key: sightingKey([a]),
          reason: "kept for the test",
          until: new Date("2999-01-01"),
          createdBy: "u-ops",
        })),
      });
    const previewOf = () => previewByName(store, fx.config, fx.relation);
    const job = (id: string) => store.prisma.cleanupJob.findUniqueOrThrow({ where: { id } });
    const removed = async () => ORPHANS + 100 - (await fx.count("events")) + (TAGGED.length - (await fx.count("event_tags")));

    it.runIf(available)(
      "the bypass: allowlist 25 keys, start under the threshold, pause, remove the allowlist, resume: stops at the threshold for approval",
      async () => {
        await fresh();
        await allowlist(ORPHAN_ACCOUNTS.slice(0, 25));
        const { outcome, preview } = await startCleanup(store, fx.config, fx.relation, { requestedBy: "u-ops" });
        expect(preview.eligible).toBe(75);
        expect(outcome).toMatchObject({ kind: "created", status: "queued" });
        const id = (outcome as { jobId: string }).jobId;
        await pauseJob(store, id);
        await store.prisma.allowlistEntry.updateMany({ where: { relation: fx.relation }, data: { removedAt: new Date() } });
        await resumeJob(store, id);
        const end = await runCleanupJob(store, fx.config, id);
        expect(end).toBe("awaiting_approval");
        const j = await job(id);
        expect(j.status).toBe("awaiting_approval");
        expect(j.approvedBy).toBeNull();
        expect(Number(j.deleted) + Number(j.dependentsRemoved)).toBeLessThanOrEqual(THRESHOLD);
        expect(await removed()).toBe(Number(j.deleted) + Number(j.dependentsRemoved));
        expect(await removed()).toBeLessThanOrEqual(THRESHOLD);
        expect(j.waitReason).toMatch(/left under the approval threshold/);
        // the batch that would have gone beyond left no intent behind (rolled back, not half-applied)
        expect(await store.prisma.cleanupBatch.count({ where: { jobId: id, status: "applying" } })).toBe(0);

        // The requester cannot approve the rest; a second person approves what is left, seen fresh.
        await expect(approveJob(store, id, "u-ops")).rejects.toThrow(/second person/);
        const now = await previewOf();
        expect(now.eligible).toBe(ORPHANS - Number(j.deleted));
        const done = Number(j.deleted) + Number(j.dependentsRemoved);
        await approveJob(store, id, "u-admin", done + now.scope);
        expect(await runCleanupJob(store, fx.config, id)).toBe("completed");
        const last = await job(id);
        expect({
          deleted: Number(last.deleted),
          below: Number(last.dependentsRemoved),
          approvedBy: last.approvedBy,
          approvedScope: Number(last.approvedScope),
        }).toEqual({
          deleted: ORPHANS,
          below: TAGGED.length,
          approvedBy: "u-admin",
          approvedScope: ORPHANS + TAGGED.length,
        });
      },
    );

    it.runIf(available)("the threshold counts the rows below: 200 eligible under a threshold of 210, 222 with their tags, waits for approval", async () => {
      await fresh(210);
      const { outcome, preview } = await startCleanup(store, fx.config, fx.relation, { requestedBy: "u-ops" });
      expect({ eligible: preview.eligible, scope: preview.scope, needsApproval: preview.needsApproval }).toEqual({
        eligible: ORPHANS,
        scope: ORPHANS + TAGGED.length,
        needsApproval: true,
      });
      expect(outcome).toMatchObject({ kind: "created", status: "awaiting_approval" });
      const id = (outcome as { jobId: string }).jobId;
      expect(await runCleanupJob(store, fx.config, id)).toBe("skipped");
      expect(await removed()).toBe(0);
      // what the requester saw is kept for the approver
      const snap = (await job(id)).requestSnapshot as {
        eligible: number;
        allowlisted: number;
        dependents: { table: string; rows: number }[];
        sample: unknown[];
        scope: number;
      };
      expect({ eligible: snap.eligible, allowlisted: snap.allowlisted, scope: snap.scope, below: snap.dependents.map((d) => d.rows) }).toEqual({
        eligible: ORPHANS,
        allowlisted: 0,
        scope: ORPHANS + TAGGED.length,
        below: [TAGGED.length],
      });
      expect(snap.sample).toBeUndefined();
    });

    it.runIf(available)("the snapshot keeps the sampled rows' keys, never their other values (they would outlive the deletion)", async () => {
      await fresh(210);
      const { outcome } = await startCleanup(store, fx.config, fx.relation, { requestedBy: "u-ops" });
      expect(outcome).toMatchObject({ kind: "created", status: "awaiting_approval" });
      const stored = (await job((outcome as { jobId: string }).jobId)).requestSnapshot;
      expect(JSON.stringify(stored)).not.toContain(NOTE.trim());
      const snap = readSnapshot(stored)!;
      expect(snap.sampleKeys.columns).toEqual(["id", "account_id"]);
      expect(snap.sampleKeys.rows.length).toBe(20);
      // each an orphan event's id and its missing account
      for (const [id, account] of snap.sampleKeys.rows.map((r) => r.map(Number))) expect([id > LIVE_EVENTS, account]).toEqual([true, accountOfEvent(id)]);
    });

    it.runIf(available)("the threshold is not split across jobs: cancel a job stopped at the threshold, the next one waits at once", async () => {
      await fresh();
      // job 1: under the threshold when asked (25 keys allowlisted), widened while paused: stops at about 100 rows
      await allowlist(ORPHAN_ACCOUNTS.slice(0, 25));
      const first = (await startCleanup(store, fx.config, fx.relation, { requestedBy: "u-ops" })).outcome as { jobId: string; status: string };
      expect(first.status).toBe("queued");
      await pauseJob(store, first.jobId);
      await store.prisma.allowlistEntry.updateMany({ where: { relation: fx.relation }, data: { removedAt: new Date() } });
      await resumeJob(store, first.jobId);
      expect(await runCleanupJob(store, fx.config, first.jobId)).toBe("awaiting_approval");
      const done = await removed();
      expect(done).toBeGreaterThan(THRESHOLD - 20);
      await cancelJob(store, first.jobId);

      // job 2: on its own under the threshold (all but the last 5 accounts allowlisted: 25 events, 3 tags)
      await allowlist(ORPHAN_ACCOUNTS.slice(0, 35));
      const { outcome, preview } = await startCleanup(store, fx.config, fx.relation, { requestedBy: "u-ops" });
      expect(outcome).toMatchObject({ kind: "created", status: "awaiting_approval" });
      expect(preview.scope).toBe(28);
      expect(preview.removedWithoutApproval).toBe(done);
      expect(preview.needsApproval).toBe(true);
      const second = (outcome as { jobId: string }).jobId;
      expect(await runCleanupJob(store, fx.config, second)).toBe("skipped");
      expect(await removed()).toBe(done);
      expect((await cleanupStatus(store, second))!.allowance).toBe(Math.max(0, THRESHOLD - done));

      // approved, it runs; what an approved job removed counts against nobody's threshold
      await approveJob(store, second, "u-admin");
      expect(await runCleanupJob(store, fx.config, second)).toBe("completed");
      expect(await removed()).toBe(done + 28);
    });

    it.runIf(available)("widening refused: an approved job whose allowlist is removed while paused stops at what was approved", async () => {
      await fresh(50);
      await allowlist(ORPHAN_ACCOUNTS.slice(0, 25));
      const { outcome, preview } = await startCleanup(store, fx.config, fx.relation, { requestedBy: "u-ops" });
      expect({ eligible: preview.eligible, scope: preview.scope }).toEqual({ eligible: 75, scope: 83 });
      expect(outcome).toMatchObject({ kind: "created", status: "awaiting_approval" });
      const id = (outcome as { jobId: string }).jobId;
      await expect(approveJob(store, id, "u-ops")).rejects.toThrow(/second person/);
      expect(await approveJob(store, id, "u-admin")).toEqual({ approvedScope: 83 });
      await expect(approveJob(store, id, "u-other")).rejects.toThrow(/not awaiting approval/);
      await pauseJob(store, id);
      await store.prisma.allowlistEntry.updateMany({ where: { relation: fx.relation }, data: { removedAt: new Date() } });
      await resumeJob(store, id);
      expect(await runCleanupJob(store, fx.config, id)).toBe("awaiting_approval");
      const j = await job(id);
      expect(await removed()).toBe(Number(j.deleted) + Number(j.dependentsRemoved));
      expect(await removed()).toBeLessThanOrEqual(83);
      expect(await removed()).toBeGreaterThan(0);
      expect(j.waitReason).toMatch(/left of what was approved/);
      // approving no more than it already removed is refused
      await expect(approveJob(store, id, "u-admin", await removed())).rejects.toThrow(/nothing more/);
      // resuming cannot get past the approval either
      await expect(resumeJob(store, id)).rejects.toThrow(/only a paused job/);
    });

    it.runIf(available)("reject: the requester cannot, a second person can with a reason; the job ends and removes nothing", async () => {
      await fresh();
      const { outcome } = await startCleanup(store, fx.config, fx.relation, { requestedBy: "u-ops" });
      expect(outcome).toMatchObject({ kind: "created", status: "awaiting_approval" });
      const id = (outcome as { jobId: string }).jobId;
      await expect(rejectJob(store, id, "u-ops", "no")).rejects.toThrow(/you requested/);
      await rejectJob(store, id, "u-admin", "ticket 42 is not signed off");
      expect(await runCleanupJob(store, fx.config, id)).toBe("skipped");
      const j = await job(id);
      expect({ status: j.status, by: j.rejectedBy, reason: j.rejectReason, finished: !!j.finishedAt }).toEqual({
        status: "rejected",
        by: "u-admin",
        reason: "ticket 42 is not signed off",
        finished: true,
      });
      expect(await removed()).toBe(0);
      await expect(approveJob(store, id, "u-admin")).rejects.toThrow(/rejected, not awaiting approval/);
      // a rejected job is not active: the relation can be asked for again
      expect((await startCleanup(store, fx.config, fx.relation, { requestedBy: "u-ops" })).outcome).toMatchObject({ kind: "created" });
    });
  },
);

describe("row counts past 2^31 (BIGINT)", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await kind.open());
  });
  afterAll(async () => dispose?.());

  it("a job of 5 billion rows is requested, approved for 6 billion and shown with those figures", async () => {
    const out = await requestCleanup(store, {
      relation: "big.events.account_id",
      action: "delete",
      requestedBy: "u-ops",
      eligible: 1000,
      scope: 5_000_000_000,
      total: 1000,
      approvalThreshold: 3_000_000_000,
      batchSize: 100,
    });
    expect(out).toMatchObject({ kind: "created", status: "awaiting_approval" });
    const id = (out as { jobId: string }).jobId;
    expect(await approveJob(store, id, "u-admin", 6_000_000_000)).toEqual({ approvedScope: 6_000_000_000 });
    const s = (await cleanupStatus(store, id))!;
    expect({ scope: s.scope, approvedScope: s.approvedScope, allowance: s.allowance }).toEqual({
      scope: 5_000_000_000,
      approvedScope: 6_000_000_000,
      allowance: 6_000_000_000,
    });
  });
});

describe("the migration that strips row values from stored snapshots", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await kind.open());
  });
  afterAll(async () => dispose?.());

  it("removes an older snapshot's sample rows, keeps its figures and says how many rows went", async () => {
    const sql = readFileSync(path.resolve(import.meta.dirname, "../../prisma/migrations/20261201103705_approval_bigint_snapshot_keys/migration.sql"), "utf8");
    const update = sql.slice(sql.indexOf("UPDATE"));
    const figures = {
      at: "2026-11-30T10:00:00.000Z",
      orphans: 3,
      eligible: 2,
      inGrace: 1,
      allowlisted: 0,
      graceDays: 7,
      dependents: [],
      dependentSampleOf: 2,
      scope: 2,
      approvalThreshold: 1,
      cycles: [],
    };
    const legacy = await store.prisma.cleanupJob.create({
      data: {
        relation: "legacy.events.account_id",
        action: "delete",
        status: "awaiting_approval",
        requestedBy: "u-ops",
        estimate: 2,
        scope: 2,
        batchSize: 10,
        requestSnapshot: {
          ...figures,
          sample: [
            { id: 1, account_id: 9, note: `${NOTE}1` },
            { id: 2, account_id: 9, note: `${NOTE}2` },
          ],
        },
      },
    });
    await store.prisma.$executeRawUnsafe(update);
    const stored = (await store.prisma.cleanupJob.findUniqueOrThrow({ where: { id: legacy.id } })).requestSnapshot;
    expect(JSON.stringify(stored)).not.toContain(NOTE.trim());
    expect(stored).toEqual({ ...figures, sampleKeys: { columns: [], rows: [] }, sampleRemoved: 2 });
    expect(readSnapshot(stored)).toEqual({ ...figures, sampleKeys: { columns: [], rows: [] }, sampleRemoved: 2 });
    // a snapshot read before the migration ran shows no row values either
    expect(JSON.stringify(readSnapshot({ ...figures, sample: [{ note: "x" }] }))).not.toContain("note");
  });
});

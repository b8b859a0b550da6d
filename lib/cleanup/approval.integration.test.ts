import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApprovalFixture, ORPHAN_ACCOUNTS, ORPHANS, RELATION, TAGGED, THRESHOLD, type ApprovalFixture } from "../../test/approval-fixture";
import { WORKER_TEST_DIALECTS } from "../../test/services";
import { STORE_KINDS } from "../../test/stores";
import { sightingKey } from "../sightings/record";
import type { Store } from "../store/client";
import { runCleanupJob } from "./engine";
import { pauseJob, resumeJob } from "./jobs";
import { startCleanup } from "./start";

const kind = STORE_KINDS[0]; // the embedded store

describe.each(WORKER_TEST_DIALECTS.map((d) => ({ ...d, available: d.dialect === "sqlite" || d.available })))("four-eyes approval on $dialect", ({ dialect, available }) => {
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

  async function fresh() {
    await fx?.drop();
    fx = await createApprovalFixture(dialect);
    await store.prisma.cleanupJob.deleteMany({});
    await store.prisma.allowlistEntry.deleteMany({});
  }
  afterAll(async () => fx?.drop());

  const allowlist = (accounts: number[]) =>
    store.prisma.allowlistEntry.createMany({
      data: accounts.map((a) => ({ relation: RELATION, key: sightingKey([a]), reason: "kept for the test", until: new Date("2999-01-01"), createdBy: "u-ops" })),
    });
  const job = (id: string) => store.prisma.cleanupJob.findUniqueOrThrow({ where: { id } });
  const removed = async () => ORPHANS + 100 - (await fx.count("events")) + (TAGGED.length - (await fx.count("event_tags")));

  it.runIf(available)("the bypass: allowlist 25 keys, start under the threshold, pause, remove the allowlist, resume: stops at the threshold for approval", async () => {
    await fresh();
    await allowlist(ORPHAN_ACCOUNTS.slice(0, 25));
    const { outcome, preview } = await startCleanup(store, fx.config, RELATION, { requestedBy: "u-ops" });
    expect(preview.eligible).toBe(75);
    expect(outcome).toMatchObject({ kind: "created", status: "queued" });
    const id = (outcome as { jobId: string }).jobId;
    await pauseJob(store, id);
    await store.prisma.allowlistEntry.updateMany({ where: { relation: RELATION }, data: { removedAt: new Date() } });
    await resumeJob(store, id);
    const end = await runCleanupJob(store, fx.config, id);
    expect(end).toBe("awaiting_approval");
    const j = await job(id);
    expect(j.status).toBe("awaiting_approval");
    expect(j.approvedBy).toBeNull();
    expect(Number(j.deleted) + Number(j.dependentsRemoved)).toBeLessThanOrEqual(THRESHOLD);
    expect(await removed()).toBe(Number(j.deleted) + Number(j.dependentsRemoved));
    expect(await removed()).toBeLessThanOrEqual(THRESHOLD);
  });
});

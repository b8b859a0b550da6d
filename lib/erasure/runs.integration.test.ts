import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateDemo } from "../../test/demo-fixture";
import { STORE_KINDS } from "../../test/stores";
import type { Store } from "../store/client";
import { handleErasureJob } from "./jobs";
import { addRequests, erasureCounts, listRequests } from "./requests";
import { ABANDONED_AFTER_MS, activeRun, claimRun, requestRun, runStatus } from "./runs";

describe.each(STORE_KINDS.filter((k) => k.available))("bulk verification on %s", (kind) => {
  let demo: Awaited<ReturnType<typeof privateDemo>>;
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    demo = await privateDemo();
    ({ store, dispose } = await kind.open());
  });
  afterAll(async () => {
    await dispose?.();
    demo?.dispose();
  });
  const deps = () => ({ store, config: () => demo.config, log: () => {} });

  it("verifies every request once per run, with progress, and lists incomplete ones first", async () => {
    await addRequests(store, demo.config, { subject: "user", keys: [["999999"], ["3047"], ["999998"], ["12345"]], source: "csv", requestedBy: "dpo-1" });
    expect(await erasureCounts(store)).toEqual({ pending: 4, complete: 0, incomplete: 0, failed: 0 });
    const first = await requestRun(store, "dpo-1");
    expect(first.created).toBe(true);
    expect(await requestRun(store, "dpo-2")).toEqual({ id: first.id, created: false }); // pressing twice queues one run

    expect(await handleErasureJob(deps(), { trigger: "manual", runId: first.id }, new Date())).toEqual({ runId: first.id });
    expect(await runStatus(store, first.id)).toMatchObject({ status: "completed", total: 4, done: 4, complete: 2, incomplete: 2, failed: 0 });
    expect(await erasureCounts(store)).toEqual({ pending: 0, complete: 2, incomplete: 2, failed: 0 });
    // a retried job finds its run done and does nothing
    expect(await handleErasureJob(deps(), { trigger: "manual", runId: first.id }, new Date())).toMatchObject({ skipped: "already done or running" });
    expect(await store.prisma.erasureEvidence.count()).toBe(4);
    const evidence = await store.prisma.erasureEvidence.findMany();
    expect(new Set(evidence.map((e) => e.verifiedBy))).toEqual(new Set(["dpo-1"]));

    // filed together (one upload), so within a state their order is the id's
    const { rows, total } = await listRequests(store);
    expect(total).toBe(4);
    expect(rows.map((r) => r.state)).toEqual(["incomplete", "incomplete", "complete", "complete"]);
    expect(new Set(rows.slice(0, 2).map((r) => r.key[0]))).toEqual(new Set(["12345", "3047"]));
    const page2 = await listRequests(store, { take: 2, skip: 1 });
    expect(page2.rows.map((r) => r.id)).toEqual([rows[1].id, rows[2].id]);
    expect((await listRequests(store, { state: "complete" })).rows.map((r) => r.state)).toEqual(["complete", "complete"]);
  });

  it("does not wait forever on a run whose worker died: it is shown abandoned, replaced, and can be taken over", async () => {
    const dead = await store.prisma.erasureRun.create({
      data: { trigger: "manual", status: "running", requestedBy: "dpo-1", heartbeatAt: new Date(Date.now() - ABANDONED_AFTER_MS - 60_000), total: 4, done: 1 },
    });
    expect(await runStatus(store, dead.id)).toMatchObject({ status: "abandoned" });
    expect(await activeRun(store)).toBeNull();
    const next = await requestRun(store, "dpo-1");
    expect(next).toMatchObject({ created: true });
    expect(next.id).not.toBe(dead.id);
    expect(await activeRun(store)).toBe(next.id);
    expect(await claimRun(store, dead.id)).toBe(true); // its retried job takes it over
    expect(await claimRun(store, dead.id)).toBe(false); // …once
    expect(await runStatus(store, dead.id)).toMatchObject({ status: "running" });
    await handleErasureJob(deps(), { trigger: "manual", runId: next.id }, new Date());
  });

  it("runs the nightly slot once, however many workers get the job", async () => {
    const night = new Date("2026-11-20T03:30:00Z");
    const a = await handleErasureJob(deps(), { trigger: "schedule" }, night);
    const b = await handleErasureJob(deps(), { trigger: "schedule" }, night);
    expect(a.runId).toBeTruthy();
    expect(b).toEqual({ runId: null, skipped: "schedule:2026-11-20T03:30:00.000Z was already verified" });
    expect(await runStatus(store, a.runId!)).toMatchObject({ status: "completed", trigger: "schedule", done: 4 });
    expect((await store.prisma.erasureEvidence.findMany({ orderBy: { id: "desc" }, take: 1 }))[0].verifiedBy).toBe("system");
  });
});

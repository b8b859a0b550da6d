/**
 * The one reaper: for every job kind that keeps a heartbeat in the store, a job whose
 * worker went silent is sent to its queue again, and a live one is left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../../test/stores";
import type { Store } from "../store/client";
import { JOB_STALE_MS } from "./lifecycle";
import { startQueue } from "./queue";
import { reapAbandoned } from "./workers";

const kind = STORE_KINDS.find((k) => k.name === "PostgreSQL")!;

describe.runIf(kind.available)("the reaper", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await kind.open());
  });
  afterAll(async () => dispose?.());

  it("sends again the cleanups and purges whose worker went silent, and only those", async () => {
    const silent = new Date(Date.now() - JOB_STALE_MS - 60_000);
    const cleanup = (relation: string, heartbeatAt: Date) =>
      store.prisma.cleanupJob.create({ data: { relation, action: "delete", status: "running", requestedBy: "u", estimate: 1, batchSize: 10, heartbeatAt } });
    const purge = (table: string, heartbeatAt: Date, status: "running" | "queued") =>
      store.prisma.purgeJob.create({ data: { table, status, trigger: "manual", requestedBy: "u", heartbeatAt } });
    const deadCleanup = await cleanup("dead", silent);
    await cleanup("alive", new Date());
    const deadPurge = await purge("t.dead", silent, "running");
    // resumed while its worker ran, and that worker died before taking it back
    const resumedPurge = await purge("t.resumed", silent, "queued");
    await purge("t.alive", new Date(), "running");

    const boss = await startQueue(store);
    try {
      await reapAbandoned(boss, { store, log: (line) => expect.fail(line) });
      const sent = await store.prisma.$queryRaw<
        { name: string; data: { jobId: string } }[]
      >`SELECT name, data FROM pgboss.job WHERE state = 'created' ORDER BY name`;
      expect(sent.filter((j) => j.name === "custodian.cleanup").map((j) => j.data.jobId)).toEqual([deadCleanup.id]);
      expect(
        sent
          .filter((j) => j.name === "custodian.purge")
          .map((j) => j.data.jobId)
          .sort(),
      ).toEqual([deadPurge.id, resumedPurge.id].sort());
    } finally {
      await boss.stop({ graceful: false });
    }
  });
});

/**
 * A purge whose worker is stopping (SIGTERM: the runtime's abort signal) finishes the
 * subject under way, gives the job back (queued at its checkpoint, no heartbeat) and is
 * resumed to the end by the next run: every subject past grace purged once, none half-done.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/cleanup-fixture";
import { createSoftDeleteFixture, PAST, type SoftDeleteFixture } from "../../test/softdelete-fixture";
import { STORE_KINDS } from "../../test/stores";
import { waitFor } from "../../test/wait";
import { loadConfig } from "../config/load";
import type { Config } from "../config/types";
import type { Store } from "../store/client";
import { requestPurge, runPurgeJob } from "./purge-job";

const pglite = STORE_KINDS.find((k) => k.name === "PGlite")!;

describe("a purge stopped by its worker", () => {
  let store: Store;
  let disposeStore: () => Promise<void>;
  let fx: SoftDeleteFixture;
  let tmp: ReturnType<typeof tempDir>;
  let config: Config;
  beforeAll(async () => {
    ({ store, dispose: disposeStore } = await pglite.open());
    tmp = tempDir();
    fx = await createSoftDeleteFixture("sqlite", tmp.dir);
    config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
  });
  afterAll(async () => {
    await disposeStore?.();
    await fx?.drop();
    tmp?.remove();
  });

  it("finishes the subject under way, is given back, and the next run purges every subject exactly once", async () => {
    const { jobId } = await requestPurge(store, "fx.users", { requestedBy: "stop-test", trigger: "manual" });
    const stopping = new AbortController();
    const run = runPurgeJob(store, config, jobId, { signal: stopping.signal, batchDelayMs: 30 });
    await waitFor(async () => (await store.prisma.deletionRequest.count({ where: { status: "completed" } })) >= 1, {
      everyMs: 10,
      what: "a first subject purged",
    });
    stopping.abort();
    expect(await run).toBe("released");

    const released = await store.prisma.purgeJob.findUniqueOrThrow({ where: { id: jobId } });
    expect({ status: released.status, heartbeatAt: released.heartbeatAt, finishedAt: released.finishedAt }).toEqual({
      status: "queued",
      heartbeatAt: null,
      finishedAt: null,
    });
    const requests = await store.prisma.deletionRequest.findMany();
    // the subject under way was finished, not left marked or deleting; the others not begun
    expect(requests.filter((r) => r.status !== "completed")).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.length).toBeLessThan(PAST.length);

    expect(await runPurgeJob(store, config, jobId)).toBe("completed");
    const all = await store.prisma.deletionRequest.findMany();
    expect(all.map((r) => r.status)).toEqual(PAST.map(() => "completed"));
    expect(new Set(all.map((r) => JSON.stringify(r.key))).size).toBe(PAST.length);
    for (const u of PAST) expect((await fx.query(`SELECT count(*) AS n FROM ${fx.table("users")} WHERE id = ${u}`))[0].n).toBe(0);
    const done = await store.prisma.purgeJob.findUniqueOrThrow({ where: { id: jobId } });
    expect({ status: done.status, completed: done.completed, failed: done.failed, partial: done.partial }).toEqual({
      status: "completed",
      completed: PAST.length,
      failed: 0,
      partial: 0,
    });
  });
});

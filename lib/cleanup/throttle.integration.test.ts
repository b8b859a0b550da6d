import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/load";
import type { Store } from "../store/client";
import type { LoadReading } from "../targets/types";
import { createCleanupFixture, ORPHAN_IDS, tempDir, type CleanupFixture } from "../../test/cleanup-fixture";
import { STORE_KINDS } from "../../test/stores";
import { waitFor } from "../../test/wait";
import { runCleanupJob } from "./engine";
import { startCleanup } from "./start";
import { cleanupStatus } from "./status";

// No replica runs here: the lag is what the test's source says (the real probe statements are tested in lib/targets/load.integration.test.ts).
describe("a cleanup throttled by replica lag", () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let fx: CleanupFixture;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    ({ store, dispose } = await STORE_KINDS[0].open());
    tmp = tempDir();
    fx = await createCleanupFixture("sqlite", tmp.dir);
  });
  afterAll(async () => {
    await fx?.drop();
    tmp?.remove();
    await dispose?.();
  });

  it("waits before its first batch while the replica lags, says why, records the time, then runs to the end", async () => {
    const config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
    config.targets.fx.throttle = { maxReplicaLagMs: 1000 };
    const { outcome } = await startCleanup(store, config, "plain_account", { requestedBy: "throttle-test" });
    const jobId = (outcome as { jobId: string }).jobId;
    let lag: number | null = 3200;
    const asked: string[] = [];
    const loadSource = async (target: string): Promise<LoadReading> => {
      asked.push(target);
      return { replicaLagMs: lag, threadsRunning: 1 };
    };
    const run = runCleanupJob(store, config, jobId, { loadSource });

    await waitFor(async () => (await cleanupStatus(store, jobId))?.throttleReason === "replica lag 3.2 s > 1 s");
    // it keeps reading the lag and keeps waiting: nothing removed while it lags
    await waitFor(async () => asked.length >= 3);
    const waiting = (await cleanupStatus(store, jobId))!;
    expect(waiting).toMatchObject({ status: "running", throttleReason: "replica lag 3.2 s > 1 s", batches: 0, deleted: 0 });
    expect(asked.every((t) => t === "fx")).toBe(true);

    lag = 200;
    expect(await run).toBe("completed");
    const done = (await cleanupStatus(store, jobId))!;
    expect(done.deleted).toBe(ORPHAN_IDS.length);
    expect(done.throttleReason).toBeNull();
    // at least the two polls it waited through
    expect(done.throttledSeconds).toBeGreaterThanOrEqual(2);
    // read before every batch once the lag fell
    expect(asked.length).toBeGreaterThanOrEqual(3 + done.batches);
  });

  it("never reads the load of a target without limits", async () => {
    const config = loadConfig(fx.configFile, { ...process.env, ...fx.env });
    const { outcome } = await startCleanup(store, config, "events_account", { requestedBy: "throttle-test" });
    let asked = 0;
    const end = await runCleanupJob(store, config, (outcome as { jobId: string }).jobId, {
      loadSource: async () => {
        asked++;
        return { replicaLagMs: 99_000, threadsRunning: 99 };
      },
    });
    expect(end).toBe("completed");
    expect(asked).toBe(0);
  });
});

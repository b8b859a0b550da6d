import { describe, expect, it } from "vitest";
import { overLimit, recordedOn } from "./throttle";

describe("throttle limits", () => {
  it("names what is over which limit, the way the job page shows it", () => {
    expect(overLimit({ replicaLagMs: 3200, threadsRunning: 4 }, { maxReplicaLagMs: 1000 })).toBe("replica lag 3.2 s > 1 s");
    expect(overLimit({ replicaLagMs: 900, threadsRunning: 40 }, { maxReplicaLagMs: 1000, maxThreadsRunning: 25 })).toBe("threads running 40 > 25");
    expect(overLimit({ replicaLagMs: 250, threadsRunning: 30 }, { maxReplicaLagMs: 200, maxThreadsRunning: 25 })).toBe(
      "replica lag 0.25 s > 0.2 s, threads running 30 > 25",
    );
    expect(overLimit({ replicaLagMs: Number.POSITIVE_INFINITY, threadsRunning: 0 }, { maxReplicaLagMs: 1000 })).toBe(
      "replica lag unknown (replication stopped) > 1 s",
    );
  });

  it("lets a batch go at the limit, with no reading, and without a limit", () => {
    expect(overLimit({ replicaLagMs: 1000, threadsRunning: 25 }, { maxReplicaLagMs: 1000, maxThreadsRunning: 25 })).toBeNull();
    expect(overLimit({ replicaLagMs: null, threadsRunning: null }, { maxReplicaLagMs: 1000, maxThreadsRunning: 25 })).toBeNull();
    expect(overLimit({ replicaLagMs: 99_000, threadsRunning: 99 }, {})).toBeNull();
  });

  it("adds each wait to the job's total once, and clears the reason when the batch goes", async () => {
    const writes: { throttleReason: string | null; throttledSeconds: { increment: number } }[] = [];
    const report = recordedOn(async (d) => void writes.push(d));
    await report({ reason: "replica lag 3.2 s > 1 s", waitedMs: 0 });
    await report({ reason: "replica lag 3.2 s > 1 s", waitedMs: 1000 });
    await report({ reason: null, waitedMs: 1500 });
    await report({ reason: "threads running 40 > 25", waitedMs: 0 });
    await report({ reason: null, waitedMs: 2000 });
    expect(writes.map((w) => [w.throttleReason, w.throttledSeconds.increment])).toEqual([
      ["replica lag 3.2 s > 1 s", 0],
      ["replica lag 3.2 s > 1 s", 1],
      [null, 0.5],
      ["threads running 40 > 25", 0],
      [null, 2],
    ]);
  });
});

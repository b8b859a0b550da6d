import { describe, expect, it } from "vitest";
import { BatchPace, halveBatch, nextBatchSize } from "./batch-size";

const bounds = { min: 10, max: 1000, grow: 1.5 };

describe("the adaptive batch size", () => {
  it("halves after a slow batch, not below the minimum", () => {
    expect(nextBatchSize(400, 800, bounds)).toBe(200);
    expect(nextBatchSize(15, 800, bounds)).toBe(10);
  });
  it("grows after a quick batch, not above the maximum", () => {
    expect(nextBatchSize(100, 20, bounds)).toBe(150);
    expect(nextBatchSize(900, 20, bounds)).toBe(1000);
    expect(nextBatchSize(1000, 20, bounds)).toBe(1000);
  });
  it("keeps the size inside the 0.1–0.5 s band", () => {
    expect(nextBatchSize(300, 250, bounds)).toBe(300);
  });
  it("halves above a bound of its own (cleanups: 250 ms, their p99 goal)", () => {
    expect(nextBatchSize(4000, 300, { ...bounds, max: 20_000, slowMs: 250 })).toBe(2000);
    expect(nextBatchSize(4000, 200, { ...bounds, max: 20_000, slowMs: 250 })).toBe(4000);
    expect(nextBatchSize(4000, 60, { ...bounds, max: 20_000, slowMs: 250 })).toBe(6000);
  });
  it("steered toward an aim: grows or shrinks in proportion, stays near it, still halves above its bound", () => {
    const aimed = { ...bounds, max: 20_000, slowMs: 250, aimMs: 125 };
    expect(nextBatchSize(4000, 100, aimed)).toBe(5000);
    expect(nextBatchSize(4000, 25, aimed)).toBe(6000); // ×1.5 at most
    expect(nextBatchSize(4000, 140, aimed)).toBe(4000);
    expect(nextBatchSize(4000, 110, aimed)).toBe(4000);
    expect(nextBatchSize(4000, 200, aimed)).toBe(2500);
    expect(nextBatchSize(4000, 249, aimed)).toBe(2008);
    expect(nextBatchSize(4000, 300, aimed)).toBe(2000);
    expect(nextBatchSize(19_000, 25, aimed)).toBe(20_000);
    expect(nextBatchSize(12, 240, aimed)).toBe(10);
  });
  it("steering shrinks no further than its floor; only a batch over the bound goes below it", () => {
    // a fixed cost of 80 ms a batch near an aim of 60: without the floor every batch would shrink
    const aimed = { ...bounds, max: 20_000, slowMs: 250, aimMs: 60, aimFloor: 1000 };
    expect(nextBatchSize(1000, 85, aimed)).toBe(1000);
    expect(nextBatchSize(4000, 200, aimed)).toBe(2000);
    expect(nextBatchSize(1500, 110, aimed)).toBe(1000);
    expect(nextBatchSize(800, 110, aimed)).toBe(800);
    expect(nextBatchSize(1000, 300, aimed)).toBe(500);
  });
  it("halves on a timeout whatever the last batch took", () => {
    expect(halveBatch(7, bounds)).toBe(10);
    expect(halveBatch(64, bounds)).toBe(32);
  });

  it("paces its aim so that the slowest recent batch would still end inside the bound", () => {
    const pace = new BatchPace({ boundMs: 250, minAimMs: 60, maxAimMs: 125, window: 20 });
    expect(pace.aimMs()).toBe(125);
    // even batches (10 ms per 1,000 rows, the slowest 1.2×): the full aim
    for (let i = 0; i < 19; i++) pace.record(1000, 10);
    pace.record(1000, 12);
    expect(pace.aimMs()).toBe(125);
    // one batch in twenty at 3× the median per row: an aim that leaves it 20% under the bound
    pace.record(2000, 60);
    expect(pace.aimMs()).toBeCloseTo(200 / 3);
    // wilder still: not below the floor
    pace.record(1000, 100);
    expect(pace.aimMs()).toBe(60);
    // the slow ones leave the window as even batches come
    for (let i = 0; i < 20; i++) pace.record(3000, 30);
    expect(pace.aimMs()).toBe(125);
  });
});

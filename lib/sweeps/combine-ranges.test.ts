import { describe, expect, it } from "vitest";
import type { ScanResult } from "../detect/scan";
import type { Relation } from "../relations/types";
import { combineRanges } from "./parts";

const relation = { name: "r" } as Relation;
const at = new Date("2026-12-01T00:00:00Z");
const counted = (orphans: number, childRows: number, durationMs = 10): ScanResult => ({ relation, orphans, childRows, durationMs, scannedAt: at });
const failed = (error: string): ScanResult => ({ relation, orphans: null, childRows: null, durationMs: 5, scannedAt: at, error, errorKind: "timeout" });
const range = (from?: number, to?: number) => ({ columns: ["id"], ...(from != null ? { from: [from] } : {}), ...(to != null ? { to: [to] } : {}) });

describe("a chunked relation's count from its ranges", () => {
  it("is the sum of the ranges' counts", () => {
    const r = combineRanges([
      { result: counted(2, 7), range: range(undefined, 7) },
      { result: counted(0, 7), range: range(7, 14) },
      { result: counted(3, 4), range: range(14) },
    ]);
    expect(r).toMatchObject({ orphans: 5, childRows: 18, durationMs: 30 });
    expect(r.error).toBeUndefined();
  });

  it("fails with its failed range named, never a partial sum", () => {
    const r = combineRanges([
      { result: counted(2, 7), range: range(undefined, 7) },
      { result: failed("db: cannot reach target"), range: range(7, 14) },
      { result: failed("db: timed out after 300 ms on range id in (14, +∞)"), range: range(14) },
    ]);
    expect(r.orphans).toBeNull();
    expect(r.childRows).toBeNull();
    expect(r.errorKind).toBe("timeout");
    expect(r.error).toBe("db: cannot reach target (range id in (7, 14]); 2 of 3 ranges failed");
  });

  it("leaves a relation counted in one part as it is", () => {
    const one = failed("db: timed out after 300 ms on range id in (-∞, 50], split 4 times");
    expect(combineRanges([{ result: one, range: null }])).toBe(one);
  });
});

import { describe, expect, it } from "vitest";
import { allowanceOf, removalScope } from "./approval";

describe("what the four-eyes rule counts", () => {
  it("counts the rows below, scaled from the sample to every eligible row, rounded up; protected rows are kept, not counted", () => {
    const dependents = [
      { table: "shop:public.payments", policy: "cascade", rows: 8 },
      { table: "shop:public.notes", policy: "set_null", rows: 3 },
      { table: "shop:public.orders", policy: "protected (kept)", rows: 2 },
    ];
    expect(removalScope({ eligible: 5, dependents, dependentSampleOf: 5 })).toBe(16);
    expect(removalScope({ eligible: 3000, dependents, dependentSampleOf: 1000 })).toBe(3000 + 33);
    expect(removalScope({ eligible: 1001, dependents: [{ table: "t", policy: "cascade", rows: 1 }], dependentSampleOf: 1000 })).toBe(1001 + 2);
    expect(removalScope({ eligible: 0, dependents: [], dependentSampleOf: 0 })).toBe(0);
  });

  it("lets a job remove what was approved, else the threshold it was requested under", () => {
    expect(allowanceOf({ approvedScope: 83, approvedBy: "u", approvalThreshold: 50, estimate: 75 }, 10_000)).toBe(83);
    expect(allowanceOf({ approvedScope: null, approvedBy: null, approvalThreshold: 100, estimate: 75 }, 10_000)).toBe(100);
    // a job requested before thresholds were recorded on jobs: today's
    expect(allowanceOf({ approvedScope: null, approvedBy: null, approvalThreshold: null, estimate: 75 }, 10_000)).toBe(10_000);
  });
});

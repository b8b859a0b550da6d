import { describe, expect, it } from "vitest";
import { pageFromRows, parseCounts } from "./page";

describe("walk pages", () => {
  it("reads a row per key into columns", () => {
    const page = pageFromRows(
      [
        { k0: 1, k1: "a", n: "3" },
        { k0: 1, k1: "b", n: 2 },
      ],
      2,
      2,
    );
    expect(page).toEqual({
      keys: [
        [1, 1],
        ["a", "b"],
      ],
      rows: [3, 2],
      size: 2,
      rowCount: 5,
      next: [1, "b"],
    });
    expect(pageFromRows([{ k0: 7, n: 1 }], 1, 2).next).toBeNull();
    expect(pageFromRows([], 1, 2)).toEqual({ keys: [[]], rows: [], size: 0, rowCount: 0, next: null });
  });

  it("reads count lists exactly", () => {
    expect(parseCounts("3,10,1", 3)).toEqual([3, 10, 1]);
    expect(parseCounts("9007199254740991", 1)).toEqual([9007199254740991]);
    expect(() => parseCounts("3,10", 3)).toThrow();
  });
});

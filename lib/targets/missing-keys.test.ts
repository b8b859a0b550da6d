import { describe, expect, it } from "vitest";
import { impossibleKeys, lookUpInBatches, missingOrds } from "./missing-keys";

describe("missing keys", () => {
  it("flags the keys no row of an integer or uuid column could hold", () => {
    const keys = [
      ["1", "abc", "99999999999999999999", "-3"],
      ["0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950e", "x", "nope"],
    ];
    expect([...impossibleKeys(["smallint", "uuid"], keys, 4)!]).toEqual([0, 1, 1, 1]);
    expect(impossibleKeys(["text", "varchar(36)"], keys, 4)).toBeNull();
  });

  it("asks only the possible keys, in batches, and answers their positions in the whole", async () => {
    const keys = [Array.from({ length: 10 }, (_, i) => `k${i}`)];
    const impossible = new Uint8Array(10);
    impossible[2] = impossible[7] = 1;
    const asked: unknown[][] = [];
    const missing = await lookUpInBatches({
      keys,
      size: 10,
      impossible,
      batch: 3,
      concurrency: 2,
      // every batch says its first key is missing
      ask: async (slice) => {
        asked.push(slice[0]);
        return [1];
      },
    });
    expect(asked.flat().sort()).toEqual(["k0", "k1", "k3", "k4", "k5", "k6", "k8", "k9"]);
    expect(asked.every((b) => b.length <= 3)).toBe(true);
    // impossible: 2 and 7; first of each batch of the asked keys (k0 k1 k3 | k4 k5 k6 | k8 k9): 0, 4, 8
    expect(missing).toEqual([0, 2, 4, 7, 8]);
  });

  it("reads a batch's answer as a row per key or as one list", () => {
    expect(missingOrds([{ ord: 2 }, { ord: "5" }])).toEqual([2, 5]);
    expect(missingOrds([{ ords: "1,3,10" }])).toEqual([1, 3, 10]);
    expect(missingOrds([{ ords: null }])).toEqual([]);
    expect(missingOrds([])).toEqual([]);
  });
});

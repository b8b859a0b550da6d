import { describe, expect, it } from "vitest";
import { packedIntegerKeys, unpackIntent, unpackKeys } from "./intent";

describe("a batch's keys, packed for the store and read back", () => {
  it("packs lone integer keys as base-36 differences and reads them back exactly, as text", () => {
    const stored = packedIntegerKeys([[1000000], ["1000002"], [1000037n], ["-5"], ["9007199254000000"]]);
    expect(stored).toBe("i36:lfls,2,z,-lfmy,2gosa7ou6px");
    expect(unpackKeys(stored)).toEqual([["1000000"], ["1000002"], ["1000037"], ["-5"], ["9007199254000000"]]);
    expect(unpackIntent(stored)).toEqual([{ pk: ["1000000"] }, { pk: ["1000002"] }, { pk: ["1000037"] }, { pk: ["-5"] }, { pk: ["9007199254000000"] }]);
  });

  it("survives the store's JSON round trip, and an empty batch", () => {
    expect(unpackKeys(JSON.parse(JSON.stringify(packedIntegerKeys([["3"], ["1"], ["2"]]))))).toEqual([["3"], ["1"], ["2"]]);
    expect(unpackKeys(packedIntegerKeys([]))).toEqual([]);
  });

  it("refuses what a double would not carry exactly: big, zero-padded, non-integer, composite and other keys", () => {
    // The last is a safe integer, but its difference from -5 is not.
    for (const pk of [["9007199254740993"], ["007"], ["1.5"], ["-0"], ["abc"], ["1", "2"], [null], [new Date(0)], ["9007199254740991"]]) {
      expect(packedIntegerKeys([["-5"], pk])).toBeNull();
    }
  });

  it("reads the other forms an intent is kept in: bare arrays, and { pk } objects with or without their row", () => {
    expect(unpackIntent([["8"], { pk: ["7"] }, { pk: ["1"], row: { id: 1 } }])).toEqual([{ pk: ["8"] }, { pk: ["7"] }, { pk: ["1"], row: { id: 1 } }]);
    expect(unpackKeys([["a", 1]])).toEqual([["a", 1]]);
  });

  it("refuses a packed form it does not know instead of reading it as no rows", () => {
    expect(() => unpackKeys("z99:1,2")).toThrow(/form this version does not know/);
  });
});

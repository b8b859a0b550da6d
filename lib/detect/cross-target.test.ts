import { describe, expect, it } from "vitest";
import type { ColumnsRef, KeyPage, Target } from "../targets/types";
import { countOrphansAcross, WALK_LANES } from "./cross-target";

// A server child and parent held in memory: enough of Target for a cross-target scan.
function fakes(childKeys: bigint[], parentKeys: bigint[], nullRows: number) {
  const sorted = [...childKeys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rowsOf = (k: bigint) => Number(((k % 3n) + 3n) % 3n) + 1;
  const walks: { after: string | null; until: string | null }[] = [];
  const child = {
    inProcess: false,
    columnTypes: async () => ["bigint"],
    keyBounds: async () => [String(sorted[0]), String(sorted[sorted.length - 1])],
    countNullKeys: async () => nullRows,
    walkKeys: async (_ref: ColumnsRef, after: unknown[] | null, limit: number, until: unknown[] | null = null): Promise<KeyPage> => {
      walks.push({ after: after ? String(after[0]) : null, until: until ? String(until[0]) : null });
      const keys = sorted.filter((k) => (!after || k > BigInt(String(after[0]))) && (!until || k <= BigInt(String(until[0])))).slice(0, limit);
      const rows = keys.map(rowsOf);
      return {
        keys: [keys.map(String)],
        rows,
        size: keys.length,
        rowCount: rows.reduce((a, b) => a + b, 0),
        next: keys.length < limit ? null : [String(keys[keys.length - 1])],
      };
    },
  } as unknown as Target;
  const present = new Set(parentKeys.map(String));
  const parent = {
    inProcess: false,
    missingKeys: async (_ref: ColumnsRef, keys: unknown[][], size: number) => keys[0].slice(0, size).flatMap((k, i) => (present.has(String(k)) ? [] : [i])),
  } as unknown as Target;
  const expected = {
    orphans: sorted.filter((k) => !present.has(String(k))).reduce((n, k) => n + rowsOf(k), 0),
    childRows: sorted.reduce((n, k) => n + rowsOf(k), 0) + nullRows,
  };
  return { child, parent, walks, expected };
}

const ref = { schema: "s", table: "t", columns: ["k"] };

describe("cross-target walk in lanes", () => {
  it("splits a server child's integer key range and counts every key once, the cut included", async () => {
    const big = 2n ** 62n;
    const childKeys = [...Array.from({ length: 500 }, (_, i) => BigInt(i * 7 - 1000)), 0n, big, big - 1n, -big]; // the cut falls on 0
    const parentKeys = childKeys.filter((k) => k % 5n !== 0n);
    const { child, parent, walks, expected } = fakes(childKeys, parentKeys, 4);
    for (const pageSize of [1, 7, 50, 10_000]) {
      walks.length = 0;
      expect(await countOrphansAcross(child, ref, parent, ref, undefined, undefined, pageSize)).toEqual(expected);
      const lanes = new Set(walks.map((w) => w.until)).size;
      expect(lanes).toBe(WALK_LANES);
    }
  });

  it("walks a narrow key range in one lane", async () => {
    const { child, parent, walks, expected } = fakes([1n, 2n, 3n, 10n], [1n, 3n], 0);
    expect(await countOrphansAcross(child, ref, parent, ref, undefined, undefined, 20_000)).toEqual(expected);
    expect(walks).toEqual([{ after: null, until: null }]);
  });
});

import { describe, expect, it } from "vitest";
import type { ColumnsRef, KeyPage, Target } from "../targets/types";
import { countOrphansAcross, PAGES_IN_FLIGHT } from "./cross-target";

// A child and a parent held in memory: enough of Target for a cross-target scan, with
// lookups that answer late and out of order, as a server's do.
function fakes(childKeys: bigint[], parentKeys: bigint[], nullRows: number, opts: { inProcess?: boolean } = {}) {
  const sorted = [...childKeys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rowsOf = (k: bigint) => Number(((k % 3n) + 3n) % 3n) + 1;
  let lookupsPending = 0;
  let mostPending = 0;
  const child = {
    inProcess: false,
    countNullKeys: async () => nullRows,
    walkKeys: async (_ref: ColumnsRef, after: unknown[] | null, limit: number): Promise<KeyPage> => {
      const keys = sorted.filter((k) => !after || k > BigInt(String(after[0]))).slice(0, limit);
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
  let turn = 0;
  const parent = {
    inProcess: opts.inProcess ?? false,
    missingKeys: async (_ref: ColumnsRef, keys: unknown[][], size: number) => {
      mostPending = Math.max(mostPending, ++lookupsPending);
      await new Promise((resolve) => setTimeout(resolve, (turn++ % 3) * 2));
      lookupsPending--;
      return keys[0].slice(0, size).flatMap((k, i) => (present.has(String(k)) ? [] : [i]));
    },
  } as unknown as Target;
  const expected = {
    orphans: sorted.filter((k) => !present.has(String(k))).reduce((n, k) => n + rowsOf(k), 0),
    childRows: sorted.reduce((n, k) => n + rowsOf(k), 0) + nullRows,
  };
  return { child, parent, expected, mostPending: () => mostPending };
}

const ref = { schema: "s", table: "t", columns: ["k"] };

describe("cross-target walk", () => {
  const big = 2n ** 62n;
  const childKeys = [...Array.from({ length: 500 }, (_, i) => BigInt(i * 7 - 1000)), big, -big];
  const parentKeys = childKeys.filter((k) => k % 5n !== 0n);

  it.each([1, 7, 50, 10_000])("counts every key once and the child rows exactly, in pages of %i", async (pageSize) => {
    for (const inProcess of [false, true]) {
      const { child, parent, expected, mostPending } = fakes(childKeys, parentKeys, 4, { inProcess });
      expect(await countOrphansAcross(child, ref, parent, ref, undefined, undefined, pageSize)).toEqual(expected);
      // memory stays bounded: never more than PAGES_IN_FLIGHT pages' lookups at once
      expect(mostPending()).toBeLessThanOrEqual(PAGES_IN_FLIGHT);
    }
  });

  it("fails with the failing walk, after the lookups under way have settled", async () => {
    const { child, parent } = fakes(childKeys, parentKeys, 0);
    const walk = child.walkKeys.bind(child);
    let pages = 0;
    child.walkKeys = async (r: ColumnsRef, after: unknown[] | null, limit: number) => {
      if (++pages === 4) throw new Error("lost the connection");
      return walk(r, after, limit);
    };
    await expect(countOrphansAcross(child, ref, parent, ref, undefined, undefined, 10)).rejects.toThrow("lost the connection");
  });
});

import { describe, expect, it } from "vitest";
import { resized, type Candidates } from "./candidates";

/** Rows 1…n of a walk where every row is a candidate, read `size` at a time after `after`. */
function walk(n: number) {
  const reads: [after: number, size: number][] = [];
  const read = async (after: unknown[] | null, size: number): Promise<Candidates> => {
    const from = after ? Number(after[0]) : 0;
    reads.push([from, size]);
    const rows = Array.from({ length: Math.max(0, Math.min(size, n - from)) }, (_, i) => ({ pk: [from + i + 1], key: [1000 + from + i + 1] }));
    return { rows, examined: rows.length, cursor: rows.length < size ? null : rows[rows.length - 1].pk };
  };
  return { read, reads };
}

describe("candidates read ahead for another batch size", () => {
  it("cut to a smaller size: the first rows, the walk standing at the last of them", async () => {
    const { read, reads } = walk(100);
    const got = await resized(await read(null, 10), 4, read);
    expect(got).toEqual(await walk(100).read(null, 4));
    expect(reads).toEqual([[0, 10]]);
  });

  it("topped up to a larger size: the rows read, then the rest read after them, as one read would find them", async () => {
    const { read, reads } = walk(100);
    const got = await resized(await read(null, 10), 15, read);
    expect(got).toEqual(await walk(100).read(null, 15));
    expect(reads).toEqual([
      [0, 10],
      [10, 5],
    ]);
  });

  it("at the end of the walk: nothing more is read, and the walk ends", async () => {
    const { read, reads } = walk(12);
    const first = await read(null, 10);
    const end = await resized(await read(first.cursor, 10), 20, read);
    expect(end).toEqual({
      rows: [
        { pk: [11], key: [1011] },
        { pk: [12], key: [1012] },
      ],
      examined: 2,
      cursor: null,
    });
    expect(reads).toEqual([
      [0, 10],
      [10, 10],
    ]);
    // topped up exactly to the end: the second read finds fewer than asked, and the walk ends there too
    const { read: r2 } = walk(15);
    expect((await resized(await r2(null, 10), 20, r2)).cursor).toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "../config/load";
import type { Config, Dialect } from "../config/types";
import { resolveRelations } from "../relations/resolve";
import type { Relation } from "../relations/types";
import { TargetPool } from "../targets/pool";
import type { KeyRange } from "../targets/types";
import { hasMysql, hasPostgres } from "../../test/services";
import { CHUNK_DATA as D, chunkTables, chunkTagsDatabase, type ChunkPlace } from "../../test/chunk-fixture";
import { planRanges, rangeJson, rangesBetween } from "./ranges";
import { scanRelation, type ScanResult } from "./scan";

/**
 * A big relation is counted in ranges of its key: the ranges' counts must add up exactly
 * to the one-statement count, whatever the key (composite, text in a collation that is
 * not byte order) and with NULL references inside the ranges. A tiny chunkRows (7) cuts
 * these tables into dozens of ranges.
 */

const CHUNK_ROWS = 7;
/** The ranges' counts added up, each range passed through JSON as a sweep part stores it. */
async function chunked(relation: Relation, pool: TargetPool, ranges: KeyRange[], opts: Parameters<typeof scanRelation>[3] = {}) {
  let orphans = 0;
  let childRows = 0;
  for (const range of ranges) {
    const stored = JSON.stringify(rangeJson(range));
    const r: ScanResult = await scanRelation(relation, pool, new Date(), { ...opts, range: JSON.parse(stored) });
    expect(r.error, stored).toBeUndefined();
    orphans += r.orphans!;
    childRows += r.childRows!;
  }
  return { orphans, childRows };
}

const dialects: Dialect[] = ["sqlite", ...(hasPostgres ? (["postgres"] as const) : []), ...(hasMysql ? (["mysql"] as const) : [])];

describe.each(dialects)("chunked counts equal the one-statement count on %s", (d) => {
  let p: ChunkPlace;
  let tags: ReturnType<typeof chunkTagsDatabase>;
  let config: Config;
  let pool: TargetPool;
  let relations: Relation[];
  beforeAll(async () => {
    p = await chunkTables(d);
    tags = chunkTagsDatabase();
    const schema = p.schema ? { schema: p.schema } : {};
    config = validateConfig(
      {
        targets: { db: p.target, tagsdb: { dialect: "sqlite", url: tags.url } },
        relations: [
          {
            name: "composite",
            child: { target: "db", ...schema, table: "children_c", columns: ["org_id", "code"] },
            parent: { target: "db", ...schema, table: "parents_c", columns: ["org_id", "code"] },
          },
          {
            name: "text",
            child: { target: "db", ...schema, table: "notes_t", columns: ["tag_name"] },
            parent: { target: "db", ...schema, table: "tags_t", columns: ["name"] },
          },
          {
            name: "int",
            child: { target: "db", ...schema, table: "items_i", columns: ["n"] },
            parent: { target: "db", ...schema, table: "nums_i", columns: ["n"] },
          },
          {
            name: "pair",
            child: { target: "db", ...schema, table: "items_i", columns: ["org_id", "n"] },
            parent: { target: "db", ...schema, table: "pairs_i", columns: ["org_id", "n"] },
          },
          {
            // (no such data model, but the shape of one: a child whose primary key is its reference)
            name: "key is reference",
            child: { target: "db", ...schema, table: "notes_t", columns: ["slug"] },
            parent: { target: "db", ...schema, table: "tags_t", columns: ["name"] },
          },
          {
            name: "across",
            child: { target: "db", ...schema, table: "notes_t", columns: ["tag_name"] },
            parent: { target: "tagsdb", table: "tags", columns: ["name"] },
          },
        ],
        sweep: { chunkRows: CHUNK_ROWS },
      },
      "test.yaml",
      p.env,
    );
    pool = new TargetPool(config.targets);
    relations = (await resolveRelations(config, pool)).relations;
  });
  afterAll(async () => {
    await pool?.close();
    await p?.drop();
    tags?.drop();
  });

  const relation = (name: string) => relations.find((r) => r.name === name)!;

  it.each([
    ["composite", () => D.orphansC, () => D.childrenC.length],
    ["text", () => D.orphansT, () => D.notes.length],
    ["int", () => D.orphansN, () => D.items.length],
    ["pair", () => D.orphansP, () => D.items.length],
    ["across", () => D.orphansT, () => D.notes.length],
  ] as const)("%s", async (name, orphans, rows) => {
    const r = relation(name);
    const whole = await scanRelation(r, pool);
    expect(whole.error).toBeUndefined();
    expect(whole.orphans).toBe(orphans());
    expect(whole.childRows).toBe(rows());
    const ranges = (await planRanges(r, pool, CHUNK_ROWS))!;
    expect(ranges.length).toBeGreaterThan(10);
    // the ranges meet: each starts where the one before ended, the first and last are open
    expect(ranges[0].from).toBeUndefined();
    expect(ranges.at(-1)!.to).toBeUndefined();
    for (let i = 1; i < ranges.length; i++) expect(ranges[i].from).toEqual(ranges[i - 1].to);
    expect(await chunked(r, pool, ranges)).toEqual({ orphans: whole.orphans, childRows: whole.childRows });
    // bounded statements (the target's scanStatementTimeoutMs set, never reached) count the same
    const bounds = { db: { timeoutMs: 60_000 }, tagsdb: { timeoutMs: 60_000 } };
    expect(await chunked(r, pool, ranges, { bounds })).toEqual({ orphans: whole.orphans, childRows: whole.childRows });
  });

  it("cuts an integer reference along its columns, a text one along the child's primary key", async () => {
    const along = async (name: string) => {
      const [first] = (await planRanges(relation(name), pool, CHUNK_ROWS))!;
      return { columns: first.columns, reference: !!first.reference };
    };
    expect(await along("int")).toEqual({ columns: ["n"], reference: true });
    expect(await along("pair")).toEqual({ columns: ["org_id", "n"], reference: true });
    expect(await along("text")).toEqual({ columns: ["slug"], reference: false });
    expect(await along("composite")).toEqual({ columns: ["region", "seq"], reference: false });
    // a text primary key that is also the reference: cut as a primary key, the parent unbounded
    expect(await along("key is reference")).toEqual({ columns: ["slug"], reference: false });
  });

  // Ranges of the reference columns, cut here at keys of the data: a range whose parent bound dropped a parent at
  // either end would count that key's children as orphans, and the sum would differ.
  it.each([
    ["int", ["n"], () => D.orphansN],
    ["pair", ["org_id", "n"], () => D.orphansP],
  ] as const)("%s counted in ranges of its reference columns", async (name, columns, orphans) => {
    const keys = D.items
      .map(([, org, n]) => (columns.length === 1 ? [n] : [org, n]))
      .filter((k) => k.every((v) => v != null))
      .sort((a, b) => a[0]! - b[0]! || (a[1] ?? 0) - (b[1] ?? 0));
    const distinct = keys.filter((k, i) => i === 0 || k.join() !== keys[i - 1].join());
    const key = { columns: [...columns], reference: true };
    const fine = rangesBetween(
      key,
      distinct.filter((_, i) => i % 3 === 1),
    );
    expect(fine.length).toBeGreaterThan(10);
    expect(await chunked(relation(name), pool, fine)).toEqual({ orphans: orphans(), childRows: D.items.length });
    // two ranges, each spanning several leading values: a row whose key is NULL in a later
    // column only lies within one by its leading column, and must still count once (with the first)
    const halves = rangesBetween(key, [distinct[Math.floor(distinct.length / 2)]]);
    expect(await chunked(relation(name), pool, halves)).toEqual({ orphans: orphans(), childRows: D.items.length });
  });

  it("a relation under chunkRows is not cut", async () => {
    expect(await planRanges(relation("composite"), pool, 1_000)).toBeNull();
  });
});
